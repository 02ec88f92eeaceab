//! Where things are in an OpenAPI 3.0 document: every path item and operation (the typed,
//! located [`crate::model`], with the security schemes and each operation's requirements),
//! parameter, header, media type and root schema, by JSON Pointer, found in one walk so each
//! check can iterate what it needs. Objects still holding a `$ref` (one resolve could not
//! follow) are skipped: resolve has reported them.

use serde_json::Value;

pub use crate::model::object;
use crate::model::security::Security;
use crate::model::{self, Level, Method, PathItem};
use crate::source::{push_token, Spec};

/// The parts of a document the checks look at: pointers, and the values there.
#[derive(Debug, Default)]
pub struct Sites<'a> {
    pub path_items: Vec<PathItem>,
    /// The security schemes and the document's requirements (each operation's are in
    /// [`model::Operation::security`]).
    pub security: Security,
    /// Parameter objects (path-level, operation-level and `components.parameters`).
    pub parameters: Vec<Site<'a>>,
    /// Header objects (of responses, of encodings, and `components.headers`).
    pub headers: Vec<Site<'a>>,
    /// Media type objects (the values of every `content`).
    pub media_types: Vec<Site<'a>>,
    /// Schemas that are not inside another schema.
    pub schemas: Vec<Site<'a>>,
}

/// From how many path items [`Sites::find`] works on two threads.
const PARALLEL_PATHS: usize = 64;

/// A part of the document: its pointer and its value (so no check looks it up again).
pub type Site<'a> = (String, &'a Value);

impl<'a> Sites<'a> {
    pub fn find(spec: &'a Spec) -> Sites<'a> {
        let document = &spec.document;
        let mut sites = Sites { security: Security::of(spec), ..Sites::default() };
        if let Some(Value::Object(paths)) = document.get("paths") {
            let items: Vec<(&String, &Value)> =
                paths.iter().filter(|(template, _)| !template.starts_with("x-")).collect();
            // The path items are independent: on a large spec each half is found on a thread
            // of its own, and the second half's sites joined after the first half's, in order.
            let security = &sites.security;
            let parts = crate::parallel::halves(&items, PARALLEL_PATHS);
            let found = crate::parallel::map_in_order(&parts, |part| {
                let mut found = Sites { security: security.clone(), ..Sites::default() };
                found.path_items(spec, part);
                found
            });
            for found in found {
                sites.path_items.extend(found.path_items);
                sites.parameters.extend(found.parameters);
                sites.headers.extend(found.headers);
                sites.media_types.extend(found.media_types);
                sites.schemas.extend(found.schemas);
            }
        }
        let Some(Value::Object(components)) = document.get("components") else { return sites };
        let each = |key: &str| -> Vec<(String, &'a Value)> {
            match components.get(key) {
                Some(Value::Object(map)) => {
                    map.iter().map(|(name, value)| (push_token(&format!("/components/{key}"), name), value)).collect()
                }
                _ => Vec::new(),
            }
        };
        sites.schemas.extend(each("schemas"));
        for (pointer, value) in each("parameters") {
            sites.parameter(value, pointer);
        }
        for (pointer, value) in each("headers") {
            sites.header(value, pointer);
        }
        for (pointer, value) in each("requestBodies") {
            sites.content(value, &pointer);
        }
        for (pointer, value) in each("responses") {
            sites.response(value, &pointer);
        }
        for (pointer, value) in each("callbacks") {
            sites.callback(spec, value, &pointer);
        }
        sites
    }

    fn path_items(&mut self, spec: &Spec, items: &[(&String, &'a Value)]) {
        for (template, item) in items {
            self.path_item(spec, item, &push_token("/paths", template), template, false);
        }
    }

    fn path_item(&mut self, spec: &Spec, item: &'a Value, pointer: &str, template: &str, callback: bool) {
        let Some(map) = object(item) else { return };
        self.parameter_list(map.get("parameters"), pointer);
        let parameters = model::declared_parameters(spec, map, pointer, Level::PathItem);
        let mut operations = Vec::new();
        for method in Method::ALL {
            let Some(operation) = map.get(method.as_str()).and_then(object) else { continue };
            let op_pointer = push_token(pointer, method.as_str());
            let mut found = model::operation(spec, operation, op_pointer.clone(), method, &parameters, callback);
            found.security = self.security.effective(spec, operation, &op_pointer);
            operations.push(found);
            self.parameter_list(operation.get("parameters"), &op_pointer);
            if let Some(body) = operation.get("requestBody") {
                self.content(body, &format!("{op_pointer}/requestBody"));
            }
            if let Some(Value::Object(responses)) = operation.get("responses") {
                for (status, response) in responses {
                    if !status.starts_with("x-") {
                        self.response(response, &push_token(&format!("{op_pointer}/responses"), status));
                    }
                }
            }
            if let Some(Value::Object(callbacks)) = operation.get("callbacks") {
                for (name, callback) in callbacks {
                    self.callback(spec, callback, &push_token(&format!("{op_pointer}/callbacks"), name));
                }
            }
        }
        self.path_items.push(PathItem {
            location: spec.key_location(pointer),
            pointer: pointer.to_owned(),
            template: template.to_owned(),
            callback,
            parameters,
            operations,
        });
    }

    fn callback(&mut self, spec: &Spec, callback: &'a Value, pointer: &str) {
        let Some(map) = object(callback) else { return };
        for (expression, item) in map {
            if !expression.starts_with("x-") {
                self.path_item(spec, item, &push_token(pointer, expression), expression, true);
            }
        }
    }

    fn parameter_list(&mut self, list: Option<&'a Value>, owner: &str) {
        if let Some(Value::Array(list)) = list {
            for (i, parameter) in list.iter().enumerate() {
                self.parameter(parameter, format!("{owner}/parameters/{i}"));
            }
        }
    }

    fn parameter(&mut self, parameter: &'a Value, pointer: String) {
        if object(parameter).is_none() {
            return;
        }
        self.schema_and_content(parameter, &pointer);
        self.parameters.push((pointer, parameter));
    }

    fn header(&mut self, header: &'a Value, pointer: String) {
        if object(header).is_none() {
            return;
        }
        self.schema_and_content(header, &pointer);
        self.headers.push((pointer, header));
    }

    fn schema_and_content(&mut self, value: &'a Value, pointer: &str) {
        if let Some(schema) = value.get("schema") {
            self.schemas.push((format!("{pointer}/schema"), schema));
        }
        self.content(value, pointer);
    }

    fn response(&mut self, response: &'a Value, pointer: &str) {
        let Some(map) = object(response) else { return };
        if let Some(Value::Object(headers)) = map.get("headers") {
            for (name, header) in headers {
                self.header(header, push_token(&format!("{pointer}/headers"), name));
            }
        }
        self.content(response, pointer);
    }

    /// The media types under `content` of the object at `pointer`.
    fn content(&mut self, owner: &'a Value, pointer: &str) {
        let Some(Value::Object(content)) = object(owner).and_then(|o| o.get("content")) else { return };
        for (mime, media) in content {
            let Some(media_map) = object(media) else { continue };
            let media_pointer = push_token(&format!("{pointer}/content"), mime);
            if let Some(schema) = media_map.get("schema") {
                self.schemas.push((format!("{media_pointer}/schema"), schema));
            }
            if let Some(Value::Object(encodings)) = media_map.get("encoding") {
                for (property, encoding) in encodings {
                    if let Some(Value::Object(headers)) = encoding.get("headers") {
                        let encoding_pointer = push_token(&format!("{media_pointer}/encoding"), property);
                        for (name, header) in headers {
                            self.header(header, push_token(&format!("{encoding_pointer}/headers"), name));
                        }
                    }
                }
            }
            self.media_types.push((media_pointer, media));
        }
    }
}
