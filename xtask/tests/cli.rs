//! The command line's contract: exit codes, where diagnostics go, and the JSON format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ has a parent").to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(root()).output().expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn lint_of_the_upstream_spec_fails_with_each_defect_at_its_place() {
    let output = xtask(&["lint", "api/sync.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    for place in ["api/sync.yaml:80:21", "api/sync.yaml:86:31", "api/sync.yaml:92:31", "api/sync.yaml:101:31"] {
        assert!(text.contains(place), "{place} missing from:\n{text}");
    }
    assert!(text.contains("help: did you mean `string`?"), "{text}");
    assert!(text.contains("3 errors and 3 warnings emitted"), "{text}");
}

#[test]
fn lint_of_the_overlaid_spec_is_clean() {
    let output = xtask(&["lint", "api/sync.yaml", "--overlay", "api/overlays/sync-fixes.yaml", "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("no problems found"));
}

#[test]
fn json_lines_for_tools() {
    let output = xtask(&["lint", "api/sync.yaml", "--message-format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    let first_error = lines.iter().find(|d| d["severity"] == "error").expect("an error");
    assert_eq!(first_error["code"], "invalid-type");
    assert_eq!(first_error["location"]["file"], "api/sync.yaml");
    assert_eq!(first_error["location"]["line"], 86);
    assert_eq!(first_error["location"]["column"], 31);
    assert_eq!(first_error["help"], "did you mean `string`?");
}

#[test]
fn warnings_fail_only_when_denied() {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spec = dir.join("spec.yaml");
    let text =
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: {type: object, colour: red}\n";
    std::fs::write(&spec, text).expect("write spec");
    let spec = spec.to_string_lossy().into_owned();
    assert_eq!(xtask(&["lint", &spec]).status.code(), Some(0));
    assert_eq!(xtask(&["lint", &spec, "--deny-warnings"]).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn codegen_check_passes_on_every_committed_crate() {
    let output = xtask(&["codegen", "--check"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    // Every config of `api/` was checked, and said so.
    for config in xtask::configs(&root().join("api")).expect("api/ is readable") {
        let name = config.strip_prefix(root()).expect("inside the workspace").display().to_string();
        assert!(text.contains(&format!("from `{name}`)")), "{name} was not checked:\n{text}");
    }
}

/// A minimal valid spec, and the config of a crate `generated/NAME` generated from it.
const SPEC: &str = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: {type: object}\n";

fn crate_config(spec: &str, name: &str) -> String {
    format!("spec: {spec}\noutput: ../generated/{name}\npackage: {{name: {name}}}\n")
}

#[test]
fn every_config_of_the_folder_runs_in_name_order_and_a_failing_one_writes_nothing() {
    let dir = scratch("many");
    let api = dir.join("api");
    std::fs::create_dir_all(&api).expect("api");
    std::fs::write(api.join("spec.yaml"), SPEC).expect("spec");
    std::fs::write(api.join("broken.yaml"), SPEC.replace("type: object", "type: objekt")).expect("broken spec");
    std::fs::write(api.join("b.codegen.yaml"), crate_config("broken.yaml", "b")).expect("config");
    std::fs::write(api.join("c.codegen.yaml"), crate_config("spec.yaml", "c")).expect("config");
    std::fs::write(api.join("a.codegen.yaml"), crate_config("spec.yaml", "a")).expect("config");
    // Not configs: neither is run.
    std::fs::write(api.join("codegen.yaml"), "colour: blue\n").expect("not a config");
    std::fs::write(api.join("notes.yaml"), "colour: blue\n").expect("not a config");

    let output = xtask_in(&dir, &["codegen", "--config", "api"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    // The failing config reports its own error, at its place, and writes nothing...
    assert!(text.contains("invalid schema type `objekt`") && text.contains("api/broken.yaml:5:13"), "{text}");
    assert!(text.contains("error: could not generate from `api/b.codegen.yaml` due to the error above"), "{text}");
    assert!(!dir.join("generated/b").exists(), "a failed config wrote files");
    // ...the others generate their crates, each headed with the spec as seen from the workspace...
    for name in ["a", "c"] {
        let lib = std::fs::read_to_string(dir.join(format!("generated/{name}/src/lib.rs"))).expect("generated");
        assert!(lib.contains("from `api/spec.yaml`"), "{}", &lib[..200.min(lib.len())]);
    }
    // ...in name order, and the run closes with the configs that failed.
    let place = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("`{needle}` missing:\n{text}"));
    assert!(
        place("generated/a/Cargo.toml") < place("api/b.codegen.yaml")
            && place("api/b.codegen.yaml") < place("generated/c/Cargo.toml"),
        "{text}"
    );
    assert!(text.ends_with("error: 1 of 3 configs failed: `api/b.codegen.yaml`\n"), "{text}");

    // The same from inside `api/`, as the default folder would be.
    let check = xtask_in(&api, &["codegen", "--config", ".", "--check"]);
    let text = stderr(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    assert!(text.contains("is up to date (8 files, from `a.codegen.yaml`)"), "{text}");
    assert!(text.contains("is up to date (8 files, from `c.codegen.yaml`)"), "{text}");
    assert!(text.contains("error: could not generate from `b.codegen.yaml`"), "{text}");

    // One config alone runs alone.
    let one = xtask_in(&dir, &["codegen", "--config", "api/c.codegen.yaml", "--check"]);
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert!(!stderr(&one).contains("a.codegen.yaml"), "{}", stderr(&one));

    // A stale crate fails the check, naming its config; the others still report.
    std::fs::write(dir.join("generated/a/src/lib.rs"), "// edited\n").expect("edit");
    std::fs::remove_file(api.join("b.codegen.yaml")).expect("remove");
    let stale = xtask_in(&dir, &["codegen", "--config", "api", "--check"]);
    let text = stderr(&stale);
    assert_eq!(stale.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error: 1 generated file(s) in `generated/a` differ from the spec of `api/a.codegen.yaml`"),
        "{text}"
    );
    assert!(text.contains("`generated/c` is up to date"), "{text}");
    assert!(text.ends_with("error: 1 of 2 configs failed: `api/a.codegen.yaml`\n"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn configs_that_share_an_output_folder_write_nothing() {
    let dir = scratch("clash");
    let api = dir.join("api");
    std::fs::create_dir_all(&api).expect("api");
    std::fs::write(api.join("spec.yaml"), SPEC).expect("spec");
    std::fs::write(api.join("a.codegen.yaml"), crate_config("spec.yaml", "a")).expect("config");
    // `b` writes into `a`'s folder; `c` inside it (`a`'s sweep would remove its files).
    std::fs::write(api.join("b.codegen.yaml"), "spec: spec.yaml\noutput: ../generated/a\npackage: {name: b}\n")
        .expect("config");
    std::fs::write(api.join("c.codegen.yaml"), "spec: spec.yaml\noutput: ../generated/a/src/c\npackage: {name: c}\n")
        .expect("config");
    std::fs::write(api.join("d.codegen.yaml"), crate_config("spec.yaml", "d")).expect("config");
    let output = xtask_in(&dir, &["codegen", "--config", "api"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for expected in [
        "error[config]: output folder `generated/a` is also the output of `api/b.codegen.yaml` (`generated/a`)\n --> api/a.codegen.yaml:2:9",
        "error[config]: output folder `generated/a` holds the output of `api/c.codegen.yaml` (`generated/a/src/c`)\n --> api/a.codegen.yaml:2:9",
        "error[config]: output folder `generated/a` is also the output of `api/a.codegen.yaml` (`generated/a`)\n --> api/b.codegen.yaml:2:9",
        "error[config]: output folder `generated/a/src/c` is inside the output of `api/a.codegen.yaml` (`generated/a`)\n --> api/c.codegen.yaml:2:9",
        "error: could not generate from `api/c.codegen.yaml` due to the errors above",
    ] {
        assert!(text.contains(expected), "`{expected}` missing:\n{text}");
    }
    assert!(
        text.ends_with(
            "error: 3 of 4 configs failed: `api/a.codegen.yaml`, `api/b.codegen.yaml`, `api/c.codegen.yaml`\n"
        ),
        "{text}"
    );
    assert!(dir.join("generated/d/Cargo.toml").exists(), "the config apart from the clash generates");
    assert!(
        !dir.join("generated/a").exists() && !dir.join("generated/Cargo.toml").exists(),
        "a clashing config wrote files"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_without_configs_is_an_error() {
    let dir = scratch("empty");
    std::fs::write(dir.join("codegen.yaml"), crate_config("spec.yaml", "a")).expect("a config not named as one");
    let output = xtask_in(&dir, &["codegen", "--config", "."]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("error: no config in `.`: a config is named `NAME.codegen.yaml`"),
        "{}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failing_codegen_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("xtask-cli-fail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // The upstream spec without its overlay has errors: nothing may be written.
    let config = dir.join("codegen.yaml");
    let spec = root().join("api/sync.yaml");
    std::fs::write(&config, format!("spec: {}\noutput: out\npackage: {{name: x}}\n", spec.display())).expect("config");
    let output = xtask(&["codegen", "--config", &config.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("invalid schema type `string.`"));
    assert!(!dir.join("out").exists(), "a failed run wrote files");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_config_is_an_error_with_its_place() {
    let dir = std::env::temp_dir().join(format!("xtask-cli-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("codegen.yaml");
    std::fs::write(&config, "spec: a.yaml\noutput: out\npackage: {name: x}\ncolour: blue\n").expect("config");
    let output = xtask(&["codegen", "--config", &config.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("unknown field `colour`") && text.contains("codegen.yaml:4:1"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh folder for one test, removed first if a previous run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn xtask_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(dir).output().expect("xtask runs")
}

#[test]
fn a_bare_file_name_confines_refs_like_any_other_spelling() {
    let dir = scratch("bare");
    let case = dir.join("case");
    std::fs::create_dir_all(dir.join("outside")).expect("outside");
    std::fs::create_dir_all(&case).expect("case");
    let secret = "SECRET-MARKER-7f3a";
    std::fs::write(dir.join("outside/s.yaml"), format!("type: object\ndescription: {secret}\n")).expect("outside");
    std::fs::write(dir.join("outside/plain.txt"), format!("{secret}\n")).expect("outside");
    let absolute = dir.join("outside/plain.txt");
    for reference in ["../outside/s.yaml", absolute.to_str().expect("utf-8 temp path")] {
        let spec = format!(
            "swagger: '2.0'\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ndefinitions:\n  A:\n    $ref: '{reference}'\n"
        );
        std::fs::write(case.join("spec.yaml"), spec).expect("spec");
        for spelling in ["spec.yaml", "./spec.yaml"] {
            let output = xtask_in(&case, &["lint", spelling]);
            let text = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "`{reference}` via `{spelling}`:\n{text}");
            assert!(text.contains("error[ref-escapes-root]"), "`{reference}` via `{spelling}`:\n{text}");
            assert!(text.contains("spec.yaml:6:11"), "`{reference}` via `{spelling}`:\n{text}");
            assert!(!text.contains(secret), "the outside file was read:\n{text}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_config_given_by_bare_name_keeps_its_relative_paths() {
    let dir = scratch("config-cwd");
    let api = dir.join("api");
    std::fs::create_dir_all(&api).expect("api");
    std::fs::write(
        api.join("spec.yaml"),
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: {type: object}\n",
    )
    .expect("spec");
    std::fs::write(api.join("codegen.yaml"), "spec: spec.yaml\noutput: ../generated\npackage: {name: x}\n")
        .expect("config");
    let output = xtask_in(&api, &["codegen", "--config", "codegen.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!api.join("generated").exists(), "`../generated` was taken as `generated`");
    let lib = std::fs::read_to_string(dir.join("generated/src/lib.rs")).expect("the crate is beside api/");
    assert!(lib.contains("from `api/spec.yaml`"), "the header names the wrong spec:\n{}", &lib[..200.min(lib.len())]);
    // The same config from another folder gives the same files.
    let again = xtask_in(&dir, &["codegen", "--config", "api/codegen.yaml", "--check"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refs_may_climb_to_a_root_above_the_spec_and_no_further() {
    let dir = scratch("root");
    let api = dir.join("data/api");
    std::fs::create_dir_all(&api).expect("api");
    std::fs::create_dir_all(dir.join("data/schemas")).expect("schemas");
    std::fs::write(dir.join("data/schemas/event.yaml"), "type: object\nproperties:\n  sender: {type: string}\n")
        .expect("schema");
    std::fs::write(dir.join("secret.yaml"), "type: object\ndescription: SECRET-ROOT-MARKER\n").expect("secret");
    let spec = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  Event:\n    $ref: '../schemas/event.yaml'\n";
    std::fs::write(api.join("spec.yaml"), spec).expect("spec");
    // Without a root, the spec's folder is the limit.
    let refused = xtask_in(&api, &["lint", "spec.yaml"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("error[ref-escapes-root]"), "{}", stderr(&refused));
    // With `data` as the root, the ref resolves; the lint is clean.
    let allowed = xtask_in(&api, &["lint", "spec.yaml", "--root", ".."]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    // And a config says the same, with codegen.
    std::fs::write(api.join("codegen.yaml"), "spec: spec.yaml\nroot: ..\noutput: ../../out\npackage: {name: x}\n")
        .expect("config");
    let generated = xtask_in(&api, &["codegen", "--config", "codegen.yaml"]);
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let types = std::fs::read_to_string(dir.join("out/src/types.rs")).expect("types");
    assert!(types.contains("pub sender: ::std::option::Option<::std::string::String>"), "{types}");
    // A ref past the root is still refused.
    let past = spec.replace("../schemas/event.yaml", "../../secret.yaml");
    std::fs::write(api.join("spec.yaml"), past).expect("spec");
    let escaped = xtask_in(&api, &["lint", "spec.yaml", "--root", ".."]);
    assert_eq!(escaped.status.code(), Some(1));
    assert!(stderr(&escaped).contains("error[ref-escapes-root]") && !stderr(&escaped).contains("SECRET-ROOT-MARKER"));
    // A root that is not above the spec is a mistake.
    let beside = xtask_in(&api, &["lint", "spec.yaml", "--root", "../schemas"]);
    assert_eq!(beside.status.code(), Some(1));
    assert!(stderr(&beside).contains("is not inside the root folder"), "{}", stderr(&beside));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_fix_writes_the_overlay_that_makes_lint_clean() {
    let dir = scratch("fix");
    let overlay = dir.join("fixes.yaml");
    let output = xtask(&["lint", "api/sync.yaml", "--fix", "-o", overlay.to_str().expect("a UTF-8 path")]);
    // The diagnostics are those of the spec as given.
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("wrote an overlay of 2 actions to"), "{}", stderr(&output));
    let text = std::fs::read_to_string(&overlay).expect("the overlay is written");
    assert!(text.contains("overlay: 1.0.0"), "{text}");
    let output = xtask(&["lint", "api/sync.yaml", "--overlay", overlay.to_str().expect("UTF-8"), "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Without `-o`, the overlay is the standard output.
    let output = xtask(&["lint", "api/sync.yaml", "--fix"]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), text);
}

#[test]
fn sarif_for_code_scanning() {
    let output = xtask(&["lint", "api/sync.yaml", "--message-format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "api/sync.yaml");
    // A clean spec is an empty log, still written.
    let output =
        xtask(&["lint", "api/sync.yaml", "--overlay", "api/overlays/sync-fixes.yaml", "--message-format", "sarif"]);
    assert_eq!(output.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}
