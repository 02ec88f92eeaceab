//! Path keys: each must be a URI path (RFC 3986) with `{name}` template variables, since it
//! becomes a route and a request URI as written.
//!
//! A path that does not start with `/`, or holds a space, a control character, a character
//! that must be percent-encoded, a `%` that starts no encoding, a broken template or a query
//! string is an error at that part of the key, but for fixed `name=value` pairs, a warning: the
//! operations take only requests that carry them. A `#fragment` is a warning: it is never sent,
//! so its operations are served without it (lowering drops it, and says the same). So is
//! white space around a path (no request can carry it: the path is read trimmed), and two
//! operations served at one method and path, which the server tells apart by trying each.

use super::grammar::{part_location, path_flaw, Braces, UriFlaw};
use super::operations::template_variables;
use super::{Reporter, Sites};
use crate::diagnostics::{self, codes, Diagnostic};
use crate::model::{Operation, PathItem};
use crate::source::Spec;

pub fn check(spec: &Spec, sites: &Sites<'_>, reporter: &mut Reporter) {
    for item in sites.path_items.iter().filter(|item| !item.callback) {
        path_start(item, reporter);
        path_characters(spec, item, reporter);
    }
    shared_routes(sites, reporter);
}

/// The location of `range` of a path key: in the key as its file writes it, which a merge of
/// several roots may have prefixed with the root's `basePath`.
fn key_part(spec: &Spec, item: &PathItem, range: std::ops::Range<usize>) -> Option<diagnostics::Location> {
    let path = &item.template;
    let written = spec.map.origin(&item.pointer).and_then(|(_, p)| crate::source::tokens(&p).pop());
    let prefix = match written {
        Some(written) if path.ends_with(written.as_str()) => path.len() - written.len(),
        _ => 0,
    };
    if range.start < prefix {
        return item.location.clone();
    }
    let shifted = range.start - prefix..range.end - prefix;
    part_location(&spec.map, &spec.sources, &item.pointer, true, &path[prefix..], shifted)
}

fn path_start(item: &PathItem, reporter: &mut Reporter) {
    let path = item.template.trim_start();
    if path.starts_with('/') {
        return;
    }
    reporter.report(
        &item.pointer,
        Diagnostic::error(codes::INVALID_PATH, format!("path `{path}` does not start with `/`"))
            .at(item.location.clone())
            .label("not an absolute path")
            .help(format!("write `/{}`", path.trim())),
    );
}

fn path_characters(spec: &Spec, item: &PathItem, reporter: &mut Reporter) {
    let path = item.template.trim();
    // Leading and trailing white space: a warning, and the rest is checked as read.
    let lead = item.template.len() - item.template.trim_start().len();
    if path != item.template {
        let at = if lead > 0 { 0..lead } else { lead + path.len()..item.template.len() };
        reporter.report(
            &item.pointer,
            Diagnostic::warning(
                codes::INVALID_PATH,
                format!("path `{}` has white space around it, which no request can carry", item.template),
            )
            .at(key_part(spec, item, at))
            .label("white space")
            .help(format!("its operations are served at `{path}`; remove the white space to say so")),
        );
    }
    let Some((range, flaw)) = path_flaw(path, Braces::Template) else { return };
    let at = key_part(spec, item, range.start + lead..range.end + lead);
    let part = &path[range.clone()];
    let (route, _) = path.split_at(range.start);
    let diagnostic = match flaw {
        UriFlaw::Fragment => fragment(item, route, &part[1..]),
        UriFlaw::Query if crate::spec::fixed_query(path).is_some() => {
            let pairs = &part[1..];
            Diagnostic::warning(codes::INVALID_PATH, format!("path `{path}` holds the query string `{part}`"))
                .at(at)
                .label("query string")
                .help(format!(
                    "its operations are served at `{route}` and take only requests whose query holds `{pairs}`, which their requests always send; OpenAPI has no other way to say so, but a path holds no query string"
                ))
        }
        UriFlaw::Query => {
            let variables = template_variables(part);
            let help = if variables.is_empty() {
                format!("a path holds no query string: keep `{route}` as the path and declare its query parameters in `parameters`")
            } else {
                let names: Vec<String> = variables.iter().map(|v| format!("`name: {v}`")).collect();
                format!(
                    "a path holds no query string: keep `{route}` as the path and declare {}, `in: query` in `parameters`",
                    names.join(", ")
                )
            };
            Diagnostic::error(codes::INVALID_PATH, format!("path `{path}` holds the query string `{part}`"))
                .at(at)
                .label("query string")
                .help(help)
        }
        _ => {
            let help = match flaw {
                UriFlaw::Space | UriFlaw::Unencoded(_) => {
                    format!("write it percent-encoded (`{}`), or remove it", crate::spec::percent_encode(part))
                }
                UriFlaw::BadTemplate => "a template variable is written `{name}`".to_owned(),
                UriFlaw::Template => "a path is templated with `{name}` and a `path` parameter".to_owned(),
                UriFlaw::BadPercent => "write `%` itself as `%25`".to_owned(),
                _ => "remove it".to_owned(),
            };
            Diagnostic::error(codes::INVALID_PATH, format!("invalid path `{path}`: it holds {}", flaw.what(part)))
                .at(at)
                .label("not allowed in a URI path")
                .help(help)
        }
    };
    reporter.report(&item.pointer, diagnostic);
}

/// Operations served at one method and path (white space and a `#fragment` aside, template
/// variables by position): a warning at each after the first, since the server must try them.
fn shared_routes(sites: &Sites<'_>, reporter: &mut Reporter) {
    /// The operations of a method and route shape, each with its path item.
    type Operations<'a> = Vec<(&'a PathItem, &'a Operation)>;
    let mut routes: std::collections::BTreeMap<(String, String, String), Operations<'_>> =
        std::collections::BTreeMap::new();
    for item in sites.path_items.iter().filter(|item| !item.callback) {
        // Operations whose fixed query pairs differ are told apart by them.
        let (route, pairs) = crate::spec::route(&item.template);
        let query = format!("{pairs:?}");
        for operation in &item.operations {
            let key = (operation.method.as_str().to_uppercase(), route_shape(route), query.clone());
            routes.entry(key).or_default().push((item, operation));
        }
    }
    for ((method, ..), mut operations) in routes {
        if operations.len() < 2 {
            continue;
        }
        // "First" is first in the files, whatever order the document's maps keep.
        operations.sort_by(|a, b| a.1.location.cmp(&b.1.location));
        let shown = |operation: &Operation| {
            let place = operation
                .location
                .as_ref()
                .map(|l| format!(" at {}:{}:{}", l.file, l.line, l.column))
                .unwrap_or_default();
            match &operation.operation_id {
                Some(id) => format!("`{id}`{place}"),
                None => format!("the operation{place}"),
            }
        };
        let first = shown(operations[0].1);
        for (item, operation) in &operations[1..] {
            reporter.report(
                &operation.pointer,
                Diagnostic::warning(
                    codes::SHARED_ROUTE,
                    format!("`{method} {}` is also the method and path of {first}", item.template.trim()),
                )
                .at(operation.location.clone())
                .label("a second operation here")
                .help("both are generated; the server picks by trying: the operation with more required parameters and body first, then in the order declared, gets a request it reads"),
            );
        }
    }
}

/// A route with its template variables unnamed (`/rooms/{}/invite`): two templates that
/// differ only in names match the same requests.
fn route_shape(route: &str) -> String {
    let mut out = String::new();
    let mut in_variable = false;
    for c in route.chars() {
        match c {
            '{' => {
                in_variable = true;
                out.push_str("{}");
            }
            '}' => in_variable = false,
            _ if in_variable => {}
            _ => out.push(c),
        }
    }
    out
}

/// The same warning lowering gives for a `#fragment`, so `lint` and `codegen` say it alike
/// (identical diagnostics are shown once).
fn fragment(item: &PathItem, route: &str, fragment: &str) -> Diagnostic {
    let path = &item.template;
    Diagnostic::warning(codes::UNSUPPORTED, format!("path `{path}` holds the fragment `#{fragment}`, which is never sent"))
        .at(item.location.clone())
        .label("fragment in a path")
        .help(format!(
            "its operations are served at `{route}`; operations that then share a method and path are told apart by the first that matches"
        ))
}
