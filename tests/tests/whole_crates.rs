//! Every `ok` codegen fixture as a whole crate: generated with every file (endpoints, server,
//! client, spec example tests) into a scratch cargo workspace, and built there with
//! `cargo clippy --all-targets --all-features -- -D warnings`, `cargo test --all-features`
//! and `RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps --all-features`.
//!
//! - The fixtures alternate between the two error formats (`problem`, `matrix`), and those in
//!   [`BOTH_FORMATS`] are generated under each, so every format is built on every kind of
//!   operation.
//! - Beside them, the crate `together` (`whole_crates/together.rs`) uses two generated crates
//!   in one program: one runtime, one `ApiError`, one `Metadata` table, one generic client
//!   call serving both crates' servers.
//! - No lint is allowed: the `hostile_names` fixture (operations called `new` and
//!   `from_*`) and the `descriptions` fixture (URLs in links, parentheses and quotes) hold the
//!   two cases that once needed it.
//!
//! The scratch workspace lives under `CARGO_TARGET_TMPDIR` (`target/tmp/whole-crates/`) with
//! the repository's `Cargo.lock`, so its dependencies are the versions the repository tests;
//! it has its own target folder (`target/tmp/whole-crates-target/`), kept between runs, since
//! the outer cargo holds the lock of its own while tests run. Nothing is written elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config::{Config, ErrorFormat};

/// Fixtures generated under both error formats; `together` uses one crate of each.
const BOTH_FORMATS: [&str; 2] = ["openapi_3_1", "operations"];

/// The scratch workspace and its target folder, both inside the outer target folder.
fn scratch() -> (PathBuf, PathBuf) {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    (tmp.join("whole-crates"), tmp.join("whole-crates-target"))
}

/// One crate to generate: a fixture under one error format.
struct Crate {
    fixture: String,
    spec: PathBuf,
    format: ErrorFormat,
    /// The package name and the crate's folder in the scratch workspace.
    package: String,
}

/// The crates to build: each fixture under its alternating format, and those of
/// [`BOTH_FORMATS`] under the other one too.
fn crates() -> Vec<Crate> {
    let mut out = Vec::new();
    for (i, (fixture, spec)) in tests::codegen_fixtures("ok").into_iter().enumerate() {
        let (first, other) = if i % 2 == 0 {
            (ErrorFormat::Problem, ErrorFormat::Matrix)
        } else {
            (ErrorFormat::Matrix, ErrorFormat::Problem)
        };
        let formats = if BOTH_FORMATS.contains(&fixture.as_str()) { vec![first, other] } else { vec![first] };
        for format in formats {
            let suffix = match format {
                ErrorFormat::Problem => "problem",
                ErrorFormat::Matrix => "matrix",
            };
            let package = format!("fixture-{}-{suffix}", fixture.replace('_', "-"));
            out.push(Crate { fixture: fixture.clone(), spec: spec.clone(), format, package });
        }
    }
    out
}

/// Generates `krate` into its folder of the scratch workspace (unchanged files are left
/// alone, so a warm run rebuilds nothing).
fn generate(krate: &Crate, workspace: &Path) {
    let output = workspace.join(&krate.package);
    let mut config = Config::new(&krate.spec, &output, &krate.package);
    config.errors.format = krate.format;
    config.runtime.path = Some(tests::workspace_root().join("runtime"));
    let mut diagnostics = generator::Diagnostics::default();
    let files = generator::run(&config, &mut diagnostics)
        .unwrap_or_else(|| panic!("fixture `{}` failed:\n{}", krate.fixture, diagnostics.render(false)));
    generator::write::write(&output, &files)
        .unwrap_or_else(|e| panic!("cannot write `{}` into {}: {e}", krate.package, output.display()));
}

/// `contents` at `path`, written only when it differs, so cargo sees no change on a warm run.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("the scratch folder is writable");
    }
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The crate that uses two generated crates together; its test is `whole_crates/together.rs`.
fn write_together(workspace: &Path) {
    let runtime = tests::workspace_root().join("runtime");
    let manifest = format!(
        r#"# Written by tests/tests/whole_crates.rs: two generated crates in one program.
[package]
name = "together"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
items = {{ package = "fixture-operations-problem", path = "../fixture-operations-problem", features = ["server", "client"] }}
pets = {{ package = "fixture-openapi-3-1-matrix", path = "../fixture-openapi-3-1-matrix", features = ["server", "client"] }}
specgen-runtime = {{ path = {runtime:?}, features = ["server", "client"] }}
http = "1"
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "net"] }}
"#,
        runtime = runtime.display().to_string(),
    );
    write_if_changed(&workspace.join("together/Cargo.toml"), &manifest);
    write_if_changed(&workspace.join("together/src/lib.rs"), include_str!("whole_crates/together.rs"));
}

/// The scratch workspace's manifest: every crate a member, no debug info (nothing is debugged
/// here, and it keeps the link of some fifty test binaries quick).
fn write_workspace(workspace: &Path, members: &[String]) {
    let members: Vec<String> = members.iter().map(|m| format!("    {m:?},\n")).collect();
    let manifest = format!(
        "# Written by tests/tests/whole_crates.rs: every ok codegen fixture as a whole crate.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}]\n\n[profile.dev]\ndebug = false\n",
        members.concat()
    );
    write_if_changed(&workspace.join("Cargo.toml"), &manifest);
    // The repository's lock: the same versions as the repository builds, nothing resolved
    // anew (cargo only adds the scratch crates to it).
    let lock = std::fs::read_to_string(tests::workspace_root().join("Cargo.lock")).expect("Cargo.lock is readable");
    std::fs::write(workspace.join("Cargo.lock"), lock).expect("the scratch folder is writable");
}

/// Removes crates of earlier runs that are no longer generated (a renamed fixture, or one whose format changed), inside
/// the scratch workspace only.
fn remove_stale(workspace: &Path, members: &[String]) {
    let Ok(entries) = std::fs::read_dir(workspace) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && name.starts_with("fixture-") && !members.contains(&name) {
            std::fs::remove_dir_all(entry.path()).unwrap_or_else(|e| panic!("cannot remove {name}: {e}"));
        }
    }
}

/// Runs cargo with `args` in the scratch workspace; fails the test with cargo's output.
fn cargo(workspace: &Path, target: &Path, args: &[&str], env: &[(&str, &str)]) {
    let started = std::time::Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`cargo {}` failed in {} ({}):\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        workspace.display(),
        output.status,
        tail(&stdout),
        tail(&stderr)
    );
    eprintln!("cargo {}: {:.1?}", args.join(" "), started.elapsed());
}

/// The packages of a `Cargo.lock`: `name version` pairs.
fn locked_packages(lock: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(lock).unwrap_or_else(|e| panic!("cannot read {}: {e}", lock.display()));
    let value = |line: &str, key: &str| line.strip_prefix(key).map(|v| v.trim_matches('"').to_owned());
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .filter_map(|pair| Some(format!("{} {}", value(pair[0], "name = ")?, value(pair[1], "version = ")?)))
        .collect()
}

/// The end of a long output, where cargo puts the error that stopped it.
fn tail(text: &str) -> &str {
    const KEEP: usize = 60_000;
    let start = text.len().saturating_sub(KEEP);
    let start = (start..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    &text[start..]
}

#[test]
fn every_ok_fixture_builds_as_a_whole_crate_and_two_work_together() {
    let crates = crates();
    for fixture in BOTH_FORMATS {
        let formats = crates.iter().filter(|c| c.fixture == fixture).count();
        assert_eq!(formats, 2, "`{fixture}` (in BOTH_FORMATS) is an ok fixture, generated under both formats");
    }
    let (workspace, target) = scratch();
    let mut members: Vec<String> = crates.iter().map(|c| c.package.clone()).collect();
    remove_stale(&workspace, &members);
    for krate in &crates {
        generate(krate, &workspace);
    }
    write_together(&workspace);
    members.push("together".into());
    write_workspace(&workspace, &members);

    let clippy = ["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"];
    cargo(&workspace, &target, &clippy, &[]);
    cargo(&workspace, &target, &["test", "--workspace", "--all-features"], &[]);
    cargo(
        &workspace,
        &target,
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-Dwarnings")],
    );

    // Cargo only added the scratch crates to the lock: every dependency is a version the
    // repository builds and tests.
    let known = locked_packages(&tests::workspace_root().join("Cargo.lock"));
    let new: Vec<String> = locked_packages(&workspace.join("Cargo.lock"))
        .into_iter()
        .filter(|p| !known.contains(p) && !members.iter().any(|m| p.starts_with(&format!("{m} "))))
        .collect();
    assert!(new.is_empty(), "the generated crates need packages the repository's Cargo.lock lacks: {new:?}");
}
