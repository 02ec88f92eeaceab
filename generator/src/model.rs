//! The operations of the upgraded document as one typed tree whose nodes carry their JSON
//! Pointer and their location in the files: path items, operations, their parameters (after
//! the path item's are pushed down), request body and responses; the security schemes and
//! each operation's requirements ([`security`]); and every example with lint's verdict on it
//! ([`examples`]).
//!
//! Built once, in lint's one walk of the document ([`crate::lint`]'s sites; the examples as
//! lint's example check validates them), checked by lint and handed to lowering in
//! [`crate::lint::Checked::model`], so no later pass walks the operations again or rebuilds
//! their pointers. Each node can give the `openapiv3` value it
//! stands for (`typed`), which lowering reads for everything else.
//!
//! Objects still holding a `$ref` (one resolve could not follow) are left out: resolve has
//! reported them.
//!
//! The schemas are located nodes of their own, by pointer ([`schemas`]), built in lint's walk
//! over the schemas.

pub mod examples;
pub mod schemas;
pub mod security;

use serde_json::Value;

use crate::diagnostics::Location;
use crate::source::{push_token, Spec};

/// An HTTP method a path item may hold an operation for (OpenAPI 3.0 and Swagger 2.0 alike,
/// Swagger lacking only `trace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, in the order `openapiv3::PathItem::iter` gives them.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The method as a path item's key (`get`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// The operation of `item` for this method.
    pub fn of(self, item: &openapiv3::PathItem) -> Option<&openapiv3::Operation> {
        match self {
            Method::Get => item.get.as_ref(),
            Method::Put => item.put.as_ref(),
            Method::Post => item.post.as_ref(),
            Method::Delete => item.delete.as_ref(),
            Method::Options => item.options.as_ref(),
            Method::Head => item.head.as_ref(),
            Method::Patch => item.patch.as_ref(),
            Method::Trace => item.trace.as_ref(),
        }
    }
}

/// The operations of a document.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Every path item: those of `paths`, then those of callbacks, in the document's order.
    pub path_items: Vec<PathItem>,
    /// The security schemes and the document's requirements.
    pub security: security::Security,
    /// Every example lint checked, with its verdict.
    pub examples: examples::Examples,
    /// Every schema position, located, with what lowering reads beside the `openapiv3` model.
    pub schemas: schemas::Schemas,
}

impl Model {
    /// The operations of `paths` (not of callbacks), each with its path item, in the
    /// document's order.
    pub fn operations(&self) -> impl Iterator<Item = (&PathItem, &Operation)> {
        self.path_items
            .iter()
            .filter(|item| !item.callback)
            .flat_map(|item| item.operations.iter().map(move |operation| (item, operation)))
    }
}

/// A path item: its template (`/rooms/{id}`), and whether it describes a callback.
#[derive(Debug, Clone)]
pub struct PathItem {
    pub pointer: String,
    /// The location of its key.
    pub location: Option<Location>,
    pub template: String,
    pub callback: bool,
    /// The parameters declared by the path item itself.
    pub parameters: Vec<Parameter>,
    pub operations: Vec<Operation>,
}

impl PathItem {
    /// The `openapiv3` path item of `paths` this one is (`None` for a callback's).
    pub fn typed<'a>(&self, api: &'a openapiv3::OpenAPI) -> Option<&'a openapiv3::PathItem> {
        match api.paths.paths.get(&self.template) {
            Some(openapiv3::ReferenceOr::Item(item)) if !self.callback => Some(item),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub method: Method,
    pub pointer: String,
    /// The index of the root document it came from ([`Spec::operation_root`]); 0 for a
    /// callback's, which is its operation's.
    pub root: usize,
    /// The location of its key (the method).
    pub location: Option<Location>,
    pub operation_id: Option<String>,
    pub operation_id_location: Option<Location>,
    /// Its parameters, with those of its path item it does not override (by the same `name`
    /// and `in`) first, in the order declared.
    pub parameters: Vec<Parameter>,
    pub request_body: Option<Body>,
    /// Its responses by status key (`200`, `2XX`, `default`), in the document's order.
    pub responses: Vec<Response>,
    /// The security requirements it is under: its own `security`, else the document's
    /// ([`security`]); `None` when neither has one.
    pub security: Option<std::sync::Arc<security::Requirements>>,
}

impl Operation {
    /// The response of status key `status` as `openapiv3` writes it (`2XX`): a range may be
    /// written in either case.
    pub fn response(&self, status: &str) -> Option<&Response> {
        self.responses.iter().find(|response| response.status.eq_ignore_ascii_case(status))
    }
}

/// Where a parameter is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    PathItem,
    Operation,
}

/// A parameter with a string `name` and `in` (one without does not fit the model, and
/// reading the document into `openapiv3` says so).
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    /// Its `in`.
    pub place: String,
    pub pointer: String,
    /// The location of its `name` value.
    pub location: Option<Location>,
    pub level: Level,
    /// Its index in the `parameters` of its level.
    pub index: usize,
}

impl Parameter {
    /// The `openapiv3` parameter this one is, given its path item's and operation's.
    pub fn typed<'a>(
        &self,
        item: &'a openapiv3::PathItem,
        operation: &'a openapiv3::Operation,
    ) -> Option<&'a openapiv3::ReferenceOr<openapiv3::Parameter>> {
        match self.level {
            Level::PathItem => item.parameters.get(self.index),
            Level::Operation => operation.parameters.get(self.index),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    /// The key under `responses`.
    pub status: String,
    pub pointer: String,
    /// The location of its key.
    pub location: Option<Location>,
    pub content: Vec<Media>,
    /// Its `headers`, `$ref`s among them, in the document's order.
    pub headers: Vec<Header>,
}

/// An entry of a response's `headers`.
#[derive(Debug, Clone)]
pub struct Header {
    /// Its key, the header's name.
    pub name: String,
    pub pointer: String,
    /// The location of its key.
    pub location: Option<Location>,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    pub pointer: String,
    /// The location of its key.
    pub location: Option<Location>,
    pub content: Vec<Media>,
}

/// A media type object: an entry of a `content`.
#[derive(Debug, Clone)]
pub struct Media {
    /// Its key (`application/json`).
    pub mime: String,
    pub pointer: String,
    /// The location of its key.
    pub location: Option<Location>,
    /// Its `encoding` entries (a form body's), in the document's order.
    pub encoding: Vec<Encoding>,
}

/// An entry of a media type's `encoding`: how one property of a form body is sent.
#[derive(Debug, Clone)]
pub struct Encoding {
    /// Its key, the property it is about.
    pub property: String,
    pub pointer: String,
    /// The location of its key.
    pub location: Option<Location>,
    /// Whether `explode` is written: `openapiv3` fills in its default, so its model cannot
    /// tell an `explode: false` the default gives from one the spec writes.
    pub explode_written: bool,
}

/// The media types under `content` of `owner`, at `pointer`.
fn content(spec: &Spec, owner: &Value, pointer: &str) -> Vec<Media> {
    let Some(Value::Object(content)) = object(owner).and_then(|o| o.get("content")) else { return Vec::new() };
    content
        .iter()
        .filter_map(|(mime, media)| Some((mime, object(media)?)))
        .map(|(mime, media)| {
            let pointer = push_token(&format!("{pointer}/content"), mime);
            let mut encoding = Vec::new();
            if let Some(Value::Object(entries)) = media.get("encoding") {
                for (property, entry) in entries {
                    let at = push_token(&format!("{pointer}/encoding"), property);
                    encoding.push(Encoding {
                        property: property.clone(),
                        location: spec.key_location(&at),
                        explode_written: object(entry).is_some_and(|entry| entry.contains_key("explode")),
                        pointer: at,
                    });
                }
            }
            Media { mime: mime.clone(), location: spec.key_location(&pointer), pointer, encoding }
        })
        .collect()
}

/// The map of an object that is not an unresolved `$ref`.
pub fn object(value: &Value) -> Option<&serde_json::Map<String, Value>> {
    value.as_object().filter(|map| !map.contains_key("$ref"))
}

/// The parameters of the object at `owner` that have a string `name` and `in`.
pub fn declared_parameters(
    spec: &Spec,
    owner: &serde_json::Map<String, Value>,
    pointer: &str,
    level: Level,
) -> Vec<Parameter> {
    let Some(Value::Array(list)) = owner.get("parameters") else { return Vec::new() };
    list.iter()
        .enumerate()
        .filter_map(|(index, parameter)| {
            let parameter = object(parameter)?;
            let name = parameter.get("name").and_then(Value::as_str)?;
            let place = parameter.get("in").and_then(Value::as_str)?;
            let pointer = format!("{pointer}/parameters/{index}");
            Some(Parameter {
                name: name.to_owned(),
                place: place.to_owned(),
                location: spec.value_location(&format!("{pointer}/name")),
                pointer,
                level,
                index,
            })
        })
        .collect()
}

/// The operation of `method` at `pointer`, whose path item declares `shared` (and is a
/// callback's when `callback`).
pub fn operation(
    spec: &Spec,
    operation: &serde_json::Map<String, Value>,
    pointer: String,
    method: Method,
    shared: &[Parameter],
    callback: bool,
) -> Operation {
    let own = declared_parameters(spec, operation, &pointer, Level::Operation);
    let mut parameters: Vec<Parameter> =
        shared.iter().filter(|s| !own.iter().any(|o| o.name == s.name && o.place == s.place)).cloned().collect();
    parameters.extend(own);
    let id_at = format!("{pointer}/operationId");
    let operation_id = operation.get("operationId").and_then(Value::as_str).map(str::to_owned);
    let operation_id_location = operation_id.as_ref().and_then(|_| spec.value_location(&id_at));
    let request_body = operation.get("requestBody").map(|body| {
        let at = format!("{pointer}/requestBody");
        Body { location: spec.key_location(&at), content: content(spec, body, &at), pointer: at }
    });
    let mut responses = Vec::new();
    if let Some(Value::Object(map)) = operation.get("responses") {
        for (status, response) in map.iter().filter(|(status, _)| !status.starts_with("x-")) {
            let at = push_token(&format!("{pointer}/responses"), status);
            let mut headers = Vec::new();
            if let Some(Value::Object(map)) = object(response).and_then(|r| r.get("headers")) {
                for name in map.keys() {
                    let pointer = push_token(&format!("{at}/headers"), name);
                    headers.push(Header { name: name.clone(), location: spec.key_location(&pointer), pointer });
                }
            }
            responses.push(Response {
                status: status.clone(),
                location: spec.key_location(&at),
                content: content(spec, response, &at),
                headers,
                pointer: at,
            });
        }
    }
    Operation {
        method,
        root: if callback { 0 } else { spec.operation_root(&pointer) },
        location: spec.key_location(&pointer),
        pointer,
        operation_id,
        operation_id_location,
        parameters,
        request_body,
        responses,
        security: None,
    }
}

/// The model of the spec `yaml` ([`crate::checked_spec`]), for the tests of the model's parts.
#[cfg(test)]
pub(crate) fn of_spec(name: &str, yaml: &str) -> Model {
    let (checked, _, path) = crate::checked_spec(&format!("model-{name}"), yaml);
    let _ = std::fs::remove_dir_all(path.with_file_name(""));
    checked.model
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str, yaml: &str) -> crate::model::Model {
        crate::model::of_spec(&format!("operations-{name}"), yaml)
    }

    #[test]
    fn operations_carry_pushed_down_parameters_pointers_and_locations() {
        let model = model(
            "push-down",
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /rooms/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: limit, in: query, schema: {type: integer}}
    post:
      operationId: create
      parameters:
        - {name: limit, in: query, schema: {type: string}}
      requestBody:
        content: {text/plain: {schema: {type: string}}}
      responses:
        default: {description: no}
        '200': {description: ok}
    get:
      responses:
        '204': {description: none}
",
        );
        let operations: Vec<_> = model.operations().collect();
        // In `openapiv3`'s order of methods, not the file's.
        let methods: Vec<Method> = operations.iter().map(|(_, op)| op.method).collect();
        assert_eq!(methods, [Method::Get, Method::Post]);
        let (item, post) = operations[1];
        assert_eq!(item.template, "/rooms/{id}");
        assert_eq!(item.location.as_ref().map(|l| l.line), Some(4));
        assert_eq!(post.pointer, "/paths/~1rooms~1{id}/post");
        assert_eq!(post.location.as_ref().map(|l| (l.line, l.column)), Some((8, 5)));
        assert_eq!(post.operation_id.as_deref(), Some("create"));
        assert_eq!(post.operation_id_location.as_ref().map(|l| (l.line, l.column)), Some((9, 20)));
        // The path item's `limit` is overridden by the operation's; `id` is pushed down.
        let parameters: Vec<(&str, &str, Level, usize)> =
            post.parameters.iter().map(|p| (p.name.as_str(), p.pointer.as_str(), p.level, p.index)).collect();
        assert_eq!(
            parameters,
            [
                ("id", "/paths/~1rooms~1{id}/parameters/0", Level::PathItem, 0),
                ("limit", "/paths/~1rooms~1{id}/post/parameters/0", Level::Operation, 0),
            ]
        );
        assert_eq!(post.parameters[1].location.as_ref().map(|l| l.line), Some(11));
        assert_eq!(
            post.request_body.as_ref().map(|b| b.pointer.as_str()),
            Some("/paths/~1rooms~1{id}/post/requestBody")
        );
        let statuses: Vec<&str> = post.responses.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(statuses, ["default", "200"]);
        assert_eq!(post.response("200").and_then(|r| r.location.as_ref()).map(|l| l.line), Some(16));
        let get = operations[0].1;
        assert_eq!(get.parameters.len(), 2);
        assert!(get.request_body.is_none());
    }

    #[test]
    fn the_method_list_is_the_one_of_spec() {
        let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(names, crate::spec::METHODS);
    }
}
