//! Operation checks: each parameter's `in`, path template variables against `path`
//! parameters, and unique `operationId`s.

use std::collections::BTreeMap;

use serde_json::Value;

use super::suggest::{list, nearest};
use super::{Reporter, Sites};
use crate::diagnostics::{codes, Diagnostic, Location};
use crate::lint::sites::{object, PathItem};
use crate::upgrade::Spec;

/// Where an OpenAPI 3.0 parameter may be.
const LOCATIONS: [&str; 4] = ["query", "header", "path", "cookie"];

pub fn check(spec: &Spec, sites: &Sites, reporter: &mut Reporter) {
    for parameter in &sites.parameters {
        parameter_location(spec, parameter, reporter);
    }
    for item in sites.path_items.iter().filter(|item| !item.callback) {
        path_parameters(spec, item, reporter);
    }
    operation_ids(spec, sites, reporter);
}

fn parameter_location(spec: &Spec, pointer: &str, reporter: &mut Reporter) {
    let Some(parameter) = spec.document.pointer(pointer).and_then(object) else { return };
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

/// A `path` parameter: where it is declared and its name.
struct PathParameter {
    pointer: String,
    name: String,
}

fn path_parameters_of(spec: &Spec, owner: &str) -> Vec<PathParameter> {
    let Some(Value::Array(list)) = spec.document.pointer(&format!("{owner}/parameters")) else { return Vec::new() };
    list.iter()
        .enumerate()
        .filter_map(|(i, parameter)| {
            let parameter = object(parameter)?;
            // A parameter without a string `name` does not fit the model: deserializing says so.
            let name = parameter.get("name").and_then(Value::as_str)?;
            (parameter.get("in").and_then(Value::as_str) == Some("path"))
                .then(|| PathParameter { pointer: format!("{owner}/parameters/{i}"), name: name.to_owned() })
        })
        .collect()
}

fn path_parameters(spec: &Spec, item: &PathItem, reporter: &mut Reporter) {
    if item.operations.is_empty() {
        return;
    }
    let variables = template_variables(&item.template);
    let shared = path_parameters_of(spec, &item.pointer);
    let mut declared_by_operation = Vec::new();
    let mut all: Vec<PathParameter> = Vec::new();
    for operation in &item.operations {
        let own = path_parameters_of(spec, &operation.pointer);
        let names: Vec<String> = shared.iter().chain(&own).map(|p| p.name.clone()).collect();
        declared_by_operation.push((operation.method.as_str(), names));
        all.extend(own);
    }
    for variable in &variables {
        let missing: Vec<&str> = declared_by_operation
            .iter()
            .filter(|(_, names)| !names.contains(variable))
            .map(|(method, _)| *method)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let message = if missing.len() == declared_by_operation.len() {
            format!("path template variable `{variable}` has no `path` parameter")
        } else {
            let word = if missing.len() == 1 { "operation" } else { "operations" };
            format!("path template variable `{variable}` has no `path` parameter in {word} {}", list(missing))
        };
        let location = key_substring_location(spec, &item.pointer, &format!("{{{variable}}}"));
        // `/search?query={query}`: the variable sits in a query string written into the path.
        let path = crate::source::tokens(&item.pointer).pop().unwrap_or_default();
        let in_query = path.split_once('?').is_some_and(|(_, query)| query.contains(&format!("{{{variable}}}")));
        let help = if in_query {
            format!(
                "a path holds no query string: keep `{}` as the path and declare `name: {variable}`, `in: query` in `parameters`",
                path.split('?').next().unwrap_or_default()
            )
        } else {
            format!(
                "declare it in the path's or the operation's `parameters`: `name: {variable}`, `in: path`, `required: true`"
            )
        };
        reporter.report(
            &item.pointer,
            Diagnostic::error(codes::PATH_PARAMETER, message)
                .at(location)
                .label("no parameter declares this variable")
                .help(help),
        );
    }
    for parameter in shared.iter().chain(&all) {
        let name_at = format!("{}/name", parameter.pointer);
        if !variables.contains(&parameter.name) {
            let help = match nearest(&parameter.name, variables.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("add `{{{}}}` to the path, or give the parameter another `in`", parameter.name),
            };
            reporter.report(
                &name_at,
                Diagnostic::error(
                    codes::PATH_PARAMETER,
                    format!("`path` parameter `{}` is not in the path template `{}`", parameter.name, item.template),
                )
                .at(spec.value_location(&name_at))
                .label("not in the template")
                .help(help),
            );
        }
        let required_at = format!("{}/required", parameter.pointer);
        match spec.document.pointer(&required_at) {
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

fn operation_ids(spec: &Spec, sites: &Sites, reporter: &mut Reporter) {
    let mut by_id: BTreeMap<&str, Vec<(Option<Location>, String)>> = BTreeMap::new();
    for item in &sites.path_items {
        for operation in &item.operations {
            let at = format!("{}/operationId", operation.pointer);
            if let Some(Value::String(id)) = spec.document.pointer(&at) {
                by_id.entry(id.as_str()).or_default().push((spec.value_location(&at), at));
            }
        }
    }
    for (id, mut uses) in by_id {
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
