//! Servers: Swagger 2.0's `host`, `basePath` and `schemes` become OpenAPI 3.0 `servers`, and
//! the `{variables}` of OpenAPI 3 server URLs are replaced by their declared defaults.
//!
//! `host`, `basePath` and `schemes` do not survive the upgrade as written (they are joined
//! into one URL), so they are checked here, where each still has its own place, one function
//! per value: a value that breaks its rule is reported at the value and left out of the URL,
//! so no route is built from it. Undeclared server variables stay in the URL for lint to
//! report.

use serde_json::{json, Value};

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::lint::grammar::{host_flaw, part_location, path_flaw, Braces, UriFlaw};
use crate::lint::suggest::{list, nearest};
use crate::source::Spec;

/// The schemes a Swagger 2.0 document may list.
const SCHEMES: [&str; 4] = ["http", "https", "ws", "wss"];

/// The `servers` of a Swagger 2.0 document, from its valid `host`, `basePath` and `schemes`.
pub(super) fn from_swagger(bundle: &Spec, diagnostics: &mut Diagnostics) -> Value {
    let base = base_path(bundle, diagnostics).unwrap_or("");
    let schemes = schemes(bundle, diagnostics);
    match host(bundle, diagnostics) {
        Some(host) => {
            let schemes = if schemes.is_empty() { vec!["https"] } else { schemes };
            Value::Array(schemes.iter().map(|s| json!({ "url": format!("{s}://{host}{base}") })).collect())
        }
        None => json!([{ "url": if base.is_empty() { "/" } else { base } }]),
    }
}

fn not_a_string(bundle: &Spec, key: &str, value: &Value, example: &str) -> Diagnostic {
    Diagnostic::error(codes::INVALID_SERVER, format!("`{key}` is not a string: `{value}`"))
        .at(bundle.value_location(&format!("/{key}")))
        .label("not a string")
        .help(format!("write it as a string: `{key}: {example}`"))
}

/// `host`: a host and an optional port, nothing else.
fn host<'b>(bundle: &'b Spec, diagnostics: &mut Diagnostics) -> Option<&'b str> {
    let value = bundle.document.get("host")?;
    let Some(host) = value.as_str() else {
        diagnostics.push(not_a_string(bundle, "host", value, "api.example.org"));
        return None;
    };
    let at = |range| part_location(&bundle.map, &bundle.sources, "/host", false, host, range);
    if host.is_empty() {
        diagnostics.push(
            Diagnostic::error(codes::INVALID_SERVER, "`host` is empty")
                .at(bundle.value_location("/host"))
                .label("no host")
                .help(
                    "remove `host` to serve from the host the spec is read from, or name it: `host: api.example.org`",
                ),
        );
        return None;
    }
    if let Some((scheme, rest)) = host.split_once("://") {
        diagnostics.push(
            Diagnostic::error(codes::INVALID_SERVER, format!("`host` `{host}` holds the scheme `{scheme}://`"))
                .at(at(0..scheme.len() + 3))
                .label("a scheme")
                .help(format!("`host` is a host and an optional port: write `host: {rest}` and `schemes: [{scheme}]`")),
        );
        return None;
    }
    if let Some(slash) = host.find('/') {
        let (name, path) = host.split_at(slash);
        diagnostics.push(
            Diagnostic::error(codes::INVALID_SERVER, format!("`host` `{host}` holds the path `{path}`"))
                .at(at(slash..host.len()))
                .label("a path")
                .help(format!("`host` is a host and an optional port: write `host: {name}` and `basePath: {path}`")),
        );
        return None;
    }
    let Some((range, flaw)) = host_flaw(host) else { return Some(host) };
    let part = &host[range.clone()];
    let help = match flaw {
        UriFlaw::Template => "host is not templated in Swagger 2.0; use an overlay to set it".to_owned(),
        UriFlaw::Space if host.trim() != host => "remove the white space around the host".to_owned(),
        _ => "`host` is a host name or address and an optional port: `api.example.org:8443`".to_owned(),
    };
    diagnostics.push(
        Diagnostic::error(codes::INVALID_SERVER, format!("invalid `host` `{host}`: it holds {}", flaw.what(part)))
            .at(at(range))
            .label("not allowed in a host")
            .help(help),
    );
    None
}

/// `basePath`: an absolute URI path, without templates (Swagger 2.0 has none there).
fn base_path<'b>(bundle: &'b Spec, diagnostics: &mut Diagnostics) -> Option<&'b str> {
    let value = bundle.document.get("basePath")?;
    let Some(path) = value.as_str() else {
        diagnostics.push(not_a_string(bundle, "basePath", value, "/v1"));
        return None;
    };
    let at = |range| part_location(&bundle.map, &bundle.sources, "/basePath", false, path, range);
    if !path.starts_with('/') {
        diagnostics.push(
            Diagnostic::error(codes::INVALID_SERVER, format!("`basePath` `{path}` does not start with `/`"))
                .at(bundle.value_location("/basePath"))
                .label("not an absolute path")
                .help(format!("write `basePath: /{}`", path.trim())),
        );
        return None;
    }
    let Some((range, flaw)) = path_flaw(path, Braces::Forbidden) else { return Some(path) };
    let part = &path[range.clone()];
    let help = match flaw {
        UriFlaw::Template => "basePath is not templated in Swagger 2.0; use an overlay to set it".to_owned(),
        UriFlaw::Query => "`basePath` holds no query string: declare query parameters in `parameters`".to_owned(),
        UriFlaw::Fragment => "`basePath` holds no fragment: remove it".to_owned(),
        UriFlaw::Space if path.trim_end() != path => "remove the white space at its end".to_owned(),
        _ => "write it percent-encoded (a space is `%20`), or remove it".to_owned(),
    };
    diagnostics.push(
        Diagnostic::error(codes::INVALID_SERVER, format!("invalid `basePath` `{path}`: it holds {}", flaw.what(part)))
            .at(at(range))
            .label("not allowed in a base path")
            .help(help),
    );
    None
}

/// `schemes`: a list of `http`, `https`, `ws` and `wss`; the valid ones, in order.
fn schemes<'b>(bundle: &'b Spec, diagnostics: &mut Diagnostics) -> Vec<&'b str> {
    let Some(value) = bundle.document.get("schemes") else { return Vec::new() };
    let Value::Array(items) = value else {
        diagnostics.push(
            Diagnostic::error(codes::INVALID_SERVER, format!("`schemes` is not a list: `{}`", plain(value)))
                .at(bundle.value_location("/schemes"))
                .label("not a list")
                .help(format!("write a list: `schemes: [{}]`", value.as_str().unwrap_or("https"))),
        );
        return Vec::new();
    };
    let mut valid = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = bundle.value_location(&format!("/schemes/{i}"));
        let shown = plain(item);
        match item.as_str() {
            Some(scheme) if SCHEMES.contains(&scheme) => valid.push(scheme),
            _ => {
                let help = match item.as_str().and_then(|s| nearest(s, SCHEMES)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("a scheme is one of {}", list(SCHEMES)),
                };
                diagnostics.push(
                    Diagnostic::error(codes::INVALID_SERVER, format!("invalid scheme `{shown}`"))
                        .at(at)
                        .label("not a scheme")
                        .help(help),
                );
            }
        }
    }
    valid
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces each `{name}` of every server URL (of the document, its path items and
/// operations) that `variables` declares with a string `default` by that default, as
/// OpenAPI 3 says a client does when it picks no other value.
pub(super) fn substitute_variables(document: &mut Value) {
    substitute_in(document.get_mut("servers"));
    let Some(Value::Object(paths)) = document.get_mut("paths") else { return };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        substitute_in(item.get_mut("servers"));
        for operation in item.values_mut() {
            if let Value::Object(operation) = operation {
                substitute_in(operation.get_mut("servers"));
            }
        }
    }
}

fn substitute_in(servers: Option<&mut Value>) {
    let Some(Value::Array(servers)) = servers else { return };
    for server in servers {
        let Value::Object(server) = server else { continue };
        let Some(Value::Object(variables)) = server.get("variables") else { continue };
        let Some(Value::String(url)) = server.get("url") else { continue };
        let substituted = crate::spec::server_url_with_defaults(url, variables);
        server.insert("url".into(), Value::String(substituted));
    }
}
