//! `date-time` and `date` through `formats:` (decision 29): the `dates_chrono` and `dates_time`
//! fixtures, each generated whole with its `options.yaml` into a scratch cargo workspace and
//! built there with `cargo test`, so the crate compiles with the dependency its manifest names
//! and its spec example (date-times with a fraction and an offset, dates, in a list, a map and
//! `null`) round-trips through the generated type.
//!
//! The scratch workspace is `target/tmp/date-crates/` with the repository's `Cargo.lock`; it
//! shares the target folder of `whole_crates.rs` (`target/tmp/whole-crates-target/`), so the
//! dependencies both build are built once.

use std::path::Path;
use std::process::Command;

use generator::config::Config;

const FIXTURES: [&str; 2] = ["dates_chrono", "dates_time"];

/// The fixture `name`'s config, with the type options of its `options.yaml`, writing to `output`.
fn config(name: &str, output: &Path) -> Config {
    let dir = tests::fixtures().join("codegen/ok").join(name);
    let spec = dir.join("spec.yaml");
    let options = std::fs::read_to_string(dir.join("options.yaml")).expect("options are readable");
    let path = output.with_extension("codegen.yaml");
    let head =
        format!("spec: {}\noutput: {}\npackage: {{name: {}}}\n", spec.display(), output.display(), package(name));
    std::fs::create_dir_all(output.parent().expect("a parent")).expect("the scratch folder is writable");
    std::fs::write(&path, format!("{head}{options}")).expect("the scratch folder is writable");
    let mut config = Config::load(&path).unwrap_or_else(|e| panic!("{name}: {}", e.message));
    config.runtime.path = Some(tests::workspace_root().join("runtime"));
    config
}

fn package(fixture: &str) -> String {
    format!("fixture-{}", fixture.replace('_', "-"))
}

#[test]
fn a_crate_of_each_date_library_builds_and_round_trips_its_example() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let (workspace, target) = (tmp.join("date-crates"), tmp.join("whole-crates-target"));
    for fixture in FIXTURES {
        let output = workspace.join(package(fixture));
        let config = config(fixture, &output);
        let mut diagnostics = generator::Diagnostics::default();
        let files = generator::run(&config, &mut diagnostics)
            .unwrap_or_else(|| panic!("`{fixture}` failed:\n{}", diagnostics.render(false)));
        let manifest = files.iter().find(|f| f.path == Path::new("Cargo.toml")).expect("a manifest");
        let library = if fixture == "dates_time" { "time" } else { "chrono" };
        assert!(manifest.contents.contains(&format!("\n{library} = ")), "{}", manifest.contents);
        generator::write::write(&output, &files).unwrap_or_else(|e| panic!("cannot write `{fixture}`: {e}"));
    }
    let members: Vec<String> = FIXTURES.iter().map(|f| format!("    {:?},\n", package(f))).collect();
    let manifest = format!(
        "# Written by tests/tests/date_crates.rs.\n[workspace]\nresolver = \"2\"\nmembers = [\n{}]\n\n[profile.dev]\ndebug = false\n",
        members.concat()
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest).expect("the scratch folder is writable");
    let lock = std::fs::read_to_string(tests::workspace_root().join("Cargo.lock")).expect("Cargo.lock is readable");
    std::fs::write(workspace.join("Cargo.lock"), lock).expect("the scratch folder is writable");

    let output = Command::new(env!("CARGO"))
        .args(["test", "--workspace", "--all-features"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "cargo test failed:\n{stdout}\n{stderr}");
    // Each crate ran its spec example test (the request body of `addEvent`) and it passed.
    let passed = stdout.matches("add_event_request_body_example_survives_json ... ok").count();
    assert_eq!(passed, FIXTURES.len(), "{stdout}");
}
