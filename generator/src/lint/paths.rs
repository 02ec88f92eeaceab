//! Path keys: each must be a URI path (RFC 3986) with `{name}` template variables, since it
//! becomes a route and a request URI as written.
//!
//! A path that does not start with `/`, or holds a space, a control character, a character
//! that must be percent-encoded, a `%` that starts no encoding, a broken template or a query
//! string is an error at that part of the key. A `#fragment` is a warning: it is never sent,
//! so its operations are served without it (lowering drops it, and says the same).

use super::grammar::{part_location, path_flaw, Braces, UriFlaw};
use super::operations::template_variables;
use super::{Reporter, Sites};
use crate::diagnostics::{codes, Diagnostic};
use crate::lint::sites::PathItem;
use crate::source::Spec;

pub fn check(spec: &Spec, sites: &Sites, reporter: &mut Reporter) {
    for item in sites.path_items.iter().filter(|item| !item.callback) {
        path_start(spec, item, reporter);
        path_characters(spec, item, reporter);
    }
}

fn path_start(spec: &Spec, item: &PathItem, reporter: &mut Reporter) {
    let path = &item.template;
    if path.starts_with('/') {
        return;
    }
    reporter.report(
        &item.pointer,
        Diagnostic::error(codes::INVALID_PATH, format!("path `{path}` does not start with `/`"))
            .at(spec.key_location(&item.pointer))
            .label("not an absolute path")
            .help(format!("write `/{}`", path.trim())),
    );
}

fn path_characters(spec: &Spec, item: &PathItem, reporter: &mut Reporter) {
    let path = &item.template;
    let Some((range, flaw)) = path_flaw(path, Braces::Template) else { return };
    let at = part_location(&spec.map, &spec.sources, &item.pointer, true, path, range.clone());
    let part = &path[range.clone()];
    let (route, _) = path.split_at(range.start);
    let diagnostic = match flaw {
        UriFlaw::Fragment => fragment(spec, item, route, &part[1..]),
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
                UriFlaw::Space if path.trim_end() != path => "remove the white space at the end of the path".to_owned(),
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

/// The same warning lowering gives for a `#fragment`, so `lint` and `codegen` say it alike
/// (identical diagnostics are shown once).
fn fragment(spec: &Spec, item: &PathItem, route: &str, fragment: &str) -> Diagnostic {
    let path = &item.template;
    Diagnostic::warning(codes::UNSUPPORTED, format!("path `{path}` holds the fragment `#{fragment}`, which is never sent"))
        .at(spec.key_location(&item.pointer))
        .label("fragment in a path")
        .help(format!(
            "its operations are served at `{route}`; operations that then share a method and path are told apart by the first that matches"
        ))
}
