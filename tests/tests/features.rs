//! Per-tag Cargo features of the generated crate (decision 33), on the fixture
//! `tests/fixtures/features/`: operations under the tags `Pets`, `Store Front` and none,
//! and types used by one feature, by two, by all, and by none.
//!
//! The crate is generated into a scratch workspace under `CARGO_TARGET_TMPDIR` and built
//! there with `cargo clippy --all-targets -- -D warnings` (its spec example tests included)
//! under each feature alone, under none, and under all, with the `server` feature each time
//! (whose routes are gated too). It shares `whole_crates.rs`'s target folder and the
//! repository's `Cargo.lock`, so the dependencies are built once for both.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config::Config;

fn fixture() -> PathBuf {
    tests::fixtures().join("features")
}

/// The fixture's config, writing into `output`, its runtime this repository's.
fn config(output: &Path) -> Config {
    let path = fixture().join("features.codegen.yaml");
    let mut config = Config::load(&path).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    config.output = output.to_path_buf();
    config.runtime.path = Some(tests::workspace_root().join("runtime"));
    config
}

/// The generated files, by path.
fn generate(config: &Config) -> Vec<generator::write::GeneratedFile> {
    let mut diagnostics = generator::Diagnostics::default();
    generator::run(config, &mut diagnostics)
        .unwrap_or_else(|| panic!("the features fixture failed:\n{}", diagnostics.render(false)))
}

fn file<'a>(files: &'a [generator::write::GeneratedFile], path: &str) -> &'a str {
    files
        .iter()
        .find(|f| f.path == Path::new(path))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no `{path}` generated"))
}

/// The attribute just above `needle`'s line in `text` (its doc comments, derives and serde
/// attributes skipped).
fn gate_of<'a>(text: &'a str, needle: &str) -> Option<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}` in:\n{text}"));
    lines[..at]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.starts_with("///") && !l.starts_with("#[derive") && !l.starts_with("#[serde("))
        .filter(|l| l.starts_with("#[cfg("))
}

#[test]
fn operations_and_the_types_they_reach_are_gated_by_tag() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("features-text");
    let files = generate(&config(&dir));
    let manifest = file(&files, "Cargo.toml");
    assert!(
        manifest.contains(
            "\n[features]\nserver = [\"specgen-runtime/server\"]\nclient = [\"specgen-runtime/client\"]\ndefault = [\"all\"]\nall = [\"pets\", \"store_front\", \"untagged\"]\npets = []\nstore_front = []\nuntagged = []\n"
        ),
        "{manifest}"
    );
    let types = file(&files, "src/types.rs");
    // One feature, two, every one (always on) and none (always on, with what it refers to).
    assert_eq!(gate_of(types, "pub struct Pet "), Some(r#"#[cfg(feature = "pets")]"#));
    assert_eq!(gate_of(types, "pub struct Store "), Some(r#"#[cfg(feature = "store_front")]"#));
    assert_eq!(gate_of(types, "pub struct Owner "), Some(r#"#[cfg(any(feature = "pets", feature = "store_front"))]"#));
    assert_eq!(gate_of(types, "pub struct Error "), None);
    assert_eq!(gate_of(types, "pub struct Archive "), None);
    assert_eq!(gate_of(types, "pub struct Address "), None);
    assert_eq!(gate_of(types, "fn deserialize_some"), Some(r#"#[cfg(feature = "pets")]"#));
    // Every item of a gated enum or union is gated with it, not only the first.
    for item in [
        "pub enum PetKind ",
        "impl PetKind ",
        "open_enum!(PetKind, Other)",
        "pub enum PetCollar ",
        "impl ::std::convert::From<::std::string::String> for PetCollar",
        "impl ::std::convert::From<i64> for PetCollar",
    ] {
        assert_eq!(gate_of(types, item), Some(r#"#[cfg(feature = "pets")]"#), "{item}");
    }
    // An operation's first tag names its feature; no tag is `untagged`.
    let endpoints = file(&files, "src/endpoints.rs");
    assert_eq!(gate_of(endpoints, "pub mod list_pets;"), Some(r#"#[cfg(feature = "pets")]"#));
    assert_eq!(gate_of(endpoints, "pub mod list_stores;"), Some(r#"#[cfg(feature = "store_front")]"#));
    assert_eq!(gate_of(endpoints, "pub mod health;"), Some(r#"#[cfg(feature = "untagged")]"#));
    let server = file(&files, "src/server.rs");
    assert_eq!(gate_of(server, "fn list_stores("), Some(r#"#[cfg(feature = "store_front")]"#));
    assert_eq!(gate_of(server, "let router = router"), Some(r#"#[cfg(feature = "pets")]"#));
    let examples = file(&files, "tests/spec_examples.rs");
    assert_eq!(gate_of(examples, "fn same_json("), Some(r#"#[cfg(any(feature = "pets", feature = "store_front"))]"#));
}

/// Without `features:` the crate has no feature but `server` and `client`, and no gate.
#[test]
fn without_the_config_key_nothing_is_gated() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("features-off");
    let mut config = config(&dir);
    config.features = Default::default();
    let files = generate(&config);
    for f in &files {
        assert!(!f.contents.contains("cfg(feature = \"pets\")"), "{}:\n{}", f.path.display(), f.contents);
        assert!(!f.contents.contains("cfg(any("), "{}:\n{}", f.path.display(), f.contents);
    }
    assert!(!file(&files, "Cargo.toml").contains("default ="));
}

/// `features.by` takes `tag` only; another value or key is refused at its line.
#[test]
fn the_config_key_is_checked_at_its_line() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("features-config");
    std::fs::create_dir_all(&dir).expect("the scratch folder is writable");
    let path = dir.join("x.codegen.yaml");
    let head = "spec: a.yaml\noutput: out\npackage: {name: x}\n";
    for (text, says) in [
        ("features:\n  by: path\n", "unknown variant `path`, expected `tag`"),
        ("features:\n  per: tag\n", "unknown field `per`, expected `by`"),
    ] {
        std::fs::write(&path, format!("{head}{text}")).expect("write config");
        let error = Config::load(&path).expect_err(text);
        assert!(error.message.contains(says), "{}", error.message);
        assert_eq!(error.location.as_ref().map(|l| l.line), Some(5), "{text}");
    }
}

/// Runs cargo with `args` in `workspace`; fails the test with its output.
fn cargo(workspace: &Path, target: &Path, args: &[&str]) {
    let started = std::time::Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        output.status.success(),
        "`cargo {}` failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("cargo {}: {:.1?}", args.join(" "), started.elapsed());
}

#[test]
fn each_feature_alone_and_all_of_them_build_without_warnings() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let (workspace, target) = (tmp.join("features-crate"), tmp.join("whole-crates-target"));
    let output = workspace.join("fixture-features");
    let files = generate(&config(&output));
    generator::write::write(&output, &files).unwrap_or_else(|e| panic!("cannot write {}: {e}", output.display()));
    std::fs::write(
        workspace.join("Cargo.toml"),
        "# Written by tests/tests/features.rs.\n[workspace]\nresolver = \"2\"\nmembers = [\"fixture-features\"]\n\n[profile.dev]\ndebug = false\n",
    )
    .expect("the scratch folder is writable");
    let lock = std::fs::read_to_string(tests::workspace_root().join("Cargo.lock")).expect("Cargo.lock is readable");
    std::fs::write(workspace.join("Cargo.lock"), lock).expect("the scratch folder is writable");
    let clippy = |features: &str, default: bool| {
        let mut args = vec!["clippy", "--all-targets", "--features", features];
        if !default {
            args.push("--no-default-features");
        }
        args.extend(["--", "-D", "warnings"]);
        cargo(&workspace, &target, &args);
    };
    for feature in ["pets", "store_front", "untagged"] {
        clippy(&format!("server,{feature}"), false);
    }
    clippy("server", false);
    clippy("server", true);
}
