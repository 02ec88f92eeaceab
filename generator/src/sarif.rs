//! SARIF: diagnostics as a SARIF 2.1.0 log, for CI systems that show code scanning results
//! inline (`--message-format sarif`).
//!
//! In: a [`Diagnostics`]. Out: one SARIF log (JSON text) of one run: the tool (`specgen`,
//! this version, every code of [`codes::ALL`] as a rule), and a result per diagnostic, in
//! report order, with its level, its message and help, and where it has one its location:
//! the file as shown (relative to the working folder when below it, as a relative URI
//! reference; else a `file:` URI), line and column (columns count characters).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use crate::diagnostics::{codes, Diagnostic, Diagnostics, Severity};

/// The JSON Schema of SARIF 2.1.0, as the log names it.
pub const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Renders `diagnostics` as a SARIF 2.1.0 log (pretty JSON, ending with a newline).
pub fn render(diagnostics: &Diagnostics) -> String {
    let mut text = serde_json::to_string_pretty(&log(diagnostics)).unwrap_or_default();
    text.push('\n');
    text
}

/// The SARIF log of `diagnostics`, as a JSON value.
pub fn log(diagnostics: &Diagnostics) -> Value {
    let rules: Vec<Value> = codes::ALL.iter().map(|code| json!({ "id": code })).collect();
    let results: Vec<Value> = diagnostics.sorted().into_iter().map(result).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "specgen",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn result(diagnostic: &Diagnostic) -> Value {
    let level = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let mut text = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let mut result = json!({
        "ruleId": diagnostic.code,
        "level": level,
        "message": { "text": text },
    });
    if let Some(index) = codes::ALL.iter().position(|c| *c == diagnostic.code) {
        result["ruleIndex"] = index.into();
    }
    if let Some(at) = &diagnostic.location {
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&at.file) },
                "region": { "startLine": at.line.max(1), "startColumn": at.column.max(1) },
            }
        });
        if let Some(label) = diagnostic.label.as_deref().filter(|l| !l.is_empty()) {
            location["message"] = json!({ "text": label });
        }
        result["locations"] = json!([location]);
    }
    result
}

/// What a URI path keeps as it is: RFC 3986 unreserved characters and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// A file as shown (`api/sync.yaml`, `/abs/spec.yaml`, `C:\x\spec.yaml`) as a URI reference:
/// relative paths stay relative (to the working folder, where the run was), absolute ones
/// become `file:` URIs.
fn uri(file: &str) -> String {
    let slashed = file.replace('\\', "/");
    let drive = slashed.as_bytes().get(1) == Some(&b':') && slashed.as_bytes()[0].is_ascii_alphabetic();
    let encoded = utf8_percent_encode(&slashed, PATH).to_string();
    if drive {
        format!("file:///{}:{}", &slashed[..1], utf8_percent_encode(&slashed[2..], PATH))
    } else if slashed.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn files_become_uri_references() {
        assert_eq!(uri("api/sync.yaml"), "api/sync.yaml");
        assert_eq!(uri("my specs/a#b.yaml"), "my%20specs/a%23b.yaml");
        assert_eq!(uri("/tmp/x/spec.yaml"), "file:///tmp/x/spec.yaml");
        assert_eq!(uri(r"C:\x y\spec.yaml"), "file:///C:/x%20y/spec.yaml");
    }
}
