//! Operation checks: each parameter's `in`, header and cookie names, each parameter and
//! response header named once, path template variables against `path` parameters, media
//! types, unique `operationId`s, and security requirements that name defined schemes.

use std::collections::BTreeMap;

use serde_json::Value;

use super::grammar::{is_tchar, media_type_flaw, part_location, token_flaw};
use super::suggest::{list, nearest};
use super::{Reporter, Sites};
use crate::diagnostics::{codes, Diagnostic, Edit, Location};
use crate::lint::sites::object;
use crate::model::{self, PathItem};
use crate::source::{strip_pointer_prefix, Spec};

/// Where an OpenAPI 3.0 parameter may be.
const LOCATIONS: [&str; 4] = ["query", "header", "path", "cookie"];

pub fn check(spec: &Spec, sites: &Sites<'_>, reporter: &mut Reporter) {
    for (pointer, parameter) in &sites.parameters {
        parameter_location(spec, pointer, parameter, reporter);
        parameter_name(spec, pointer, parameter, reporter);
    }
    for (header, _) in &sites.headers {
        header_key(spec, header, reporter);
    }
    header_keys_once(spec, sites, reporter);
    for item in &sites.path_items {
        if !item.callback {
            path_parameters(spec, item, reporter);
        }
        for operation in &item.operations {
            parameters_once(operation, reporter);
        }
    }
    for (media, _) in &sites.media_types {
        media_type(spec, media, reporter);
    }
    operation_ids(sites, reporter);
    security_requirements(sites, reporter);
}

/// A header or cookie parameter's `name` is an RFC 9110 `token` (RFC 6265 cookie names are too).
fn parameter_name(spec: &Spec, pointer: &str, parameter: &Value, reporter: &mut Reporter) {
    let Some(parameter) = object(parameter) else { return };
    let kind = match parameter.get("in").and_then(Value::as_str) {
        Some("header") => "header",
        Some("cookie") => "cookie",
        _ => return,
    };
    // A `name` that is not a string does not fit the model: deserializing says so.
    let Some(name) = parameter.get("name").and_then(Value::as_str) else { return };
    let at = format!("{pointer}/name");
    if let Some(diagnostic) = token_diagnostic(spec, &at, false, kind, name) {
        reporter.report(&at, diagnostic);
    }
}

/// A response or encoding header's key is an RFC 9110 `token`.
fn header_key(spec: &Spec, pointer: &str, reporter: &mut Reporter) {
    if pointer.starts_with("/components/headers/") {
        // There the key is the header's component name, not the header's.
        return;
    }
    let name = crate::source::tokens(pointer).pop().unwrap_or_default();
    if let Some(diagnostic) = token_diagnostic(spec, pointer, true, "header", &name) {
        reporter.report(pointer, diagnostic);
    }
}

/// The error for a header or cookie name that is not a token, at its first wrong character.
fn token_diagnostic(spec: &Spec, pointer: &str, key: bool, kind: &str, name: &str) -> Option<Diagnostic> {
    let rule = format!("a {kind} name is an RFC 9110 token, of letters, digits and `-` (and a few other marks)");
    if name.is_empty() {
        let location = if key { spec.key_location(pointer) } else { spec.value_location(pointer) };
        return Some(
            Diagnostic::error(codes::INVALID_HEADER_NAME, format!("empty {kind} name"))
                .at(location)
                .label("empty")
                .help(rule),
        );
    }
    let (range, c) = token_flaw(name)?;
    let help = match token_suggestion(name) {
        Some(suggestion) => format!("write `{suggestion}`: {rule}"),
        None => rule,
    };
    let what = if c == ' ' { "a space".to_owned() } else { format!("`{}`", c.escape_debug()) };
    Some(
        Diagnostic::error(codes::INVALID_HEADER_NAME, format!("invalid {kind} name `{name}`: it holds {what}"))
            .at(part_location(&spec.map, &spec.sources, pointer, key, name, range))
            .label(format!("not allowed in a {kind} name"))
            .help(help),
    )
}

/// `name` with white space around it removed and each run of other characters that are not
/// allowed in a token written `-`, when that leaves a token.
fn token_suggestion(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.trim().chars() {
        if is_tchar(c) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    (!out.is_empty()).then_some(out)
}

/// A parameter as a server compares it: `in`, and `name` (header names case-insensitively).
fn key(parameter: &model::Parameter) -> (String, String) {
    let name = if parameter.place == "header" { parameter.name.to_ascii_lowercase() } else { parameter.name.clone() };
    (parameter.place.clone(), name)
}

/// An operation's parameters, with those of its path item it does not override (by the
/// same `name` and `in`), name each parameter once; header names are case-insensitive, so
/// `X-Foo` and `x-foo` are one header.
fn parameters_once(operation: &model::Operation, reporter: &mut Reporter) {
    let mut first: BTreeMap<(String, String), &model::Parameter> = BTreeMap::new();
    for parameter in &operation.parameters {
        let Some(earlier) = first.get(&key(parameter)) else {
            first.insert(key(parameter), parameter);
            continue;
        };
        let name_at = format!("{}/name", parameter.pointer);
        let first_at = match &earlier.location {
            Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
            None => format!("`{}`", earlier.pointer),
        };
        let diagnostic = if earlier.name == parameter.name {
            Diagnostic::error(
                codes::DUPLICATE_PARAMETER,
                format!("parameter `{}` `in: {}` is declared twice", parameter.name, parameter.place),
            )
            .label("declared again here")
            .help(format!("it is first declared at {first_at}; declare each parameter once"))
        } else {
            Diagnostic::error(
                codes::DUPLICATE_PARAMETER,
                format!("header parameters `{}` and `{}` are one header", earlier.name, parameter.name),
            )
            .label(format!("the same header as `{}`", earlier.name))
            .help(format!(
                "header names are case-insensitive, and `{}` is declared at {first_at}: declare the header once",
                earlier.name
            ))
        };
        reporter.report(&name_at, diagnostic.at(parameter.location.clone()));
    }
}

/// The headers of one response (or encoding) are named once, case-insensitively.
fn header_keys_once(spec: &Spec, sites: &Sites<'_>, reporter: &mut Reporter) {
    let mut by_owner: BTreeMap<(&str, String), &str> = BTreeMap::new();
    for (pointer, _) in sites.headers.iter().filter(|(p, _)| !p.starts_with("/components/headers/")) {
        let owner = crate::source::parent_pointer(pointer);
        let name = crate::source::tokens(pointer).pop().unwrap_or_default();
        let Some(earlier) = by_owner.get(&(owner, name.to_ascii_lowercase())) else {
            by_owner.insert((owner, name.to_ascii_lowercase()), pointer);
            continue;
        };
        let earlier_name = crate::source::tokens(earlier).pop().unwrap_or_default();
        reporter.report(
            pointer,
            Diagnostic::error(
                codes::DUPLICATE_PARAMETER,
                format!("headers `{earlier_name}` and `{name}` are one header"),
            )
            .at(spec.key_location(pointer))
            .label(format!("the same header as `{earlier_name}`"))
            .help("header names are case-insensitive: declare the header once"),
        );
    }
}

/// A `content` key is an RFC 9110 media type (or range): a warning, since the document still
/// means something, only not what its author meant.
fn media_type(spec: &Spec, pointer: &str, reporter: &mut Reporter) {
    let media = crate::source::tokens(pointer).pop().unwrap_or_default();
    let Some((range, why)) = media_type_flaw(&media) else { return };
    let message =
        if media.is_empty() { "empty media type".to_owned() } else { format!("invalid media type `{media}`") };
    let help = if media[range.clone()].starts_with(',') {
        "one media type a `content` key (in Swagger 2.0, one a `consumes` or `produces` entry): write each apart"
    } else {
        "a media type is `type/subtype`, with optional `; name=value` parameters, as `application/json; charset=utf-8`"
    };
    let location = if range.is_empty() {
        spec.key_location(pointer)
    } else {
        part_location(&spec.map, &spec.sources, pointer, true, &media, range)
    };
    reporter
        .report(pointer, Diagnostic::warning(codes::INVALID_MEDIA_TYPE, message).at(location).label(why).help(help));
}

fn parameter_location(spec: &Spec, pointer: &str, parameter: &Value, reporter: &mut Reporter) {
    let Some(parameter) = object(parameter) else { return };
    let at = format!("{pointer}/in");
    let location = spec.value_location(&at);
    let valid = format!("`in` is one of {}", list(LOCATIONS));
    let invalid = |shown: &str| {
        Diagnostic::error(codes::PARAMETER_IN, format!("invalid parameter location `{shown}`"))
            .at(location.clone())
            .label("not a parameter location")
    };
    let diagnostic = match parameter.get("in") {
        Some(Value::String(place)) if LOCATIONS.contains(&place.as_str()) => return,
        Some(Value::String(place)) if place == "body" => {
            invalid(place).help("in OpenAPI 3.0 a body is the operation's `requestBody`, not a parameter")
        }
        Some(Value::String(place)) if place == "formData" => invalid(place).help(
            "in OpenAPI 3.0 form fields are the `properties` of a `requestBody` schema for `application/x-www-form-urlencoded` or `multipart/form-data`",
        ),
        Some(Value::String(place)) => match nearest(place, LOCATIONS) {
            Some(near) => invalid(place).help(format!("did you mean `{near}`?")),
            None => invalid(place).help(valid),
        },
        Some(other) => invalid(&other.to_string()).help(valid),
        None => {
            let message = match parameter.get("name").and_then(Value::as_str) {
                Some(name) => format!("parameter `{name}` has no `in`"),
                None => "parameter has no `in`".to_owned(),
            };
            Diagnostic::error(codes::PARAMETER_IN, message)
                .at(spec.key_location(&format!("{pointer}/name")).or_else(|| spec.value_location(pointer)))
                .label("missing `in`")
                .help(valid)
        }
    };
    reporter.report(&at, diagnostic);
}

fn path_parameters(spec: &Spec, item: &PathItem, reporter: &mut Reporter) {
    if item.operations.is_empty() {
        return;
    }
    // A query string or fragment written into the path is reported by `paths`.
    let route = item.template.split(['?', '#']).next().unwrap_or_default();
    let variables = template_variables(route);
    // A parameter without a string `name` does not fit the model: deserializing says so.
    let shared: Vec<&model::Parameter> = item.parameters.iter().filter(|p| p.place == "path").collect();
    let mut declared_by_operation = Vec::new();
    let mut all: Vec<&model::Parameter> = Vec::new();
    for operation in &item.operations {
        let own: Vec<&model::Parameter> =
            operation.parameters.iter().filter(|p| p.level == model::Level::Operation && p.place == "path").collect();
        let names: Vec<String> = shared.iter().chain(&own).map(|p| p.name.clone()).collect();
        declared_by_operation.push((operation.method.as_str(), names));
        all.extend(own);
    }
    let renaming = renaming(&variables, shared.iter().chain(&all).copied());
    for variable in &variables {
        let missing: Vec<&str> = declared_by_operation
            .iter()
            .filter(|(_, names)| !names.contains(variable))
            .map(|(method, _)| *method)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let everywhere = missing.len() == declared_by_operation.len();
        let message = if everywhere {
            format!("path template variable `{variable}` has no `path` parameter")
        } else {
            let word = if missing.len() == 1 { "operation" } else { "operations" };
            format!("path template variable `{variable}` has no `path` parameter in {word} {}", list(missing))
        };
        let location = key_substring_location(spec, &item.pointer, &format!("{{{variable}}}"));
        let help = format!(
            "declare it in the path's or the operation's `parameters`: `name: {variable}`, `in: path`, `required: true`"
        );
        // Where it is still missing once a stray parameter is renamed to it (`renaming`), it
        // is declared, a required string: by the path item when no operation declares it.
        let mut parameter = serde_json::json!({"name": variable, "in": "path", "required": true});
        match spec.source_version.as_str() {
            "2.0" => parameter["type"] = "string".into(),
            _ => parameter["schema"] = serde_json::json!({"type": "string"}),
        }
        let append =
            |at: &str| super::fix_at(spec, at, Edit::Append { key: "parameters".into(), value: parameter.clone() });
        let renamed_in = |operation: &str| {
            renaming.as_ref().is_some_and(|(from, to)| {
                let under =
                    |p: &model::Parameter, at: &str| p.name == *from && strip_pointer_prefix(&p.pointer, at).is_some();
                to == variable
                    && (shared.iter().any(|p| under(p, &item.pointer)) || all.iter().any(|p| under(p, operation)))
            })
        };
        let still_missing: Vec<&str> = item
            .operations
            .iter()
            .zip(&declared_by_operation)
            .filter(|(operation, (_, names))| !names.contains(variable) && !renamed_in(&operation.pointer))
            .map(|(operation, _)| operation.pointer.as_str())
            .collect();
        let fixes: Vec<_> = if still_missing.len() == item.operations.len() {
            vec![append(&item.pointer)]
        } else {
            still_missing.iter().map(|at| append(at)).collect()
        };
        let mut diagnostic = Diagnostic::error(codes::PATH_PARAMETER, message)
            .at(location)
            .label("no parameter declares this variable")
            .help(help);
        for fix in fixes {
            diagnostic = diagnostic.fix(fix);
        }
        reporter.report(&item.pointer, diagnostic);
    }
    for parameter in shared.iter().chain(&all) {
        let name_at = format!("{}/name", parameter.pointer);
        if !variables.contains(&parameter.name) {
            let help = match nearest(&parameter.name, variables.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("add `{{{}}}` to the path, or give the parameter another `in`", parameter.name),
            };
            // Only a parameter written in this path item: a shared one may serve other paths.
            let own = strip_pointer_prefix(&parameter.pointer, &item.pointer).is_some();
            let fix = renaming.as_ref().filter(|(from, _)| own && *from == parameter.name).and_then(|(_, to)| {
                let set = serde_json::Map::from_iter([("name".to_owned(), Value::from(to.as_str()))]);
                super::fix_at(spec, &parameter.pointer, Edit::Replace { remove: Vec::new(), set })
            });
            reporter.report(
                &name_at,
                Diagnostic::error(
                    codes::PATH_PARAMETER,
                    format!("`path` parameter `{}` is not in the path template `{}`", parameter.name, item.template),
                )
                .at(spec.value_location(&name_at))
                .label("not in the template")
                .help(help)
                .fix(fix),
            );
        }
        let required_at = format!("{}/required", parameter.pointer);
        match crate::source::lookup(&spec.document, &required_at) {
            Some(Value::Bool(true)) => {}
            Some(_) => reporter.report(
                &required_at,
                Diagnostic::error(
                    codes::PATH_PARAMETER,
                    format!("`path` parameter `{}` is not required", parameter.name),
                )
                .at(spec.value_location(&required_at))
                .label("must be `true`")
                .help("path parameters are always required: set `required: true`"),
            ),
            None => {
                let in_at = format!("{}/in", parameter.pointer);
                reporter.report(
                    &in_at,
                    Diagnostic::error(
                        codes::PATH_PARAMETER,
                        format!("`path` parameter `{}` is not required", parameter.name),
                    )
                    .at(spec.value_location(&in_at))
                    .label("`required: true` is missing")
                    .help("path parameters are always required: add `required: true`"),
                );
            }
        }
    }
}

/// The one name `path` parameters give that the template does not hold, and the one template
/// variable no parameter declares, when there is exactly one of each: the parameter meant the
/// variable (`cert_id` for `{certificate_id}`), and `lint --fix` renames it.
fn renaming<'p>(
    variables: &[String],
    parameters: impl Iterator<Item = &'p model::Parameter>,
) -> Option<(String, String)> {
    let parameters: Vec<&model::Parameter> = parameters.collect();
    let stray: std::collections::BTreeSet<&str> =
        parameters.iter().filter(|p| !variables.contains(&p.name)).map(|p| p.name.as_str()).collect();
    let undeclared: Vec<&String> = variables.iter().filter(|v| !parameters.iter().any(|p| &p.name == *v)).collect();
    match (stray.into_iter().collect::<Vec<_>>().as_slice(), undeclared.as_slice()) {
        ([from], [to]) => Some(((*from).to_owned(), (*to).clone())),
        _ => None,
    }
}

/// The names between braces in a path template, each once, in order.
pub fn template_variables(template: &str) -> Vec<String> {
    let mut variables: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && !variables.iter().any(|v| v == name) {
            variables.push(name.to_owned());
        }
        rest = &after[close + 1..];
    }
    variables
}

/// The location of `needle` inside the key naming the node at `pointer`, when the key is
/// written on one line; the whole key otherwise.
fn key_substring_location(spec: &Spec, pointer: &str, needle: &str) -> Option<Location> {
    let location = spec.key_location(pointer)?;
    let narrowed = (|| {
        let (file, _) = spec.map.origin(pointer)?;
        let text = &spec.sources.files.get(file)?.text;
        let key = text.get(location.start..location.end)?;
        if key.contains('\n') {
            return None;
        }
        let offset = key.find(needle)?;
        let column = location.column + key.get(..offset)?.chars().count();
        let start = location.start + offset;
        Some(Location { column, start, end: start + needle.len(), ..location.clone() })
    })();
    narrowed.or(Some(location))
}

fn operation_ids(sites: &Sites<'_>, reporter: &mut Reporter) {
    // Operations of different root documents are in different modules: only those of one
    // root must have distinct ids.
    /// Where an id is used: its location and pointer.
    type Uses = Vec<(Option<Location>, String)>;
    let mut by_id: BTreeMap<(usize, &str), Uses> = BTreeMap::new();
    for item in &sites.path_items {
        for operation in &item.operations {
            if let Some(id) = &operation.operation_id {
                let at = format!("{}/operationId", operation.pointer);
                by_id
                    .entry((operation.root, id.as_str()))
                    .or_default()
                    .push((operation.operation_id_location.clone(), at));
            }
        }
    }
    for ((_, id), mut uses) in by_id {
        // "First" is first in the files, whatever order the document's maps keep.
        uses.sort();
        let Some((first_location, first_at)) = uses.first().cloned() else { continue };
        let first = match &first_location {
            Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
            None => format!("`{first_at}`"),
        };
        for (location, at) in uses.into_iter().skip(1) {
            if location.is_some() && location == first_location {
                continue;
            }
            reporter.report(
                &at,
                Diagnostic::error(codes::DUPLICATE_OPERATION, format!("duplicate `operationId` `{id}`"))
                    .at(location)
                    .label("used again here")
                    .help(format!("`{id}` is first used at {first}; each operation needs its own `operationId`")),
            );
        }
    }
}

/// Every scheme a security requirement names (the document's, and each operation's own) is
/// defined in `components.securitySchemes` (Swagger 2.0: `securityDefinitions`).
fn security_requirements(sites: &Sites<'_>, reporter: &mut Reporter) {
    let security = &sites.security;
    let defined: Vec<&str> = security.schemes.iter().map(|scheme| scheme.name.as_str()).collect();
    // An operation that inherits the document's requirements is checked with the document.
    let own = sites
        .path_items
        .iter()
        .flat_map(|item| &item.operations)
        .filter_map(|operation| operation.security.as_deref())
        .filter(|requirements| !requirements.is_document());
    for requirements in security.document.as_deref().into_iter().chain(own) {
        for name in requirements.alternatives.iter().flat_map(|alternative| &alternative.schemes) {
            if defined.contains(&name.name.as_str()) {
                continue;
            }
            let help = match nearest(&name.name, defined.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None if defined.is_empty() => "define it under `securityDefinitions` (Swagger 2.0) or `components.securitySchemes`".to_owned(),
                None => format!("the schemes defined are {}; define it under `securityDefinitions` (Swagger 2.0) or `components.securitySchemes`", list(defined.iter().copied())),
            };
            reporter.report(
                &name.pointer,
                Diagnostic::error(
                    codes::UNDEFINED_SECURITY_SCHEME,
                    format!("security scheme `{}` is not defined", name.name),
                )
                .at(name.location.clone())
                .label("unknown scheme")
                .help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_of_templates() {
        assert_eq!(template_variables("/sync"), Vec::<String>::new());
        assert_eq!(template_variables("/rooms/{roomId}/state/{type}/{roomId}"), ["roomId", "type"]);
        assert_eq!(template_variables("/files/{name}.{ext}"), ["name", "ext"]);
        assert_eq!(template_variables("/broken/{x"), Vec::<String>::new());
        assert_eq!(template_variables("/empty/{}"), Vec::<String>::new());
    }
}
