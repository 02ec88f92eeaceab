//! `lint --fix` (`generator::fix`): the overlay of the fixes lint can make mechanically.
//!
//! On the vendored `/sync` spec, the overlay it writes makes lint clean, and the crate
//! generated with it is the crate generated with the hand-written `api/overlays/sync-fixes.yaml`.
//! The other cases (`type: "null"` in OpenAPI 3.0, an example key with a typo, a schema in a
//! `$ref`'d file) are small specs written here.

use std::path::{Path, PathBuf};

use generator::fix::Overlay;
use generator::{Config, Diagnostics, Inputs, Severity};

/// A folder of this test's own under cargo's scratch folder for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch folder is created");
    dir
}

/// The fix overlay of `spec` (with `overlays` applied first), and what lint found.
fn fix(spec: &Path, overlays: &[PathBuf]) -> (Overlay, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let inputs = Inputs { overlays: overlays.to_vec(), ..Inputs::default() };
    let overlay = generator::fix::fix(&[spec.to_path_buf()], &inputs, &mut diagnostics).expect("the spec is linted");
    (overlay, diagnostics)
}

/// Lint's diagnostics for `spec` with `overlays`, as `code message` lines.
fn lint(spec: &Path, overlays: &[PathBuf]) -> Vec<String> {
    let mut diagnostics = Diagnostics::default();
    let inputs = Inputs { overlays: overlays.to_vec(), ..Inputs::default() };
    let _ = generator::check_with(&[spec.to_path_buf()], &inputs, &mut diagnostics);
    diagnostics.sorted().iter().map(|d| format!("{:?} {} {}", d.severity, d.code, d.message)).collect()
}

/// Writes the overlay beside the spec, as a user would, and returns its path.
fn write_overlay(overlay: &Overlay, path: &Path) -> PathBuf {
    std::fs::write(path, overlay.to_yaml()).expect("the overlay is written");
    path.to_path_buf()
}

#[test]
fn the_sync_fix_overlay_makes_lint_clean_and_generates_the_crate_of_the_hand_written_overlay() {
    let root = tests::workspace_root();
    let spec = root.join("api/sync.yaml");
    let (overlay, found) = fix(&spec, &[]);
    let errors = found.iter().filter(|d| d.severity == Severity::Error).count();
    assert_eq!(errors, 3, "{}", found.render(false));
    // One move of the three schemas, carrying the three `type: string.` fixes inside them.
    let targets: Vec<&str> = overlay.actions.iter().map(|a| a.target.as_str()).collect();
    let at = "$.paths['/sync'].get.responses['200'].schema.properties.rooms.additionalProperties";
    assert_eq!(targets, [format!("{at}['joined','invited','archived']").as_str(), at]);
    assert!(overlay.actions.iter().all(|a| a.description.contains("invalid schema type `string.`")));

    let path = write_overlay(&overlay, &scratch("sync").join("sync-fixes.yaml"));
    assert_eq!(lint(&spec, std::slice::from_ref(&path)), Vec::<String>::new(), "lint is clean, warnings included");

    let generate = |config: &Config| {
        let mut diagnostics = Diagnostics::default();
        let files = generator::run(config, &mut diagnostics);
        files.unwrap_or_else(|| panic!("{}", diagnostics.render(false)))
    };
    let hand_written = Config::load(&tests::sync_config_path()).expect("the sync config loads");
    let mut fixed = hand_written.clone();
    fixed.overlays = vec![path];
    let (expected, actual) = (generate(&hand_written), generate(&fixed));
    let paths = |files: &[generator::GeneratedFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&actual), paths(&expected));
    // The one difference: each file's header names the overlay it was generated with.
    let (ours, theirs) =
        (shown(&fixed, &fixed.overlay_paths()[0]), shown(&hand_written, &hand_written.overlay_paths()[0]));
    let mut named = 0;
    for (a, e) in actual.iter().zip(&expected) {
        let header = format!("with the overlays `{ours}`.");
        named += usize::from(a.contents.contains(&header));
        let contents = a.contents.replace(&header, &format!("with the overlays `{theirs}`."));
        assert!(contents == e.contents, "{} differs beyond the overlay's name in its header", a.path.display());
    }
    assert!(named > 0, "no header names the overlay `{ours}`");
}

/// A path as generated headers show it: below the folder the output and the spec share.
fn shown(config: &Config, path: &Path) -> String {
    use generator::config::{absolute, common_prefix};
    let root = common_prefix(&absolute(&config.output_dir()), &absolute(&config.spec_path()));
    let path = absolute(path);
    let common = common_prefix(&root, &path);
    path.strip_prefix(&common).unwrap_or(&path).to_string_lossy().replace('\\', "/")
}

const SPEC_30: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'pet.yaml'
              example:
                nmae: Rex
                tag: null
components:
  schemas:
    Tag:
      type: "null"
      description: kept
"#;

const PET: &str = "type: object
properties:
  name: {type: strng}
  tag: {$ref: 'spec.yaml#/components/schemas/Tag'}
";

#[test]
fn null_types_example_typos_and_schemas_of_refd_files_are_fixed_where_the_bundle_holds_them() {
    let dir = scratch("openapi30");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, SPEC_30).expect("written");
    std::fs::write(dir.join("pet.yaml"), PET).expect("written");
    let before = lint(&spec, &[]);
    assert!(before.iter().any(|d| d.contains("invalid schema type `strng`")), "{before:#?}");
    let (overlay, _) = fix(&spec, &[]);
    let yaml = overlay.to_yaml();
    for expected in [
        // `type: "null"` is `nullable: true`; the rest of the schema stays.
        "target: $.components.schemas.Tag['type']",
        "target: $.components.schemas.Tag\n",
        "nullable: true",
        // The schema of `pet.yaml` is the bundle's `components/schemas/pet`.
        "target: $.components.schemas.pet.properties.name\n",
        // The example's `nmae` is the declared `name`.
        "target: $.paths['/pets'].get.responses['200'].content['application/json'].example['nmae']",
        "Rename the example member `nmae` to `name`",
    ] {
        assert!(yaml.contains(expected), "{expected:?} not in\n{yaml}");
    }
    let path = write_overlay(&overlay, &dir.join("fixes.yaml"));
    let after = lint(&spec, &[path]);
    assert_eq!(after, Vec::<String>::new());
    let mut diagnostics = Diagnostics::default();
    let checked = generator::check(&spec, &[dir.join("fixes.yaml")], &mut diagnostics).expect("checked");
    let tag = &checked.spec.document["components"]["schemas"]["Tag"];
    assert_eq!(tag, &serde_json::json!({"description": "kept", "nullable": true}));
}

#[test]
fn a_spec_without_fixable_problems_gives_an_overlay_without_actions() {
    let dir = scratch("clean");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n").expect("written");
    let (overlay, found) = fix(&spec, &[]);
    assert!(found.is_empty());
    assert!(overlay.actions.is_empty());
}

const PATHS: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /certs/{certificate_id}:
    get:
      parameters:
        - {name: cert_id, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
    delete:
      responses: {'204': {description: gone}}
  /projects/{project_id}/certs:
    get:
      responses: {'200': {description: ok}}
"#;

/// A stray `path` parameter takes the name of the one variable nothing declares; where that
/// variable is still undeclared, a required string parameter declares it: in the operations
/// that lack it, or in the path item when none has it.
#[test]
fn path_template_variables_without_parameters_are_declared_and_a_stray_parameter_renamed() {
    let dir = scratch("paths");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, PATHS).expect("written");
    assert_eq!(lint(&spec, &[]).iter().filter(|d| d.starts_with("Error")).count(), 3);
    let (overlay, _) = fix(&spec, &[]);
    let targets: Vec<&str> = overlay.actions.iter().map(|a| a.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "$.paths['/certs/{certificate_id}'].get.parameters[0]",
            "$.paths['/certs/{certificate_id}'].delete",
            "$.paths['/projects/{project_id}/certs']",
        ]
    );
    let path = write_overlay(&overlay, &dir.join("fixes.yaml"));
    assert_eq!(lint(&spec, &[path]), Vec::<String>::new());
}
