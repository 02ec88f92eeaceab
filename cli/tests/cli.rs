//! The `specgen` binary as a user runs it: in a temporary folder, on fixture specs, judged by
//! its exit code and what it writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// A fresh folder of its own for each test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specgen-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs `specgen` in `dir`.
fn specgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specgen"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run specgen: {e}"))
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("specgen exits with a code")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of the small `operations` fixture in `dir`.
fn operations_spec(dir: &Path) -> PathBuf {
    let spec = dir.join("operations.yaml");
    std::fs::copy(fixtures().join("codegen/ok/operations.yaml"), &spec).expect("copy the fixture");
    spec
}

#[test]
fn generate_from_a_bare_spec_names_the_crate_from_its_title() {
    let dir = temp_dir("generate");
    operations_spec(&dir);
    let output = specgen(&dir, &["generate", "operations.yaml", "-o", "out"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.join("out/Cargo.toml")).expect("a crate is written");
    assert!(manifest.contains("name = \"operations\""), "{manifest}");
    // The runtime by path, since it is not on crates.io: the one this binary was built from.
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime").canonicalize().expect("runtime/");
    let written = manifest.lines().find(|l| l.starts_with("specgen-runtime")).expect("the runtime dependency");
    let path = written.split("path = \"").nth(1).and_then(|s| s.split('"').next()).expect("a path");
    assert_eq!(dir.join("out").join(path).canonicalize().ok(), Some(runtime), "{written}");
    assert!(dir.join("out/src/lib.rs").is_file());
    // Without `-o`: a folder named after the package.
    let output = specgen(&dir, &["generate", "operations.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(dir.join("operations/src/lib.rs").is_file());
    // `--runtime-path` names another runtime, written relative to the crate.
    let output = specgen(&dir, &["generate", "operations.yaml", "-o", "other", "--runtime-path", "vendor/runtime"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.join("other/Cargo.toml")).expect("a crate is written");
    assert!(manifest.contains("path = \"../vendor/runtime\""), "{manifest}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The title is read from JSON (a byte order mark before it) as from YAML, flow style
/// included; a title that makes no package name leaves the file's name.
#[test]
fn a_bare_specs_title_is_read_from_json_and_yaml() {
    let dir = temp_dir("titles");
    let json =
        "\u{feff}{\"swagger\": \"2.0\", \"info\": {\"version\": \"1\", \"title\": \"My Pet Store\"}, \"paths\": {}}";
    std::fs::write(dir.join("pets.json"), json).expect("spec");
    let output = specgen(&dir, &["generate", "pets.json", "-o", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.join("json/Cargo.toml")).expect("a crate is written");
    assert!(manifest.contains("name = \"my-pet-store\""), "{manifest}");
    std::fs::write(dir.join("numbered.yaml"), "swagger: '2.0'\ninfo: {version: '1', title: '123'}\npaths: {}\n")
        .expect("spec");
    let output = specgen(&dir, &["generate", "numbered.yaml", "-o", "yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.join("yaml/Cargo.toml")).expect("a crate is written");
    assert!(manifest.contains("name = \"numbered\""), "{manifest}");
    // YAML in flow style is YAML, whatever its first character.
    std::fs::write(dir.join("flow.yaml"), "{swagger: '2.0', info: {version: '1', title: Flow Pets}, paths: {}}\n")
        .expect("spec");
    let output = specgen(&dir, &["generate", "flow.yaml", "-o", "flow"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.join("flow/Cargo.toml")).expect("a crate is written");
    assert!(manifest.contains("name = \"flow-pets\""), "{manifest}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_exits_1_once_the_crate_drifts() {
    let dir = temp_dir("check");
    operations_spec(&dir);
    assert_eq!(code(&specgen(&dir, &["generate", "operations.yaml", "-o", "out"])), 0);
    let output = specgen(&dir, &["check", "operations.yaml", "-o", "out"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let lib = dir.join("out/src/lib.rs");
    let header = std::fs::read_to_string(&lib).expect("lib.rs");
    assert!(header.contains("@generated by `specgen generate operations.yaml -o out`"), "{header}");
    let text = std::fs::read_to_string(&lib).expect("lib.rs");
    std::fs::write(&lib, format!("{text}\n// edited by hand\n")).expect("edit");
    let output = specgen(&dir, &["check", "operations.yaml", "-o", "out"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("differ"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&lib).ok(),
        Some(format!("{text}\n// edited by hand\n")),
        "check writes nothing"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_exits_1_on_errors_and_0_on_a_clean_spec() {
    let dir = temp_dir("lint");
    let bad = fixtures().join("lint/err/invalid_type.yaml");
    let output = specgen(&dir, &["lint", &bad.to_string_lossy()]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("error[invalid-type]"), "{}", stderr(&output));
    let output = specgen(&dir, &["lint", &bad.to_string_lossy(), "--message-format", "json"]);
    assert_eq!(code(&output), 1);
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"code\":\"invalid-type\""));
    let good = operations_spec(&dir);
    let output = specgen(&dir, &["lint", &good.to_string_lossy()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_writes_a_config_generate_and_check_accept() {
    let dir = temp_dir("init");
    std::fs::create_dir_all(dir.join("specs")).expect("a folder for the spec");
    operations_spec(&dir.join("specs"));
    let output = specgen(&dir, &["init", "specs/operations.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let config = std::fs::read_to_string(dir.join("operations.codegen.yaml")).expect("the config is written");
    assert!(config.contains("spec: \"specs/operations.yaml\""), "{config}");
    assert!(config.contains("# overlays:"), "a starter config shows the other settings: {config}");
    // It is not replaced without `--force`.
    assert_eq!(code(&specgen(&dir, &["init", "specs/operations.yaml"])), 1);
    assert_eq!(code(&specgen(&dir, &["init", "specs/operations.yaml", "--force"])), 0);
    let output = specgen(&dir, &["generate", "operations.codegen.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(dir.join("operations/Cargo.toml").is_file());
    // The files name the command that regenerates them, from the config's folder.
    let lib = std::fs::read_to_string(dir.join("operations/src/lib.rs")).expect("lib.rs");
    assert!(lib.contains("run `specgen generate operations.codegen.yaml`"), "{lib}");
    // `check` with no argument checks every config of the folder.
    let output = specgen(&dir, &["check"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // The same files whichever folder it runs from.
    let output = specgen(&dir.join("specs"), &["check", "../operations.codegen.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_config_with_errors_exits_1_at_its_line() {
    let dir = temp_dir("bad-config");
    std::fs::write(dir.join("x.codegen.yaml"), "spec: a.yaml\noutput: out\npackage:\n  name: \"2fa\"\n")
        .expect("write");
    let output = specgen(&dir, &["generate", "x.codegen.yaml"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("x.codegen.yaml:4:"), "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    let dir = temp_dir("usage");
    for args in [&["frobnicate"][..], &["generate"], &["lint", "x.yaml", "--message-format", "xml"], &[]] {
        let output = specgen(&dir, args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_lists_the_exit_codes() {
    let dir = temp_dir("help");
    for args in [&["--help"][..], &["generate", "--help"], &["check", "--help"]] {
        let output = specgen(&dir, args);
        assert_eq!(code(&output), 0);
        let help = String::from_utf8_lossy(&output.stdout);
        for line in ["Exit status:", "  0 ", "  1 ", "  2 ", "  101 "] {
            assert!(help.contains(line), "{args:?} lacks `{line}`:\n{help}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Not on a terminal (as here), nothing but diagnostics and the closing line reach stderr.
#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    let dir = temp_dir("quiet");
    operations_spec(&dir);
    let output = specgen(&dir, &["generate", "operations.yaml", "-o", "out"]);
    assert_eq!(code(&output), 0);
    let text = stderr(&output);
    assert!(!text.contains('\r') && !text.contains("generating from"), "{text:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The CLI and `cargo xtask codegen` are one library: the CLI finds this repository's
/// committed crate in sync with its config, and lints the upstream spec as xtask does.
#[test]
fn the_cli_agrees_with_the_xtask_on_this_repository() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = specgen(&repository, &["check", "api/matrix-sync.codegen.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = specgen(&repository, &["lint", "api/sync.yaml"]);
    assert_eq!(code(&output), 1, "the upstream file has errors: {}", stderr(&output));
    let output = specgen(&repository, &["lint", "api/sync.yaml", "--overlay", "api/overlays/sync-fixes.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stderr(&output).contains("no problems found"), "{}", stderr(&output));
}

/// `lint --fix -o FILE` writes the overlay of the mechanical fixes; linting again through it
/// finds nothing. SARIF goes to stdout, one log even for a clean spec; `--fix` without `-o`
/// beside a machine format is a usage error (both would write to stdout).
#[test]
fn lint_fix_writes_an_overlay_that_makes_lint_clean_and_sarif_is_one_log() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = temp_dir("fix");
    let overlay = dir.join("fixes.yaml");
    let overlay_arg = overlay.to_string_lossy().into_owned();
    let output = specgen(&repository, &["lint", "api/sync.yaml", "--fix", "-o", &overlay_arg]);
    assert_eq!(code(&output), 1, "lint's own status for the spec as given: {}", stderr(&output));
    assert!(stderr(&output).contains("wrote an overlay of"), "{}", stderr(&output));
    let text = std::fs::read_to_string(&overlay).expect("the overlay is written");
    assert!(text.lines().any(|l| l == "overlay: 1.0.0"), "{text}");
    assert!(text.contains("description:"), "each action says what it fixes: {text}");
    let output = specgen(&repository, &["lint", "api/sync.yaml", "--overlay", &overlay_arg]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stderr(&output).contains("no problems found"), "{}", stderr(&output));

    let output = specgen(&repository, &["lint", "api/sync.yaml", "--message-format", "sarif"]);
    assert_eq!(code(&output), 1);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["level"] == "error"), "{log}");
    let output =
        specgen(&repository, &["lint", "api/sync.yaml", "--overlay", &overlay_arg, "--message-format", "sarif"]);
    assert_eq!(code(&output), 0);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("an empty log");
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0), "{log}");

    let output = specgen(&repository, &["lint", "api/sync.yaml", "--fix", "--message-format", "json"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}
