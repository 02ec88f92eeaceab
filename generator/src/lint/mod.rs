//! Lint: checks the upgraded spec and hands lowering a value it can trust.
//!
//! In: a [`Spec`] (OpenAPI 3.0 shaped JSON with a source map). Out: a [`Checked`] spec, the
//! `openapiv3` model of the same document and its operations, security and examples as a
//! [`crate::model::Model`], or `None` when an error was reported.
//! Lint reads the spec and never changes it, and reports every problem it finds.
//!
//! The checks, each in its module:
//! - [`schema`]: `type` values (error), keywords a schema does not know (warning), named
//!   schemas defined in terms of themselves (error), integer defaults their Rust type
//!   cannot hold (warning), and `items` written as a list of schemas (a draft 4 tuple:
//!   warning; the model reads it through [`schema::model_view`]); its walk builds the located
//!   schemas of [`crate::model::schemas`];
//! - [`paths`]: path keys are URI paths with `{name}` templates (errors; a `#fragment` warns);
//! - [`servers`]: server URLs hold no undeclared `{variable}` and are absolute URLs or paths
//!   a URL may hold (errors);
//! - [`operations`]: parameter `in`, header and cookie names (RFC 9110 tokens), each
//!   parameter and response header declared once (headers case-insensitively), path template
//!   variables against `path` parameters, `required: true` on those, unique
//!   `operationId`s, and security requirements naming defined schemes (errors); media
//!   types (warnings);
//! - [`examples`]: examples against their schemas, and JSON text examples that do not parse
//!   (errors), and example properties the schema does not declare whose names look like
//!   typos of declared ones (warning); it makes the model's example nodes, each with its
//!   verdict;
//! - last, the document must fit the `openapiv3` model.
//!
//! [`sites`] finds the parts of the document the checks look at, among them the operations and
//! security as the typed, located [`crate::model`] that [`Checked`] hands to lowering;
//! [`grammar`] holds the small grammars of URIs, tokens and media types they apply; each check
//! reports through one [`Reporter`], which drops a diagnostic already given for the same place
//! (after upgrade and resolve, several places of the document can come from one place in a
//! file).
//!
//! Unknown keywords are warnings, not errors: JSON Schema ignores them, so the document means
//! something, only maybe not what its author meant (the help says what was likely meant).
//! That is what `rooms.additionalProperties` of the Matrix `/sync` spec shows: `joined`,
//! `invited` and `archived` were meant as properties, and as written leave the map's values
//! unconstrained. Use `--deny-warnings` to make them fail a build.

mod examples;
pub(crate) mod grammar;
mod operations;
mod paths;
pub(crate) mod schema;
mod servers;
mod sites;
pub(crate) mod suggest;

use std::collections::BTreeSet;

use crate::diagnostics::{codes, Diagnostic, Diagnostics, Location, Severity};
use crate::source::strip_pointer_prefix;
use crate::source::Spec;

use sites::Sites;

/// A spec that passed lint: lowering may rely on its shape without re-checking it.
#[derive(Debug, Clone)]
pub struct Checked {
    pub spec: Spec,
    pub api: openapiv3::OpenAPI,
    /// The operations, schemas, security and examples, typed and located, as lint found and
    /// checked them; an example lint found not to match its schema (reported as a warning) is
    /// marked so: code is still generated, but it is never used as test data.
    pub model: crate::model::Model,
}

/// Reports every problem found in `spec`; returns the checked model when there is no error.
pub fn lint(spec: Spec, diagnostics: &mut Diagnostics) -> Option<Checked> {
    let before = diagnostics.has_errors();
    let mut reporter = Reporter::new(diagnostics);
    let sites = Sites::find(&spec);
    let schemas = schema::check(&spec, &sites, &mut reporter);
    // Reading the document into `openapiv3` needs only the schema check's tuples and
    // reports nothing when it reads: it runs beside the other checks. A document that does
    // not read is read again afterwards, to report where, in the order it always was.
    // The model is read on this thread, the checks on another: the model is the larger, and
    // here it can reuse the memory the earlier passes freed (an allocator such as mimalloc
    // keeps a thread's freed memory for that thread).
    let (read, examples) = std::thread::scope(|scope| {
        let view = schema::model_view(&spec.document, &schemas.tuples);
        let (spec, sites, schemas, reporter) = (&spec, &sites, &schemas, &mut reporter);
        let checking = scope.spawn(move || {
            paths::check(spec, sites, reporter);
            servers::check(spec, sites, reporter);
            operations::check(spec, sites, reporter);
            examples::check(spec, sites, schemas, reporter)
        });
        let read = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(view.as_ref()).ok();
        (read, checking.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let api = match read {
        Some(api) => Some(api),
        None => deserialize(&spec, &schema::model_view(&spec.document, &schemas.tuples), &mut reporter),
    };
    if before || reporter.diagnostics.has_errors() {
        return None;
    }
    let model = crate::model::Model {
        path_items: sites.path_items,
        security: sites.security,
        examples,
        schemas: schemas.located,
    };
    api.map(|api| Checked { spec, api, model })
}

/// What a check running on a thread of its own finds, each diagnostic with the pointer it is
/// about, for [`Reporter::replay`] once the threads are joined, so the order is one thread's.
#[derive(Default)]
pub(crate) struct Deferred {
    found: Vec<(String, Diagnostic)>,
}

impl Deferred {
    /// As [`Reporter::report`], later.
    pub(crate) fn report(&mut self, pointer: &str, diagnostic: Diagnostic) {
        self.found.push((pointer.to_owned(), diagnostic));
    }

    pub(crate) fn extend(&mut self, other: Deferred) {
        self.found.extend(other.found);
    }
}

/// Pushes diagnostics once each, and remembers where errors were reported.
pub(crate) struct Reporter<'d> {
    diagnostics: &'d mut Diagnostics,
    seen: BTreeSet<(&'static str, String, Option<Location>)>,
    /// Document pointers errors were reported at.
    error_pointers: Vec<String>,
}

impl<'d> Reporter<'d> {
    fn new(diagnostics: &'d mut Diagnostics) -> Self {
        Self { diagnostics, seen: BTreeSet::new(), error_pointers: Vec::new() }
    }

    /// Reports `diagnostic` about the node at `pointer`, unless the same was reported at the
    /// same place (one file position can stand for several places of the document).
    pub(crate) fn report(&mut self, pointer: &str, diagnostic: Diagnostic) {
        if diagnostic.severity == Severity::Error {
            self.error_pointers.push(pointer.to_owned());
        }
        let key = (diagnostic.code, diagnostic.message.clone(), diagnostic.location.clone());
        if self.seen.insert(key) {
            self.diagnostics.push(diagnostic);
        }
    }

    /// Reports what a check found on another thread, in the order it found it.
    pub(crate) fn replay(&mut self, deferred: Deferred) {
        for (pointer, diagnostic) in deferred.found {
            self.report(&pointer, diagnostic);
        }
    }

    /// Whether an error was reported at or above `pointer`, or below it unless `pointer` is the
    /// whole document: `openapiv3` reports a value that fits none of the variants of an enum,
    /// or sits under flattened extensions, at the object holding it.
    fn reported_near(&self, pointer: &str) -> bool {
        let deep = !pointer.is_empty();
        self.error_pointers
            .iter()
            .any(|p| strip_pointer_prefix(pointer, p).is_some() || (deep && strip_pointer_prefix(p, pointer).is_some()))
    }
}

/// Reads the document into the `openapiv3` model, pointing at the value that does not fit.
/// A failure where a check already reported an error is that error seen again, and is not
/// reported twice.
/// `document` is the spec's, as the model reads it (`schema::model_view`).
fn deserialize(spec: &Spec, document: &serde_json::Value, reporter: &mut Reporter) -> Option<openapiv3::OpenAPI> {
    // Tracking the path of every field costs as much again as reading the document: it is
    // tracked only to report a document that does not read.
    if let Ok(api) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(document) {
        return Some(api);
    }
    let error = match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(document) {
        Ok(api) => return Some(api),
        Err(error) => error,
    };
    let pointer = path_to_pointer(error.path());
    let message = error.into_inner().to_string();
    let (pointer, message) = match pointer.as_str() {
        "/paths" => in_paths(document).unwrap_or((pointer, message)),
        _ => in_schema_data(document, &pointer).unwrap_or((pointer, message)),
    };
    if reporter.reported_near(&pointer) {
        return None;
    }
    reporter.report(
        &pointer,
        Diagnostic::error(codes::INVALID_SPEC, format!("invalid OpenAPI document: {message}"))
            .at(spec.value_location(&pointer))
            .label("does not fit the OpenAPI model here"),
    );
    None
}

/// Where (below `at`) and why `value` does not deserialize into `T`, or `None` if it does.
fn failure<T: serde::de::DeserializeOwned>(value: &serde_json::Value, at: &str) -> Option<(String, String)> {
    let error = serde_path_to_error::deserialize::<_, T>(value).err()?;
    let pointer = format!("{at}{}", path_to_pointer(error.path()));
    Some((pointer, error.into_inner().to_string()))
}

/// `openapiv3` flattens extensions into paths, path items and operations, which loses the
/// place of an error below them; this finds the innermost of path item, operation,
/// parameter, request body and response that fails on its own.
fn in_paths(document: &serde_json::Value) -> Option<(String, String)> {
    use openapiv3::{Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response};
    use serde_json::Value;
    let Some(Value::Object(paths)) = document.get("paths") else { return None };
    for (template, item) in paths.iter().filter(|(t, _)| !t.starts_with("x-")) {
        let item_at = crate::source::push_token("/paths", template);
        let Some(mut found) = failure::<ReferenceOr<PathItem>>(item, &item_at) else { continue };
        let parameters = |owner: &Value, at: &str| -> Option<(String, String)> {
            let Some(Value::Array(list)) = owner.get("parameters") else { return None };
            list.iter()
                .enumerate()
                .find_map(|(i, p)| failure::<ReferenceOr<Parameter>>(p, &format!("{at}/parameters/{i}")))
        };
        if let Some(inner) = parameters(item, &item_at) {
            return Some(inner);
        }
        for method in crate::spec::METHODS {
            let Some(operation) = item.get(method) else { continue };
            let op_at = crate::source::push_token(&item_at, method);
            let Some(op_failure) = failure::<Operation>(operation, &op_at) else { continue };
            found = op_failure;
            if let Some(inner) = parameters(operation, &op_at) {
                return Some(inner);
            }
            if let Some(body) = operation.get("requestBody") {
                if let Some(inner) = failure::<ReferenceOr<RequestBody>>(body, &format!("{op_at}/requestBody")) {
                    return Some(inner);
                }
            }
            if let Some(Value::Object(responses)) = operation.get("responses") {
                for (status, response) in responses.iter().filter(|(s, _)| !s.starts_with("x-")) {
                    let at = crate::source::push_token(&format!("{op_at}/responses"), status);
                    if let Some(inner) = failure::<ReferenceOr<Response>>(response, &at) {
                        return Some(inner);
                    }
                }
            }
            break;
        }
        return Some(found);
    }
    None
}

/// `openapiv3` flattens a schema's annotations (`discriminator`, `externalDocs`, `title`...)
/// into it, which loses the place of an error in one of them: this finds the annotation of the
/// object at `pointer` that fails on its own (Swagger 2.0's `discriminator: petType`, had upgrade
/// not made it OpenAPI 3.0's object, was reported at the schema's first line).
fn in_schema_data(document: &serde_json::Value, pointer: &str) -> Option<(String, String)> {
    use openapiv3::{Discriminator, ExternalDocumentation};
    let object = document.pointer(pointer)?.as_object()?;
    let at = |key: &str| crate::source::push_token(pointer, key);
    let value = |key: &str| object.get(key).filter(|_| !crate::spec::keys_are_names(pointer));
    if let Some(found) = value("discriminator").and_then(|v| failure::<Discriminator>(v, &at("discriminator"))) {
        return Some(found);
    }
    if let Some(found) = value("externalDocs").and_then(|v| failure::<ExternalDocumentation>(v, &at("externalDocs"))) {
        return Some(found);
    }
    for key in ["title", "description"] {
        if let Some(found) = value(key).and_then(|v| failure::<String>(v, &at(key))) {
            return Some(found);
        }
    }
    for key in ["nullable", "readOnly", "writeOnly", "deprecated"] {
        if let Some(found) = value(key).and_then(|v| failure::<bool>(v, &at(key))) {
            return Some(found);
        }
    }
    None
}

/// The fix of the object at `pointer` of the linted document, placed where that object is
/// written (the file and pointer it came from), for `lint --fix` ([`crate::fix`]).
pub(crate) fn fix_at(spec: &Spec, pointer: &str, edit: crate::diagnostics::Edit) -> Option<crate::diagnostics::Fix> {
    let (file, pointer) = spec.map.origin(pointer)?;
    Some(crate::diagnostics::Fix { file, pointer, edit })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer = crate::source::push_token(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
