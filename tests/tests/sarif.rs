//! `--message-format sarif`: diagnostics as a SARIF 2.1.0 log (`generator::sarif`), validated
//! against the official schema (`tests/fixtures/sarif/`, see its `PROVENANCE.md`).

use generator::diagnostics::{codes, Location};
use generator::{Diagnostic, Diagnostics};
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let path = tests::fixtures().join("sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("the SARIF schema is vendored");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options().with_draft(jsonschema::Draft::Draft4).build(&schema).expect("the schema compiles")
}

/// Every error of `log` against the SARIF schema, one a line.
fn problems(log: &Value) -> String {
    schema().iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path)).collect::<Vec<_>>().join("\n")
}

fn location(file: &str, line: usize, column: usize) -> Option<Location> {
    Some(Location { file: file.into(), line, column, start: 0, end: 0 })
}

#[test]
fn a_log_of_several_diagnostics_one_without_a_location_is_valid_sarif() {
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(
        Diagnostic::error(codes::INVALID_TYPE, "invalid schema type `string.`")
            .at(location("api/sync.yaml", 86, 31))
            .label("not a schema type")
            .help("did you mean `string`?"),
    );
    diagnostics.push(Diagnostic::warning(codes::UNKNOWN_KEYWORD, "unknown schema keyword `joined`").at(location(
        "my specs/a#b.yaml",
        80,
        21,
    )));
    diagnostics.push(Diagnostic::note(codes::FORMAT_AS_STRING, "formats read as strings: `uuid`"));
    diagnostics.push(Diagnostic::error(codes::IO, "cannot read `/tmp/x.yaml`").at(location("/tmp/x.yaml", 1, 1)));
    let log = generator::sarif::log(&diagnostics);
    assert_eq!(problems(&log), "");

    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "specgen");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), codes::ALL.len());
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    // In report order: the one without a location first.
    assert_eq!(results[0]["level"], "note");
    assert!(results[0].get("locations").is_none());
    let error = results.iter().find(|r| r["ruleId"] == "invalid-type").expect("the invalid type");
    assert_eq!(error["level"], "error");
    assert_eq!(error["message"]["text"], "invalid schema type `string.`\nhelp: did you mean `string`?");
    assert_eq!(rules[error["ruleIndex"].as_u64().expect("an index") as usize]["id"], "invalid-type");
    let physical = &error["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "api/sync.yaml");
    assert_eq!(physical["region"]["startLine"], 86);
    assert_eq!(physical["region"]["startColumn"], 31);
    assert_eq!(error["locations"][0]["message"]["text"], "not a schema type");
    let uris: Vec<&Value> =
        results.iter().filter_map(|r| r.pointer("/locations/0/physicalLocation/artifactLocation/uri")).collect();
    assert!(uris.contains(&&Value::from("my%20specs/a%23b.yaml")), "{uris:?}");
    assert!(uris.contains(&&Value::from("file:///tmp/x.yaml")), "{uris:?}");
}

#[test]
fn lint_of_the_vendored_sync_spec_is_valid_sarif_and_an_empty_log_too() {
    let mut diagnostics = Diagnostics::default();
    let _ = generator::check(&tests::workspace_root().join("api/sync.yaml"), &[], &mut diagnostics);
    let log = generator::sarif::log(&diagnostics);
    assert_eq!(problems(&log), "");
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(6));
    let empty = generator::sarif::log(&Diagnostics::default());
    assert_eq!(problems(&empty), "");
    let text = generator::sarif::render(&Diagnostics::default());
    assert_eq!(serde_json::from_str::<Value>(&text).ok(), Some(empty));
}

/// The validator does reject what SARIF does not allow, so the tests above can fail.
#[test]
fn the_schema_rejects_a_log_sarif_does_not_allow() {
    let mut log = generator::sarif::log(&Diagnostics::default());
    log["runs"][0]["results"] = serde_json::json!([{"ruleId": "io", "level": "fatal", "message": {"text": "x"}}]);
    assert_ne!(problems(&log), "");
}
