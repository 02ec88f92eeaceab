//! Generator tests: every committed crate is in sync with its config, output is
//! deterministic, and every fixture under `tests/fixtures/codegen/` gives its reviewed snapshot.
//!
//! The configs are the workspace's (`api/*.codegen.yaml`, what `cargo xtask codegen` runs), each
//! generating `generated/<package name>`.
//! `ok/` fixtures must generate code (snapshot `ok-NAME-types`, and `ok-NAME-diagnostics`
//! when they warn); `err/` fixtures must fail with the rendered diagnostics in `err-NAME`.
//! A fixture is a `.yaml` file or a folder holding `spec.yaml` (or `spec/spec.yaml`, for
//! refs that leave the spec's folder), with an `options.yaml` beside it for the config's
//! type options (`enums`, `formats`). Re-bless with `INSTA_UPDATE=always`. The code
//! snapshots are compiled as part of this crate (see `build.rs`), so goldens must build.

use std::path::{Path, PathBuf};

use generator::config::Config;
use generator::{Diagnostics, GeneratedFile};

fn generate(config: &Config) -> (Option<Vec<GeneratedFile>>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let files = generator::run(config, &mut diagnostics);
    (files, diagnostics)
}

/// `path` from the workspace root, as messages show it (`api/matrix-sync.codegen.yaml`).
fn shown(path: &Path) -> String {
    path.strip_prefix(tests::workspace_root()).unwrap_or(path).display().to_string()
}

/// Every workspace config, loaded: (its path as shown, the config or why it does not load).
fn configs() -> Vec<(String, Result<Config, String>)> {
    tests::codegen_configs()
        .into_iter()
        .map(|path| {
            let config = Config::load(&path).map_err(|d| {
                let at = d
                    .location
                    .as_ref()
                    .map(|l| format!(" at {}:{}:{}", shown(Path::new(&*l.file)), l.line, l.column))
                    .unwrap_or_default();
                format!("{}{at}", d.message)
            });
            (shown(&path), config)
        })
        .collect()
}

#[test]
fn every_committed_crate_is_in_sync_with_its_config() {
    let mut problems = Vec::new();
    for (name, config) in configs() {
        let config = match config {
            Ok(config) => config,
            Err(e) => {
                problems.push(format!("`{name}` does not load: {e}"));
                continue;
            }
        };
        let (files, diagnostics) = generate(&config);
        let Some(files) = files else {
            problems.push(format!("`{name}` does not generate:\n{}", diagnostics.render(false)));
            continue;
        };
        let out = config.output_dir();
        let drift = generator::write::check(&out, &files);
        if !drift.is_empty() {
            let diffs: Vec<&str> = drift.iter().map(|d| d.diff.as_str()).collect();
            problems.push(format!(
                "the committed `{}` differs from what `{name}` gives ({} file(s)):\n{}",
                shown(&out),
                drift.len(),
                diffs.join("\n")
            ));
        }
    }
    assert!(problems.is_empty(), "{}\nrun `cargo xtask codegen` and commit the result", problems.join("\n\n"));
}

#[test]
fn each_config_has_its_own_crate_under_generated() {
    let generated = tests::workspace_root().join("generated");
    let mut problems = Vec::new();
    let mut outputs: Vec<PathBuf> = Vec::new();
    for (name, config) in configs() {
        // A config that does not load is reported by the in-sync test.
        let Ok(config) = config else { continue };
        let out = config.output_dir();
        let expected = generated.join(&config.package.name);
        if out != expected {
            problems.push(format!(
                "`{name}` writes `{}`: a crate goes to `generated/<package name>`, here `output: ../generated/{}`",
                shown(&out),
                config.package.name
            ));
        }
        outputs.push(out);
    }
    // Every folder of `generated/` is some config's crate (a workspace member by the glob
    // `generated/*`): a crate whose config was removed or renamed must go too.
    let mut folders: Vec<PathBuf> =
        std::fs::read_dir(&generated).expect("generated/ is readable").flatten().map(|e| e.path()).collect();
    folders.sort();
    for folder in folders {
        if !outputs.contains(&folder) {
            problems.push(format!(
                "`{}` is the crate of no config: remove it, or add its config to `api/`",
                shown(&folder)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn output_is_deterministic() {
    // A config that does not generate must fail the same way twice.
    for (name, config) in configs() {
        let Ok(config) = config else { continue };
        let (first, first_diagnostics) = generate(&config);
        let (second, second_diagnostics) = generate(&config);
        assert!(first == second, "`{name}` gave two different crates");
        assert_eq!(first_diagnostics.render(false), second_diagnostics.render(false), "`{name}`");
    }
}

fn fixture_config(spec: &Path) -> Config {
    // The output is never written: it only anchors the paths the file headers show.
    let mut config = Config::new(spec, tests::fixtures().join("codegen/out"), "fixture");
    // A folder fixture may hold `options.yaml`: the config's type options (`enums`, `formats`).
    let options = spec.parent().map(|dir| dir.join("options.yaml")).filter(|p| p.exists());
    if let Some(options) = options {
        let text = std::fs::read_to_string(&options).expect("options are readable");
        let head = format!("spec: {}\noutput: out\npackage: {{name: fixture}}\n", spec.display());
        let path = std::env::temp_dir().join(format!("fixture-options-{}.yaml", std::process::id()));
        std::fs::write(&path, format!("{head}{text}")).expect("write options");
        let loaded = Config::load(&path).unwrap_or_else(|e| panic!("{}: {}", options.display(), e.message));
        let _ = std::fs::remove_file(&path);
        (config.enums, config.formats) = (loaded.enums, loaded.formats);
    }
    config
}

/// Generates the `ok` fixture `name`, which must succeed.
fn generate_ok(name: &str) -> (Vec<GeneratedFile>, Diagnostics) {
    let (_, spec) = tests::codegen_fixtures("ok").into_iter().find(|(n, _)| n == name).expect("fixture exists");
    let (files, diagnostics) = generate(&fixture_config(&spec));
    let files = files.unwrap_or_else(|| panic!("fixture `{name}` failed:\n{}", diagnostics.render(false)));
    (files, diagnostics)
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a GeneratedFile {
    files.iter().find(|f| f.path == Path::new(path)).unwrap_or_else(|| panic!("{path} is generated"))
}

fn snapshot(name: &str, value: &str) {
    insta::with_settings!({ snapshot_path => "snapshots/codegen", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, value);
    });
}

#[test]
fn ok_fixtures_generate_their_snapshots() {
    for (name, spec) in tests::codegen_fixtures("ok") {
        let (files, diagnostics) = generate(&fixture_config(&spec));
        let files = files.unwrap_or_else(|| panic!("fixture `{name}` failed:\n{}", diagnostics.render(false)));
        assert!(!diagnostics.has_errors(), "fixture `{name}` reported errors");
        snapshot(&format!("ok-{name}-types"), &file(&files, "src/types.rs").contents);
        let diagnostics_snapshot = format!("ok-{name}-diagnostics");
        if diagnostics.is_empty() {
            let stale = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/snapshots/codegen/{diagnostics_snapshot}.snap"));
            assert!(!stale.exists(), "fixture `{name}` has no diagnostics: delete {}", stale.display());
        } else {
            snapshot(&diagnostics_snapshot, &diagnostics.render(false));
        }
    }
}

#[test]
fn err_fixtures_fail_with_their_diagnostics() {
    for (name, spec) in tests::codegen_fixtures("err") {
        let (files, diagnostics) = generate(&fixture_config(&spec));
        assert!(files.is_none(), "fixture `{name}` generated code but must fail");
        assert!(diagnostics.has_errors(), "fixture `{name}` failed without an error");
        snapshot(&format!("err-{name}"), &diagnostics.render(false));
    }
}

#[test]
fn a_file_referenced_twice_is_one_type() {
    let (files, _) = generate_ok("external_refs");
    let types = &file(&files, "src/types.rs").contents;
    assert_eq!(types.matches("pub struct User ").count(), 1, "{types}");
    assert!(
        types.contains("pub first: ::std::option::Option<User>")
            && types.contains("pub second: ::std::option::Option<User>"),
        "{types}"
    );
}

#[test]
fn a_path_fragment_is_not_part_of_the_route() {
    let (files, _) = generate_ok("path_fragment");
    let endpoint = files
        .iter()
        .find(|f| f.path.starts_with("src/endpoints/") && f.contents.contains("pub const METADATA"))
        .expect("the operation has an endpoint module");
    assert!(endpoint.contents.contains(r#"path: "/shared_items","#), "{}", endpoint.contents);
    assert!(!endpoint.contents.contains("#folders\""), "{}", endpoint.contents);
}

#[test]
fn only_examples_that_match_their_schemas_become_tests() {
    // Invalid examples are warnings, not errors: the fixture generates. A property the schema
    // does not declare is kept by the type (decision 20), so that example is a test too.
    let (files, diagnostics) = generate_ok("example_filtering");
    let tests = &file(&files, "tests/spec_examples.rs").contents;
    assert!(tests.contains("kept-example") && tests.contains("undeclared-example"), "{tests}");
    assert!(!tests.contains("mistyped-example"), "{tests}");
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"example-invalid") && codes.contains(&"example-undeclared-property"), "{codes:?}");
}

#[test]
fn a_package_name_that_names_no_crate_is_an_error_not_a_panic() {
    let (_, spec) = tests::codegen_fixtures("ok").into_iter().find(|(n, _)| n == "std_names").expect("fixture exists");
    for name in ["a\"b", "line\nbreak", "type", "1st", "", "-"] {
        let mut config = fixture_config(&spec);
        config.package.name = name.into();
        let (files, diagnostics) = generate(&config);
        assert!(files.is_none(), "`{name}` generated a crate");
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["config"], "`{name}`: {}", diagnostics.render(false));
    }
}

#[test]
fn recursive_aliases_are_newtypes_that_keep_the_json() {
    let (files, _) = generate_ok("recursive_aliases");
    let types = &file(&files, "src/types.rs").contents;
    assert!(types.contains("pub struct M(pub ::std::collections::BTreeMap<::std::string::String, M>);"), "{types}");
    assert!(types.contains("pub struct L(pub ::std::vec::Vec<L>);"), "{types}");
    // The compiled golden, through JSON: a newtype is as transparent as the alias was.
    let json = serde_json::json!({"a": {"b": {}}, "c": {}});
    let m: tests::goldens::recursive_aliases::M = serde_json::from_value(json.clone()).expect("a map of maps");
    assert_eq!(serde_json::to_value(&m).expect("serializes"), json);
    let l: tests::goldens::recursive_aliases::L = serde_json::from_str("[[], [[]]]").expect("lists of lists");
    assert_eq!(serde_json::to_string(&l).expect("serializes"), "[[],[[]]]");
}

#[test]
fn non_ascii_operation_names_are_kept_and_their_modules_found() {
    let (files, diagnostics) = generate_ok("hostile_names");
    let endpoints = &file(&files, "src/endpoints.rs").contents;
    assert!(endpoints.contains("#[path = \"endpoints/-fc-ber_op.rs\"]\npub mod über_op;"), "{endpoints}");
    file(&files, "src/endpoints/-fc-ber_op.rs");
    let server = &file(&files, "src/server.rs").contents;
    assert!(server.contains("fn über_op("), "{server}");
    // Each of the three colliding operationIds past the first is renamed with a warning.
    let clashes = diagnostics.iter().filter(|d| d.code == "name-clash" && d.message.contains("`get_user`")).count();
    assert_eq!(clashes, 2, "{}", diagnostics.render(false));
}

/// Schemas keyed by dotted namespaces (`io.example.api.v1.Pod`, as Kubernetes writes them)
/// become modules of `types` without the prefix every key shares, each type named by its
/// last segment; other modules are reached through `super::`, and code outside `types`
/// names the whole path.
#[test]
fn dotted_schema_keys_become_modules() {
    let dir = std::env::temp_dir().join(format!("codegen-dotted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spec = dir.join("spec.yaml");
    let text = "swagger: '2.0'
info: {title: t, version: '1'}
paths:
  /pods:
    get:
      operationId: listPods
      responses:
        '200': {description: ok, schema: {$ref: '#/definitions/io.example.api.v1.Pod'}}
definitions:
  io.example.api.v1.Pod:
    type: object
    properties:
      metadata: {$ref: '#/definitions/io.example.meta.v1.ObjectMeta'}
      spec: {type: object, properties: {node: {type: string}}}
  io.example.meta.v1.ObjectMeta:
    type: object
    properties:
      name: {type: string}
  Plain:
    type: object
    properties:
      pod: {$ref: '#/definitions/io.example.api.v1.Pod'}
";
    std::fs::write(&spec, text).expect("write spec");
    let (files, diagnostics) = generate(&Config::new(&spec, dir.join("out"), "dotted"));
    let files = files.unwrap_or_else(|| panic!("codegen failed:\n{}", diagnostics.render(false)));
    let root = &file(&files, "src/types.rs").contents;
    assert!(root.contains("pub mod api;") && root.contains("pub mod meta;"), "{root}");
    assert!(
        root.contains("pub struct Plain") && root.contains("pub pod: ::std::option::Option<api::v1::Pod>"),
        "{root}"
    );
    assert!(file(&files, "src/types/api.rs").contents.contains("pub mod v1;"));
    let pods = &file(&files, "src/types/api/v1.rs").contents;
    assert!(pods.contains("pub struct Pod {"), "{pods}");
    assert!(pods.contains("::std::option::Option<super::super::meta::v1::ObjectMeta>"), "{pods}");
    // The inline object of `Pod` goes with it, its name shortened with it.
    assert!(pods.contains("pub struct PodSpec {") && pods.contains("spec: ::std::option::Option<PodSpec>"), "{pods}");
    assert!(file(&files, "src/types/meta/v1.rs").contents.contains("pub struct ObjectMeta {"));
    let endpoint = &file(&files, "src/endpoints/list_pods.rs").contents;
    assert!(endpoint.contains("crate::types::api::v1::Pod"), "{endpoint}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `cargo doc` of a generated crate says where it came from and how to regenerate it, and
/// each endpoint's module shows its method and path, its description and a call through the
/// client, naming the crate and the credential type.
#[test]
fn docs_say_where_the_crate_came_from_and_show_each_endpoints_call() {
    let (files, _) = generate_ok("operations");
    let lib = &file(&files, "src/lib.rs").contents;
    let origin =
        lib.lines().find(|l| l.starts_with("//! Generated by specgen from")).expect("the crate doc names its spec");
    assert!(origin.contains("operations.yaml") && origin.contains("run `cargo xtask codegen`"), "{origin}");
    let endpoints = &file(&files, "src/endpoints.rs").contents;
    assert!(endpoints.contains("/// # Example"), "{endpoints}");
    assert!(endpoints.contains("let client = fixture::client::Client::new(\"https://example.org\")"), "{endpoints}");
    assert!(endpoints.contains("let response = client.send(&request).await?;"), "{endpoints}");
    assert!(
        endpoints.contains(".with_credential(/* a `fixture::endpoints::"),
        "a secured operation names its credential: {endpoints}"
    );
}
