//! Emits `tests/spec_examples.rs`, an integration test of the generated crate driven by the
//! examples lowering found in the spec: every JSON response and request body example
//! survives a trip through its Rust type unchanged; every parameter example parses into its
//! parameter's type, from JSON and from its URL form through the parsing the server uses;
//! the request built from the parameter examples and every response example survive a trip
//! through the `http` types. A new example in the spec is a new test on regeneration.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::types::{ident, ty_tokens, Place};
use crate::lower::operations::{Operation, Param, ParamLocation, Response};
use crate::lower::types::Ty;
use crate::lower::Model;

pub fn emit(model: &Model, crate_name: &str) -> TokenStream {
    let krate = ident(crate_name);
    // The operations with JSON tests, which use `same_json`.
    let mut json_tests = Vec::new();
    let tests: Vec<TokenStream> = model
        .operations
        .iter()
        .flat_map(|op| {
            let mut tests = Vec::new();
            let mut json_test = false;
            for r in &op.responses {
                let json = response_json(op, r, model, &krate);
                json_test |= json.is_some();
                tests.extend(json);
                tests.extend(response_http(op, r, model, &krate));
            }
            let json = request_body_json(op, model, &krate);
            json_test |= json.is_some();
            tests.extend(json);
            tests.extend(op.parameters.iter().filter_map(|p| parameter(op, p, model, &krate)));
            tests.extend(request_http(op, &krate));
            if json_test {
                json_tests.push(op);
            }
            // Gated as the operation is (decision 33).
            let cfg = super::features::operation(model, op);
            tests.into_iter().map(move |test| quote!(#cfg #test))
        })
        .collect();
    let same_json = (!json_tests.is_empty()).then(|| {
        let cfg = super::features::any_operation(model, json_tests);
        let helper = same_json();
        quote!(#cfg #helper)
    });
    quote! {
        #(#tests)*
        #same_json
    }
}

/// Equality of JSON values as JSON: `12` and `12.0` are one number (a `number` schema is an
/// `f64`, which serializes whole numbers with a fraction), everything else must match exactly:
/// every member and item, and every number to the last digit (an integer is the same as a
/// float only when the float is exactly that integer, so `9007199254740993` read as an `f64`
/// and written back as `9007199254740992.0` is a difference).
fn same_json() -> TokenStream {
    quote! {
        fn same_json(a: &::serde_json::Value, b: &::serde_json::Value) -> bool {
            use ::serde_json::Value;
            let exact = |i: &::serde_json::Number, f: f64| {
                f.fract() == 0.0
                    && f.abs() < 1.9e19
                    && (i.as_i64().map(i128::from).or_else(|| i.as_u64().map(i128::from))) == Some(f as i128)
            };
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => match (x.is_f64(), y.is_f64()) {
                    (false, false) | (true, true) => x == y,
                    (true, false) => x.as_f64().is_some_and(|f| exact(y, f)),
                    (false, true) => y.as_f64().is_some_and(|f| exact(x, f)),
                },
                (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
                (Value::Object(x), Value::Object(y)) => {
                    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
                }
                _ => a == b,
            }
        }
    }
}

/// A Rust string literal of `text`, raw when it can be (JSON reads better unescaped).
fn literal(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let raw = format!("r{hashes}\"{text}\"{hashes}");
    // A raw string cannot escape: a carriage return, NUL, bidi control (rustc's deny-by-default
    // `text_direction_codepoint_in_literal`) or any other character `escape_debug` would
    // write out goes into an ordinary literal, which proc-macro2 escapes.
    let plain = |c: char| matches!(c, '\n' | '\t' | '"' | '\'' | '\\') || c.escape_debug().eq(std::iter::once(c));
    if !text.chars().all(plain) {
        return quote!(#text);
    }
    raw.parse().unwrap_or_else(|_| quote!(#text))
}

fn json_literal(value: &Value) -> TokenStream {
    literal(&serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()))
}

/// `200`, `2xx` or `default`, for test names.
fn status_name(r: &Response) -> String {
    match r.status {
        None => "default".to_owned(),
        Some(status) if r.range => format!("{}xx", status / 100),
        Some(status) => status.to_string(),
    }
}

/// Named after the `Api` method, which is unique across the modules of a spec of several roots.
fn test_name(op: &Operation, what: &str) -> Ident {
    format_ident!("{}_{}", op.api_method.trim_end_matches('_'), what)
}

fn response_json(op: &Operation, r: &Response, model: &Model, krate: &Ident) -> Option<TokenStream> {
    let (example, body) = (r.example.as_ref()?, r.body.as_ref()?);
    let name = test_name(op, &format!("{}_example_survives_json", status_name(r)));
    let ty = ty_tokens(&body.ty, &model.types, Place::Outside(&quote!(::#krate::types::)));
    Some(json_round_trip(&name, example, &ty))
}

fn request_body_json(op: &Operation, model: &Model, krate: &Ident) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let example = body.example.as_ref()?;
    let name = test_name(op, "request_body_example_survives_json");
    let ty = ty_tokens(&body.ty, &model.types, Place::Outside(&quote!(::#krate::types::)));
    Some(json_round_trip(&name, example, &ty))
}

fn json_round_trip(name: &Ident, example: &Value, ty: &TokenStream) -> TokenStream {
    let text = json_literal(example);
    quote! {
        #[test]
        fn #name() {
            let example: ::serde_json::Value = ::serde_json::from_str(#text).expect("the example is JSON");
            let typed: #ty = ::serde_json::from_value(example.clone()).expect("the example deserializes into its type");
            let back = ::serde_json::to_value(&typed).expect("the value serializes");
            assert!(same_json(&back, &example), "the example changed on its way through the type:\n{back}\n!=\n{example}");
        }
    }
}

/// A status for a variant that carries one: the first in its range (or in `400..600` for
/// `default`) that no other response of the operation claims.
fn pick_status(op: &Operation, r: &Response) -> Option<u16> {
    let claimed = |code: u16| {
        op.responses.iter().any(|other| match other.status {
            Some(status) if other.range => {
                !std::ptr::eq(other, r) && (status..status.saturating_add(100)).contains(&code)
            }
            Some(status) => status == code,
            None => false,
        })
    };
    let candidates = match r.status {
        Some(start) => start..start.saturating_add(100),
        None => 400..600,
    };
    candidates.into_iter().find(|&code| (100..1000).contains(&code) && !claimed(code))
}

fn response_http(op: &Operation, r: &Response, model: &Model, krate: &Ident) -> Option<TokenStream> {
    let example = r.example.as_ref()?;
    let body = r.body.as_ref()?;
    let name = test_name(op, &format!("{}_example_round_trips_through_http", status_name(r)));
    let module = super::endpoints::module_path(op);
    let variant = ident(&r.variant);
    let ty = ty_tokens(&body.ty, &model.types, Place::Outside(&quote!(::#krate::types::)));
    let text = json_literal(example);
    let field = ident(&body.field);
    // A required header has no example value to send: no test then; others are absent.
    if r.headers.iter().any(|h| h.required) {
        return None;
    }
    let headers = r.headers.iter().map(|h| {
        let name = ident(&h.rust);
        quote!(#name: ::std::default::Default::default(),)
    });
    let value = if r.status.is_none() || r.range || !r.headers.is_empty() {
        let status = match r.status.is_none() || r.range {
            true => {
                let status = proc_macro2::Literal::u16_unsuffixed(pick_status(op, r)?);
                Some(quote!(status: ::http::StatusCode::from_u16(#status).expect("a valid status"),))
            }
            false => None,
        };
        quote! {
            ::#krate::endpoints::#module::Response::#variant {
                #status
                #field,
                #(#headers)*
            }
        }
    } else {
        quote!(::#krate::endpoints::#module::Response::#variant(#field))
    };
    Some(quote! {
        #[test]
        fn #name() {
            let #field: #ty = ::serde_json::from_str(#text).expect("the example deserializes into its type");
            let response = #value;
            let http_response = ::#krate::runtime::EndpointResponse::try_into_http_response(&response).expect("the response is written");
            let back = <::#krate::endpoints::#module::Response as ::#krate::runtime::EndpointResponse>::try_from_http_response(&http_response).expect("the response is read back");
            assert_eq!(back, response);
        }
    })
}

/// The URL (or header) form of a scalar example value; `None` for `null`, objects, arrays.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn parameter(op: &Operation, p: &Param, model: &Model, krate: &Ident) -> Option<TokenStream> {
    // A value in brackets has no one text: the request's round trip tests its example.
    if p.nested {
        return None;
    }
    let example = p.example.as_ref()?;
    let is_array = matches!(p.ty, Ty::Vec(_));
    let exploded = is_array && p.explode && matches!(p.location, ParamLocation::Query | ParamLocation::Cookie);
    // Each value as it is written: one per pair when exploded, else the items joined.
    let values: Vec<String> = match (example, is_array) {
        (Value::Array(items), true) => {
            let items = items.iter().map(scalar_text).collect::<Option<Vec<_>>>()?;
            if exploded {
                items
            } else {
                vec![items.join(&p.delimiter.to_string())]
            }
        }
        (value, false) => vec![scalar_text(value)?],
        _ => return None,
    };
    let wire = &p.wire;
    let (setup, source) = match p.location {
        ParamLocation::Query => {
            let query = values.iter().map(|v| format!("{}={}", encode(wire), encode(v))).collect::<Vec<_>>().join("&");
            let uri = format!("/?{query}");
            (
                quote!(let uri: ::http::Uri = #uri.parse().expect("a valid URI");),
                quote!(::#krate::runtime::wire::Params::query(&uri)),
            )
        }
        ParamLocation::Path => {
            let [value] = values.as_slice() else {
                return None;
            };
            let template = format!("/{{{wire}}}");
            let path = format!("/{}", encode(value));
            (
                quote!(),
                quote!(::#krate::runtime::wire::Params::path(#template, #path).expect("the path matches its template")),
            )
        }
        ParamLocation::Header => {
            let appends = values.iter().map(
                |v| quote!(::#krate::runtime::wire::append_header(&mut headers, #wire, #v).expect("a valid header");),
            );
            (
                quote!(let mut headers = ::http::HeaderMap::new(); #(#appends)*),
                quote!(::#krate::runtime::wire::Params::headers(&headers)),
            )
        }
        ParamLocation::Cookie => {
            let cookie = values.iter().map(|v| format!("{wire}={}", encode(v))).collect::<Vec<_>>().join("; ");
            (
                quote! {
                    let mut headers = ::http::HeaderMap::new();
                    ::#krate::runtime::wire::append_header(&mut headers, "cookie", #cookie).expect("a valid header");
                },
                quote!(::#krate::runtime::wire::Params::cookies(&headers)),
            )
        }
    };
    let separator = p.delimiter;
    let read = match (is_array, exploded) {
        (true, true) => quote!(repeated_required(#wire)),
        (true, false) => quote!(delimited_required(#wire, #separator)),
        (false, _) => quote!(required(#wire)),
    };
    let ty = ty_tokens(&p.ty, &model.types, Place::Outside(&quote!(::#krate::types::)));
    let json = literal(&example.to_string());
    let name = test_name(op, &format!("parameter_{}_example_parses", p.rust.trim_end_matches('_')));
    Some(quote! {
        #[test]
        fn #name() {
            let from_json: #ty = ::serde_json::from_str(#json).expect("the example deserializes into the parameter's type");
            #setup
            let from_url: #ty = #source.#read.expect("the example parses as the server parses it");
            assert_eq!(from_url, from_json);
        }
    })
}

fn request_http(op: &Operation, krate: &Ident) -> Option<TokenStream> {
    let has_example =
        op.parameters.iter().any(|p| p.example.is_some()) || op.body.as_ref().is_some_and(|b| b.example.is_some());
    if !has_example {
        return None;
    }
    let module = super::endpoints::module_path(op);
    let mut fields = Vec::new();
    for p in &op.parameters {
        let field = ident(&p.rust);
        let value = match &p.example {
            Some(example) => {
                let json = literal(&example.to_string());
                let parsed = quote!(::serde_json::from_str(#json).expect("the example deserializes"));
                if p.required || p.is_many() {
                    parsed
                } else {
                    quote!(::std::option::Option::Some(#parsed))
                }
            }
            // A required parameter without an example: no request can be built from the spec.
            None if p.required => return None,
            None if matches!(p.ty, Ty::Map(_)) => quote!(::std::collections::BTreeMap::new()),
            None if p.is_many() => quote!(::std::vec::Vec::new()),
            None => quote!(::std::option::Option::None),
        };
        fields.push(quote!(#field: #value,));
    }
    if let Some(body) = &op.body {
        let field = ident(&body.field);
        let value = match &body.example {
            Some(example) => {
                let json = json_literal(example);
                let parsed = quote!(::serde_json::from_str(#json).expect("the example deserializes"));
                if body.required {
                    parsed
                } else {
                    quote!(::std::option::Option::Some(#parsed))
                }
            }
            None if body.required => return None,
            None => quote!(::std::option::Option::None),
        };
        fields.push(quote!(#field: #value,));
    }
    let name = test_name(op, "request_example_round_trips_through_http");
    Some(quote! {
        #[test]
        fn #name() {
            let request = ::#krate::endpoints::#module::Request { #(#fields)* };
            let http_request = ::#krate::runtime::Endpoint::try_into_http_request(&request, "").expect("the request is written");
            let back = <::#krate::endpoints::#module::Request as ::#krate::runtime::Endpoint>::try_from_http_request(&http_request).expect("the request is read back");
            assert_eq!(back, request);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_that_cannot_be_raw_are_escaped() {
        assert_eq!(literal("{\"a\": \"b\"}").to_string(), "r#\"{\"a\": \"b\"}\"#");
        for text in ["bidi \u{202E} here", "nul \0", "cr \r", "mark \u{301}"] {
            let printed = literal(text).to_string();
            assert!(printed.starts_with('"') && printed.is_ascii(), "{printed}");
        }
    }
}
