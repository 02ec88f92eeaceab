//! What the README promises: `specgen generate` on a spec in a folder outside this repository
//! gives a crate that builds, though `specgen-runtime` is not on crates.io.
//!
//! The crate is checked with its default features (types and endpoints: no axum, no reqwest),
//! with the repository's `Cargo.lock` so no version is resolved anew, and a target folder
//! under this workspace's (`target/tmp/specgen-cli-target/`), kept between runs.

use std::path::Path;
use std::process::Command;

#[test]
fn a_crate_generated_outside_the_repository_builds() {
    let dir = std::env::temp_dir().join(format!("specgen-cli-builds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::copy(repository.join("tests/fixtures/codegen/ok/operations.yaml"), dir.join("spec.yaml"))
        .expect("copy the fixture");
    let output = Command::new(env!("CARGO_BIN_EXE_specgen"))
        .args(["generate", "spec.yaml", "-o", "api"])
        .current_dir(&dir)
        .output()
        .expect("specgen runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    std::fs::copy(repository.join("Cargo.lock"), dir.join("api/Cargo.lock")).expect("copy the lock");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("specgen-cli-target");
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet"])
        .current_dir(dir.join("api"))
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo check` of the generated crate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
