//! Server URLs (of the document, its path items and its operations): the path of the first
//! one is the base of every route.
//!
//! The upgrade has replaced each declared `{variable}` by its default, so a `{name}` left in
//! a URL is one `variables` does not declare: an error at it, or, when a default put it
//! there (a placeholder such as `{your-host}`), at that default. The URL must then be an
//! absolute URL or a path starting with `/`, with no space, control character, unencoded
//! character, stray `%`, query string or fragment: an error at that part.

use serde_json::Value;

use super::grammar::{authority_flaw, is_scheme, needle_location, part_location, path_flaw, Braces, UriFlaw};
use super::operations::template_variables;
use super::{Reporter, Sites};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::Spec;

pub fn check(spec: &Spec, sites: &Sites<'_>, reporter: &mut Reporter) {
    let mut owners = vec![String::new()];
    for item in sites.path_items.iter().filter(|item| !item.callback) {
        owners.push(item.pointer.clone());
        owners.extend(item.operations.iter().map(|op| op.pointer.clone()));
    }
    for owner in owners {
        let Some(Value::Array(servers)) = crate::source::lookup(&spec.document, &format!("{owner}/servers")) else {
            continue;
        };
        for i in 0..servers.len() {
            let server = format!("{owner}/servers/{i}");
            if !undeclared_variables(spec, &server, reporter) {
                server_url(spec, &server, reporter);
            }
        }
    }
}

/// Reports each `{name}` of the URL that `variables` does not declare; whether a `{name}` is
/// left in the URL.
fn undeclared_variables(spec: &Spec, server: &str, reporter: &mut Reporter) -> bool {
    let url_at = format!("{server}/url");
    let Some(Value::String(url)) = crate::source::lookup(&spec.document, &url_at) else { return false };
    let declared = crate::source::lookup(&spec.document, &format!("{server}/variables")).and_then(Value::as_object);
    let mut found = false;
    for name in template_variables(url) {
        found = true;
        if declared.is_some_and(|d| d.contains_key(&name)) {
            // Declared without a string `default`: the document does not fit the model, and
            // deserializing says so.
            continue;
        }
        // Put there by the default of a declared variable (`default: "{your-host}"`): a
        // placeholder, reported at that default.
        let placeholder = format!("{{{name}}}");
        let from_default = declared.into_iter().flatten().find_map(|(variable, declaration)| {
            let default = declaration.get("default")?.as_str()?;
            default.contains(&placeholder).then_some((variable, default))
        });
        if let Some((variable, default)) = from_default {
            reporter.report(
                &url_at,
                Diagnostic::error(
                    codes::INVALID_SERVER,
                    format!("the default of server variable `{variable}` is `{default}`, a placeholder: a URL cannot hold `{{` or `}}`"),
                )
                .at(spec.value_location(&format!("{}/default", crate::source::push_token(&format!("{server}/variables"), variable))))
                .label("not a value a client can use")
                .help("write the value a client uses when it picks none (in an overlay, when the spec is vendored)"),
            );
            continue;
        }
        reporter.report(
            &url_at,
            Diagnostic::error(codes::SERVER_VARIABLE, format!("server URL variable `{name}` is not declared"))
                .at(needle_location(&spec.map, &spec.sources, &url_at, false, &format!("{{{name}}}")))
                .label("not in the server's `variables`")
                .help(format!(
                    "declare it with the value to use: `variables: {{{name}: {{default: ...}}}}`, or write that value in the URL"
                )),
        );
    }
    found
}

/// The URL itself: absolute, without a scheme (`//host/v1`, the document's own) or a path,
/// and nothing a URL may not hold. A URL relative to the document's own (`v1`) is a warning:
/// the base path it names is not known.
fn server_url(spec: &Spec, server: &str, reporter: &mut Reporter) {
    let url_at = format!("{server}/url");
    let Some(Value::String(url)) = crate::source::lookup(&spec.document, &url_at) else { return };
    let at = |range| part_location(&spec.map, &spec.sources, &url_at, false, url, range);
    // The authority from `start` on, and where the path starts.
    let authority = |start: usize| {
        let rest = &url[start..];
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let flaw = authority_flaw(&rest[..end]).map(|(r, f)| (start + r.start..start + r.end, f));
        (start + end, flaw)
    };
    let (path_start, flaw) = match url.split_once("://") {
        Some((scheme, _)) if is_scheme(scheme) => authority(scheme.len() + 3),
        _ if url.starts_with("//") => authority(2),
        _ if !crate::spec::is_document_relative(url) => (0, None),
        _ if path_flaw(url, Braces::Forbidden).is_none() => {
            reporter.report(
                &url_at,
                Diagnostic::warning(
                    codes::RELATIVE_SERVER,
                    format!("server URL `{url}` is relative to the document's own URL, which is not known here"),
                )
                .at(at(0..url.len()))
                .label("relative URL: its base path is not known")
                .help(format!(
                    "routes start at `/`, and a client is given the whole base URL; write an absolute URL, as `https://{}`, or a path starting with `/`",
                    url.trim_start_matches('/')
                )),
            );
            return;
        }
        _ => (0, None),
    };
    let flaw = flaw.or_else(|| {
        path_flaw(&url[path_start..], Braces::Forbidden).map(|(r, f)| (path_start + r.start..path_start + r.end, f))
    });
    let Some((range, flaw)) = flaw else { return };
    let part = &url[range.clone()];
    let help = match flaw {
        UriFlaw::Query | UriFlaw::Fragment => "the server URL is the base of every path: remove it".to_owned(),
        UriFlaw::Space if url.trim() != url => "remove the white space around the URL".to_owned(),
        UriFlaw::Template => "declare it in the server's `variables`, or write its value".to_owned(),
        UriFlaw::BadPercent => "write `%` itself as `%25`".to_owned(),
        _ => "write it percent-encoded, or remove it".to_owned(),
    };
    reporter.report(
        &url_at,
        Diagnostic::error(codes::INVALID_SERVER, format!("invalid server URL `{url}`: it holds {}", flaw.what(part)))
            .at(at(range))
            .label("not allowed in a URL")
            .help(help),
    );
}
