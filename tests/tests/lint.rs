//! Lint tests, data-driven as rust-analyzer's parser tests are:
//!
//! - every spec in `fixtures/lint/ok/` must lint without any diagnostic;
//! - every spec in `fixtures/lint/err/` must render exactly the text stored beside it as
//!   `NAME.txt`;
//! - the vendored Matrix `/sync` spec renders as `snapshots/lint__sync_upstream.snap`, and a
//!   copy with a typo in its example gets the warning for it;
//! - code generation reports exactly what lint reports, for every fixture, and no more.
//!
//! A new fixture needs no new code. To accept new output, run
//! `INSTA_UPDATE=always cargo test -p tests --test lint` and read the diff of every file it
//! wrote. Paths are shown relative to the `tests/` folder (cargo's working directory for
//! integration tests), so the output does not depend on where the workspace is.

use std::path::{Path, PathBuf};

use generator::Diagnostics;

/// Lints `path` and renders the diagnostics, with the workspace root left out of paths.
fn lint(path: &Path) -> (Diagnostics, String) {
    let mut diagnostics = Diagnostics::default();
    let _ = generator::lint_with(&[path.to_path_buf()], &generator::Inputs::default(), &mut diagnostics);
    let root = format!("{}/", tests::workspace_root().display());
    let rendered = diagnostics.render(false).replace(&root, "");
    (diagnostics, rendered)
}

fn blessing() -> bool {
    std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always")
}

/// The specs of a fixture folder, sorted.
fn specs(folder: &str) -> Vec<PathBuf> {
    specs_in(&tests::fixtures().join("lint").join(folder))
}

/// The specs directly in `dir` (a fixture made of several files is a folder, left out), sorted.
fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no fixtures in {}", dir.display());
    found
}

#[test]
fn ok_fixtures_have_no_diagnostic() {
    let mut failures = Vec::new();
    for spec in specs("ok") {
        let (diagnostics, rendered) = lint(&spec);
        if !diagnostics.is_empty() {
            failures.push(format!("{}:\n{rendered}", spec.display()));
        }
    }
    assert!(failures.is_empty(), "ok fixtures with diagnostics:\n\n{}", failures.join("\n"));
}

#[test]
fn err_fixtures_render_as_expected() {
    let mut failures = Vec::new();
    for spec in specs("err") {
        let expected_path = spec.with_extension("txt");
        let (diagnostics, actual) = lint(&spec);
        if diagnostics.is_empty() {
            failures.push(format!("{}: no diagnostic at all", spec.display()));
            continue;
        }
        if blessing() {
            std::fs::write(&expected_path, &actual).expect("write the expected output");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{}: output differs\n--- expected ({})\n{expected}\n+++ actual\n{actual}",
                spec.display(),
                expected_path.display()
            )),
            Err(_) => failures.push(format!(
                "{}: missing {}; actual output:\n{actual}",
                spec.display(),
                expected_path.display()
            )),
        }
    }
    // An expected output whose spec is gone is stale.
    let dir = tests::fixtures().join("lint/err");
    for entry in std::fs::read_dir(&dir).expect("read err fixtures").filter_map(Result::ok) {
        let path = entry.path();
        let has_spec = ["yaml", "yml", "json"].iter().any(|e| path.with_extension(e).exists());
        if path.extension().is_some_and(|e| e == "txt") && !has_spec {
            failures.push(format!("{}: no spec beside it", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}\n(run with INSTA_UPDATE=always to accept)", failures.join("\n\n"));
}

#[test]
fn sync_upstream() {
    let (_, rendered) = lint(&tests::workspace_root().join("api/sync.yaml"));
    insta::assert_snapshot!("sync_upstream", rendered);
}

/// A comparable form of a diagnostic: code, message, line, column.
fn summary(diagnostics: &Diagnostics) -> Vec<(String, String, usize, usize)> {
    let mut list: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let (line, column) = d.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
            (d.code.to_owned(), d.message.clone(), line, column)
        })
        .collect();
    list.sort();
    list
}

/// Copies the Matrix spec with `"limited": true` spelt `"limitted"` in its example.
fn sync_with_typo(dir: &Path) {
    let api = tests::workspace_root().join("api");
    let text = std::fs::read_to_string(api.join("sync.yaml")).expect("read sync.yaml");
    assert_eq!(text.matches("\"limited\": true").count(), 1, "the example holds `\"limited\": true` once");
    std::fs::create_dir_all(dir.join("definitions")).expect("create the copy's folders");
    std::fs::write(dir.join("sync.yaml"), text.replace("\"limited\": true", "\"limitted\": true")).expect("write");
    for entry in std::fs::read_dir(api.join("definitions")).expect("read definitions").filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::copy(&path, dir.join("definitions").join(entry.file_name())).expect("copy a definition");
        }
    }
    // Upstream's `definitions/definitions` is a symbolic link to `.`.
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", dir.join("definitions/definitions")).expect("link definitions/definitions");
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir.join("definitions/definitions")).expect("create definitions/definitions");
        for entry in std::fs::read_dir(dir.join("definitions")).expect("read").filter_map(Result::ok) {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), dir.join("definitions/definitions").join(entry.file_name())).expect("copy");
            }
        }
    }
}

#[test]
fn typo_in_the_sync_example_is_an_undeclared_property() {
    let dir = std::env::temp_dir().join(format!("lint-sync-typo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    sync_with_typo(&dir);
    let (typo, rendered) = lint(&dir.join("sync.yaml"));
    let (upstream, _) = lint(&tests::workspace_root().join("api/sync.yaml"));
    let _ = std::fs::remove_dir_all(&dir);

    let warning = typo
        .iter()
        .find(|d| d.code == "example-undeclared-property")
        .unwrap_or_else(|| panic!("no undeclared-property warning in:\n{rendered}"));
    assert_eq!(warning.severity, generator::Severity::Warning);
    assert_eq!(warning.message, "example property `limitted` is not declared by its schema");
    assert_eq!(warning.help.as_deref(), Some("did you mean `limited`?"));
    let location = warning.location.as_ref().expect("the warning has a location");
    assert!(location.file.ends_with("sync.yaml"), "{}", location.file);
    assert_eq!((location.line, location.column), (196, 23));

    // Everything else is what upstream gets.
    let mut others = summary(&typo);
    others.retain(|d| d.0 != "example-undeclared-property");
    assert_eq!(others, summary(&upstream));
}

/// Generates code from `spec` as `cargo xtask codegen` would (writing nothing).
fn codegen(spec: &Path, dir: &Path) -> Diagnostics {
    std::fs::create_dir_all(dir).expect("create the config's folder");
    let config_path = dir.join("codegen.yaml");
    let spec = serde_json::json!(spec.display().to_string());
    std::fs::write(&config_path, format!("spec: {spec}\noutput: out\npackage:\n  name: fixture\n")).expect("write");
    let config = generator::Config::load(&config_path).expect("the config is valid");
    let mut diagnostics = Diagnostics::default();
    let _ = generator::run(&config, &mut diagnostics);
    diagnostics
}

/// Code, message and place of every diagnostic, once each.
fn listed(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .sorted()
        .iter()
        .map(|d| format!("{}[{}] {} at {:?}", d.severity as u8, d.code, d.message, d.location))
        .collect()
}

/// `cargo xtask lint` says what `cargo xtask codegen` says: for every lint and codegen
/// fixture, both report the same diagnostics, each once (lint lowers the spec too, with the
/// default settings, so it knows the names lowering picks and its limits).
#[test]
fn codegen_reports_what_lint_reports() {
    let dir = std::env::temp_dir().join(format!("lint-vs-codegen-{}", std::process::id()));
    let mut failures = Vec::new();
    let codegen_fixtures = ["ok", "err"].map(|folder| specs_in(&tests::fixtures().join("codegen").join(folder)));
    for spec in specs("ok").into_iter().chain(specs("err")).chain(codegen_fixtures.into_iter().flatten()) {
        let (linted, _) = lint(&spec);
        let generated = codegen(&spec, &dir);
        let (linted, all) = (listed(&linted), listed(&generated));
        let missing: Vec<&String> = linted.iter().filter(|d| !all.contains(d)).collect();
        let added: Vec<&String> = all.iter().filter(|d| !linted.contains(d)).collect();
        if !missing.is_empty() || !added.is_empty() {
            failures.push(format!("{}:\nonly lint: {missing:#?}\nonly codegen: {added:#?}", spec.display()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// OpenAPI 3 server variables take their declared defaults (the base of every route), and
/// a Swagger 2.0 `basePath` is the base as written.
#[test]
fn server_urls_take_variable_defaults() {
    let mut diagnostics = Diagnostics::default();
    let checked = generator::check(&tests::fixtures().join("lint/ok/http_names.yaml"), &[], &mut diagnostics)
        .unwrap_or_else(|| panic!("the fixture lints:\n{}", diagnostics.render(false)));
    assert_eq!(checked.api.servers[0].url, "https://eu.example.org:8443/api/v2");
    let checked = generator::check(&tests::fixtures().join("lint/ok/swagger_servers.yaml"), &[], &mut diagnostics)
        .unwrap_or_else(|| panic!("the fixture lints:\n{}", diagnostics.render(false)));
    let urls: Vec<&str> = checked.api.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        ["https://api.example.org:8443/_matrix/client/v3", "http://api.example.org:8443/_matrix/client/v3"]
    );
}

/// A server URL without a scheme (`//host/v2`, the document's own) is a URL like another: its
/// path is the base path. One relative to the document's own URL (`none/face/v1.0`), which
/// OpenAPI allows, is a warning: its base path is not known, so routes start at `/`.
#[test]
fn relative_server_urls() {
    let lowered = |name: &str| {
        let spec = tests::fixtures().join("servers").join(name);
        let mut diagnostics = Diagnostics::default();
        let checked = generator::check(&spec, &[], &mut diagnostics)
            .unwrap_or_else(|| panic!("{name} checks:\n{}", diagnostics.render(false)));
        let config = generator::Config::new(&spec, spec.with_extension("out"), "servers");
        let model = generator::lower::lower(&checked, &config, &mut diagnostics)
            .unwrap_or_else(|| panic!("{name} lowers:\n{}", diagnostics.render(false)));
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
        (model.info.base_path, codes)
    };
    assert_eq!(lowered("scheme_relative.yaml"), ("/v2".to_owned(), vec![]));
    assert_eq!(
        lowered("document_relative.yaml"),
        (String::new(), vec![generator::diagnostics::codes::RELATIVE_SERVER])
    );
}
