//! The vocabulary of the documents the passes share: which keys of a path item are
//! operations, which media types are JSON, which values are data rather than spec, and how
//! `$ref`s and paths are percent-coded. Each fact is written here once.

use std::borrow::Cow;

use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

/// Whether a media type is JSON: `application/json` or a `+json` suffix, case and parameters
/// aside. The runtime's test, so what the generator types as JSON the runtime reads as JSON
/// (decision 15).
pub use specgen_runtime::is_json;

/// A media type without its parameters, in lower case, as the runtime compares them.
pub use specgen_runtime::essence;

/// The HTTP methods a path item may hold an operation for (OpenAPI 3.0 and Swagger 2.0 alike,
/// Swagger lacking only `trace`), in the order `openapiv3::PathItem::iter` gives them.
/// Derived from [`crate::model::Method`], which lists them.
pub const METHODS: [&str; 8] = {
    let mut out = [""; 8];
    let mut i = 0;
    while i < out.len() {
        out[i] = crate::model::Method::ALL[i].as_str();
        i += 1;
    }
    out
};

/// Fields whose value maps names the author chose to entries (or lists entries, whose
/// indices behave alike). A key of such a map names an entry and is never a field, so a
/// response may be called `default` and a property `example`.
const NAME_MAPS: [&str; 21] = [
    "callbacks",
    "content",
    "definitions",
    "encoding",
    "examples",
    "headers",
    "links",
    "mapping",
    "parameters",
    "pathItems",
    "paths",
    "patternProperties",
    "properties",
    "requestBodies",
    "responses",
    "schemas",
    "scopes",
    "securityDefinitions",
    "securitySchemes",
    "variables",
    "webhooks",
];

/// Fields of spec objects whose values are data, not spec: a schema's or parameter's
/// `example`, `default`, `enum` and `const`, and an Example Object's `value`.
const DATA_FIELDS: [&str; 5] = ["example", "default", "enum", "const", "value"];

/// Whether the keys of the object at `pointer` name entries rather than fields (it is the
/// value of a field of [`NAME_MAPS`]). Read from the pointer's tokens alone, so a property
/// called `properties` or `responses` is taken for the field it is named after: telling
/// them apart takes a typed model.
pub fn keys_are_names(pointer: &str) -> bool {
    pointer.split('/').skip(1).fold(false, keys_are_names_below)
}

/// [`keys_are_names`] of the value under `key` (a field, a name or an index) of an object or
/// array whose own keys are names or not (`names`): after a name map comes a name; after a
/// name or any other field, a field. A walker carries it down rather than reading every
/// pointer again (no name map's name needs escaping in a pointer).
pub fn keys_are_names_below(names: bool, key: &str) -> bool {
    !names && NAME_MAPS.contains(&key)
}

/// Whether the value under `key` of the object at `pointer` is data rather than spec: an
/// extension (`x-`, wherever it is, and data whatever it holds), or one of [`DATA_FIELDS`].
/// A `$ref` in data is not a reference, and a keyword in it is no keyword. In a map of names
/// only the extensions of the Paths and Responses objects are data. Swagger 2.0's response
/// `examples` is data too (OpenAPI 3's `examples` maps names to Example Objects, which may be
/// `$ref`s, and whose `value` is data).
pub fn holds_data(pointer: &str, key: &str, swagger: bool) -> bool {
    holds_data_among(keys_are_names(pointer), pointer, key, swagger)
}

/// [`holds_data`], for a walker that knows whether the keys at `pointer` are names
/// ([`keys_are_names`], found once per object rather than once per key).
pub fn holds_data_among(names: bool, pointer: &str, key: &str, swagger: bool) -> bool {
    if names {
        let extensible = pointer.ends_with("/paths") || pointer.ends_with("/responses");
        return extensible && key.starts_with("x-");
    }
    key.starts_with("x-") || DATA_FIELDS.contains(&key) || swagger && key == "examples"
}

/// Decodes the `%XX` escapes of a `$ref` (RFC 3986); a `%` not followed by two hex digits
/// stays as it is. `None` when the bytes decoded are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    percent_decode_str(text).decode_utf8().ok().map(Cow::into_owned)
}

/// `text` with every character but ASCII letters and digits percent-encoded (`é` → `%C3%A9`).
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

/// The route a path key's operations are served at, and the query pairs their requests carry:
/// a `#fragment` some specs add to tell operations apart is never sent, so it is no part of
/// the route, nor is white space around the path, which no request can carry; a query string
/// of fixed pairs ([`fixed_query`]) is sent, in the query.
pub fn route(path: &str) -> (&str, Vec<(String, String)>) {
    match fixed_query(path) {
        Some((route, pairs)) => (route.trim(), pairs),
        None => (path.split_once('#').map_or(path, |(route, _)| route).trim(), Vec::new()),
    }
}

/// A path key holding a query string of fixed pairs (OpenAI's `/responses?beta=true`, which
/// tells its beta operations from the others at `/responses`): its route, and the pairs,
/// percent-decoded, that every request of its operations carries. `None` when the key holds no
/// query string, or one that is not `name=value` pairs of URI query characters without
/// templates. A `#fragment` after it is no part of either.
pub fn fixed_query(path: &str) -> Option<(&str, Vec<(String, String)>)> {
    let path = path.split_once('#').map_or(path, |(path, _)| path);
    let (route, query) = path.split_once('?')?;
    // RFC 3986's query characters, but the pairs' own `&` and `=`; a `%` starts an escape.
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~!$'()*+,;:@/?%".contains(c);
    let text = |part: &str| {
        let escapes_whole = part
            .split('%')
            .skip(1)
            .all(|e| e.len() >= 2 && e.is_char_boundary(2) && e[..2].bytes().all(|b| b.is_ascii_hexdigit()));
        (part.chars().all(plain) && escapes_whole).then(|| percent_decode(part)).flatten()
    };
    let pairs = query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((text(name).filter(|n| !n.is_empty())?, text(value)?))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((route, pairs))
}

/// A server URL with each `{name}` that `variables` declares with a string `default` replaced
/// by that default, in one pass (a default is never read as a template), as OpenAPI 3 says a
/// client does when it picks no other value. Other `{name}`s stay, for lint to report.
pub fn server_url_with_defaults(url: &str, variables: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        out.push_str(&rest[..open]);
        match variables.get(name).and_then(|v| v.get("default")).and_then(Value::as_str) {
            Some(default) => out.push_str(default),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A server URL split into its origin (`https://example.org`, or `//example.org` without a
/// scheme; empty for a path such as `/v1`) and its path without a trailing `/` (the base path
/// every endpoint's path follows; empty for none). A URL relative to the document's own
/// (`v1`) names a base path that is not known: both are empty.
pub fn split_server_url(url: &str) -> (&str, &str) {
    let authority_end = |start: usize| url[start..].find('/').map_or(url.len(), |i| start + i);
    let at = match url.split_once("://") {
        _ if is_document_relative(url) => return ("", ""),
        Some((scheme, _)) if !scheme.contains('/') => authority_end(scheme.len() + 3),
        _ if url.starts_with("//") => authority_end(2),
        _ => 0,
    };
    (&url[..at], url[at..].trim_end_matches('/'))
}

/// Whether a server URL is relative to the document's own URL (`v1`, `api.example.org`), as
/// OpenAPI allows: not absolute, not without a scheme only (`//host`), not a path, not empty.
pub fn is_document_relative(url: &str) -> bool {
    let absolute = url.split_once("://").is_some_and(|(scheme, _)| !scheme.contains('/'));
    !(absolute || url.is_empty() || url.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_variables_are_replaced_by_their_defaults() {
        let variables =
            serde_json::json!({ "host": { "default": "api.example.org" }, "v": { "default": "{v}2" }, "n": {} });
        let variables = variables.as_object().unwrap();
        assert_eq!(
            server_url_with_defaults("https://{host}/v{v}/{n}/{x", variables),
            "https://api.example.org/v{v}2/{n}/{x"
        );
        assert_eq!(server_url_with_defaults("/plain", variables), "/plain");
    }

    #[test]
    fn a_query_string_of_fixed_pairs_in_a_path_key_is_its_route_and_the_pairs() {
        let pairs = |p: &[(&str, &str)]| p.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
        assert_eq!(fixed_query("/responses?beta=true"), Some(("/responses", pairs(&[("beta", "true")]))));
        assert_eq!(fixed_query("/r/{id}?a=1&b=x%20y#tag"), Some(("/r/{id}", pairs(&[("a", "1"), ("b", "x y")]))));
        assert_eq!(fixed_query("/r?a="), Some(("/r", pairs(&[("a", "")]))));
        for not_fixed in
            ["/r", "/r?", "/r?a", "/r?a={a}", "/r?=1", "/r?a=1&", "/r?a=b c", "/r?a=%zz", "/r?a=%e9", "/r#x?a=1"]
        {
            assert_eq!(fixed_query(not_fixed), None, "{not_fixed}");
        }
    }

    #[test]
    fn a_server_url_is_its_origin_then_its_base_path() {
        assert_eq!(
            split_server_url("https://example.org:8448/_matrix/client/v3/"),
            ("https://example.org:8448", "/_matrix/client/v3")
        );
        assert_eq!(split_server_url("https://example.org"), ("https://example.org", ""));
        assert_eq!(split_server_url("https://example.org/"), ("https://example.org", ""));
        assert_eq!(split_server_url("/v1"), ("", "/v1"));
        assert_eq!(split_server_url("/"), ("", ""));
        assert_eq!(split_server_url(""), ("", ""));
        // Without a scheme (the document's own), and relative to the document's own URL.
        assert_eq!(split_server_url("//api.example.org/v2/"), ("//api.example.org", "/v2"));
        assert_eq!(split_server_url("//api.example.org"), ("//api.example.org", ""));
        for relative in ["v1", "api.example.org", "none/face/v1.0", "a/b://c"] {
            assert_eq!(split_server_url(relative), ("", ""), "{relative}");
        }
    }

    /// The JSON walkers (upgrade, lint) and the typed model lowering reads must agree on
    /// which keys of a path item are operations.
    #[test]
    fn methods_are_the_operations_of_a_typed_path_item() {
        let item: serde_json::Map<String, serde_json::Value> =
            METHODS.iter().map(|m| ((*m).to_owned(), serde_json::json!({ "responses": {} }))).collect();
        let item: openapiv3::PathItem = serde_json::from_value(serde_json::Value::Object(item)).unwrap();
        let typed: Vec<&str> = item.iter().map(|(method, _)| method).collect();
        assert_eq!(typed, METHODS);
    }

    #[test]
    fn percent_decode_never_panics_and_round_trips() {
        let alphabet = ["%", "1", "f", "F", "g", "/", "é", "😀", "~", "%2", "%C3", "%A9", "%FF"];
        let mut inputs = vec![String::new()];
        for _ in 0..4 {
            let last: Vec<String> = inputs.iter().filter(|s| s.len() < 12).cloned().collect();
            for s in last {
                for a in alphabet {
                    inputs.push(format!("{s}{a}"));
                }
            }
        }
        // And some long pseudo-random ones.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2_000 {
            let mut s = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            inputs.push(s);
        }
        for input in &inputs {
            match percent_decode(input) {
                Some(decoded) if !input.contains('%') => assert_eq!(&decoded, input),
                Some(decoded) => assert!(decoded.len() <= input.len()),
                None => assert!(input.contains('%'), "{input:?}"),
            }
            // Encoding every byte decodes back to the text.
            let encoded: String = input.bytes().map(|b| format!("%{b:02x}")).collect();
            assert_eq!(percent_decode(&encoded).as_deref(), Some(input.as_str()));
        }
        assert_eq!(percent_decode("/x%1é").as_deref(), Some("/x%1é"));
        assert_eq!(percent_decode("%C3%A9%41%"), Some("éA%".into()));
        assert_eq!(percent_decode("/x%FF"), None);
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode(" "), "%20");
        assert_eq!(percent_encode("\u{e9}"), "%C3%A9");
        assert_eq!(percent_decode(&percent_encode("a b\u{e9}/%")).as_deref(), Some("a b\u{e9}/%"));
    }
}
