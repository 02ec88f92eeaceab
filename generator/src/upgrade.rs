//! Upgrade: brings a Swagger 2.0 document to the OpenAPI 3.0 shape that `openapiv3` models.
//!
//! In: a [`Bundle`]. Out: a [`Spec`], an OpenAPI 3.0 document as JSON plus a source map, so
//! later stages point at the original Swagger file. An OpenAPI 3.0 document passes through;
//! an OpenAPI 3.1 document has its schemas written the 3.0 way (`upgrade/openapi31.rs`);
//! any other version is an error. The upgrade moves values and never judges them: a schema
//! with mistakes arrives unchanged for lint to report.
//!
//! `host`/`basePath`/`schemes` become `servers`; typed parameters get a `schema`; `in: body`
//! and `in: formData` parameters become a `requestBody`; a response's `schema` and
//! `examples` become `content`; `securityDefinitions` become `components.securitySchemes`;
//! vendor extensions (`x-example`) are kept. Every version gets one normalisation: an example
//! for a JSON media type written as a string holding JSON text is read as that JSON, with
//! positions inside the string kept for diagnostics.

use serde_json::{json, Map, Value};

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::load;
use crate::resolve::Bundle;
use crate::source::{push_token, SourceMap, Sources};

mod openapi31;

/// An OpenAPI 3.0 document as JSON, with the way back to the files it came from.
#[derive(Debug, Clone)]
pub struct Spec {
    pub document: Value,
    pub sources: Sources,
    pub map: SourceMap,
    /// The version the input declared (`2.0`, `3.0.3`, ...).
    pub source_version: String,
}

impl Spec {
    /// Location of the value at a pointer of [`Spec::document`], in the file it came from.
    pub fn value_location(&self, pointer: &str) -> Option<crate::diagnostics::Location> {
        self.map.value_location(&self.sources, pointer)
    }

    /// Location of the key naming the node at a pointer of [`Spec::document`].
    pub fn key_location(&self, pointer: &str) -> Option<crate::diagnostics::Location> {
        self.map.key_location(&self.sources, pointer)
    }
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Upgrades the bundle, or reports why its version cannot be read.
pub fn upgrade(bundle: Bundle, diagnostics: &mut Diagnostics) -> Option<Spec> {
    let doc = &bundle.document;
    let version_error = |message: String, pointer: &str, help: &str| {
        Diagnostic::error(codes::VERSION, message)
            .at(bundle.value_location(pointer))
            .label("unknown version")
            .help(help)
    };
    if let Some(version) = doc.get("swagger") {
        if version.as_str() != Some("2.0") {
            diagnostics.push(version_error(
                format!("invalid `swagger` version `{}`", plain(version)),
                "/swagger",
                "Swagger documents declare `swagger: '2.0'` (a string)",
            ));
            return None;
        }
        let mut up = Upgrader { old: doc, moves: SourceMap::default() };
        let document = up.document();
        let map = up.moves.through(&bundle.map);
        let mut spec = Spec { document, sources: bundle.sources.clone(), map, source_version: "2.0".into() };
        rewrite_refs(&mut spec.document, false);
        normalize_examples(&mut spec);
        return Some(spec);
    }
    match doc.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => {
            let mut spec = Spec {
                document: doc.clone(),
                sources: bundle.sources.clone(),
                map: bundle.map.clone(),
                source_version: v.clone(),
            };
            normalize_examples(&mut spec);
            Some(spec)
        }
        Some(Value::String(v)) if v.starts_with("3.1.") || v == "3.1" => {
            let mut spec = Spec {
                document: doc.clone(),
                sources: bundle.sources.clone(),
                map: bundle.map.clone(),
                source_version: v.clone(),
            };
            openapi31::downgrade(&mut spec.document, &mut spec.map);
            normalize_examples(&mut spec);
            Some(spec)
        }
        Some(Value::String(v)) if v.starts_with("3.") => {
            diagnostics.push(
                Diagnostic::error(codes::VERSION, format!("OpenAPI `{v}` is not supported yet"))
                    .at(bundle.value_location("/openapi"))
                    .label("newer than this generator")
                    .help("this generator reads Swagger 2.0 and OpenAPI 3.0.x and 3.1.x"),
            );
            None
        }
        Some(v) => {
            diagnostics.push(version_error(
                format!("invalid `openapi` version `{}`", plain(v)),
                "/openapi",
                "OpenAPI 3.0 documents declare `openapi: 3.0.3` (a string)",
            ));
            None
        }
        None => {
            diagnostics.push(
                Diagnostic::error(codes::VERSION, "the document declares neither `swagger` nor `openapi`")
                    .at(bundle.value_location(""))
                    .label("expected `swagger: '2.0'` or `openapi: 3.0.x` here")
                    .help("add `swagger: '2.0'` or `openapi: 3.0.3` at the top of the document"),
            );
            None
        }
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct Upgrader<'a> {
    old: &'a Value,
    /// New pointer → old pointer (the file id is unused: the old document is one document).
    moves: SourceMap,
}

impl Upgrader<'_> {
    /// Records that the value now at `new` was at `old`, and returns a copy of it.
    fn mv(&mut self, new: &str, old: &str) -> Value {
        self.moves.mount(new, 0, old);
        self.old.pointer(old).cloned().unwrap_or(Value::Null)
    }

    fn document(&mut self) -> Value {
        let old = self.old;
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        self.moves.mount("/openapi", 0, "/swagger");
        self.moves.mount("", 0, "");
        for key in ["info", "tags", "externalDocs", "security"] {
            if old.get(key).is_some() {
                out.insert(key.into(), self.mv(&format!("/{key}"), &format!("/{key}")));
            }
        }
        copy_extensions(old, &mut out);
        out.insert("servers".into(), servers(old));
        let consumes = media_types(old.get("consumes"));
        let produces = media_types(old.get("produces"));
        let mut paths = Map::new();
        if let Some(Value::Object(old_paths)) = old.get("paths") {
            for (path, item) in old_paths {
                let old_p = push_token("/paths", path);
                paths.insert(path.clone(), self.path_item(item, &old_p, &old_p, &consumes, &produces));
            }
        }
        out.insert("paths".into(), Value::Object(paths));
        out.insert("components".into(), self.components(&produces));
        Value::Object(out)
    }

    fn path_item(&mut self, item: &Value, old_p: &str, new_p: &str, consumes: &[String], produces: &[String]) -> Value {
        let Value::Object(item_map) = item else { return item.clone() };
        let mut out = Map::new();
        let shared: Vec<(usize, &Value)> = match item.get("parameters") {
            Some(Value::Array(list)) => list.iter().enumerate().collect(),
            _ => Vec::new(),
        };
        for (key, value) in item_map {
            if METHODS.contains(&key.as_str()) {
                let op_old = push_token(old_p, key);
                let op_new = push_token(new_p, key);
                out.insert(key.clone(), self.operation(value, &op_old, &op_new, &shared, old_p, consumes, produces));
            } else if key != "parameters" {
                out.insert(key.clone(), self.mv(&push_token(new_p, key), &push_token(old_p, key)));
            }
        }
        Value::Object(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        op: &Value,
        old_p: &str,
        new_p: &str,
        shared: &[(usize, &Value)],
        item_old: &str,
        consumes: &[String],
        produces: &[String],
    ) -> Value {
        let Value::Object(op_map) = op else { return op.clone() };
        self.moves.mount(new_p, 0, old_p);
        let mut out = Map::new();
        for (key, _) in op_map {
            if matches!(
                key.as_str(),
                "tags"
                    | "summary"
                    | "description"
                    | "externalDocs"
                    | "operationId"
                    | "deprecated"
                    | "security"
                    | "callbacks"
            ) || key.starts_with("x-")
            {
                out.insert(key.clone(), self.mv(&push_token(new_p, key), &push_token(old_p, key)));
            }
        }
        let consumes = op.get("consumes").map(|c| media_types(Some(c))).unwrap_or_else(|| consumes.to_vec());
        let produces = op.get("produces").map(|c| media_types(Some(c))).unwrap_or_else(|| produces.to_vec());

        // Operation parameters override path-level ones with the same name and location.
        let own: Vec<(usize, &Value)> = match op.get("parameters") {
            Some(Value::Array(list)) => list.iter().enumerate().collect(),
            _ => Vec::new(),
        };
        let key_of = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
        let mut all: Vec<(String, &Value)> = shared
            .iter()
            .filter(|(_, p)| !own.iter().any(|(_, o)| key_of(o) == key_of(p)))
            .map(|(i, p)| (format!("{item_old}/parameters/{i}"), *p))
            .collect();
        all.extend(own.iter().map(|(i, p)| (format!("{old_p}/parameters/{i}"), *p)));

        let mut parameters = Vec::new();
        let mut form = Vec::new();
        for (param_old, param) in all {
            match param.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let body_new = format!("{new_p}/requestBody");
                    out.insert("requestBody".into(), self.body(param, &param_old, &body_new, &consumes));
                }
                Some("formData") => form.push((param_old, param)),
                _ => {
                    let param_new = format!("{new_p}/parameters/{}", parameters.len());
                    parameters.push(self.parameter(param, &param_old, &param_new));
                }
            }
        }
        if !parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(parameters));
        }
        if !form.is_empty() {
            out.insert("requestBody".into(), self.form_body(&form, &format!("{new_p}/requestBody"), &consumes));
        }
        if let Some(Value::Object(responses)) = op.get("responses") {
            let mut new_responses = Map::new();
            self.moves.mount(&format!("{new_p}/responses"), 0, &format!("{old_p}/responses"));
            for (code, response) in responses {
                let r_old = push_token(&format!("{old_p}/responses"), code);
                let r_new = push_token(&format!("{new_p}/responses"), code);
                let value = if code.starts_with("x-") {
                    self.mv(&r_new, &r_old)
                } else {
                    self.response(response, &r_old, &r_new, &produces)
                };
                new_responses.insert(code.clone(), value);
            }
            out.insert("responses".into(), Value::Object(new_responses));
        }
        Value::Object(out)
    }

    /// A non-body parameter: the type keywords move into `schema`.
    fn parameter(&mut self, param: &Value, old_p: &str, new_p: &str) -> Value {
        let Value::Object(map) = param else { return param.clone() };
        self.moves.mount(new_p, 0, old_p);
        let mut out = Map::new();
        let mut schema = Map::new();
        for (key, value) in map {
            let old_k = push_token(old_p, key);
            match key.as_str() {
                "name" | "in" | "description" | "required" | "deprecated" | "allowEmptyValue" => {
                    out.insert(key.clone(), self.mv(&push_token(new_p, key), &old_k));
                }
                "collectionFormat" => {
                    let (style, explode) = match value.as_str() {
                        Some("multi") => ("form", true),
                        Some("ssv") => ("spaceDelimited", false),
                        Some("pipes") => ("pipeDelimited", false),
                        _ => (
                            if map.get("in").and_then(Value::as_str) == Some("query") { "form" } else { "simple" },
                            false,
                        ),
                    };
                    out.insert("style".into(), json!(style));
                    out.insert("explode".into(), json!(explode));
                    self.moves.mount(&format!("{new_p}/style"), 0, &old_k);
                    self.moves.mount(&format!("{new_p}/explode"), 0, &old_k);
                }
                "x-example" => {
                    out.insert("example".into(), self.mv(&format!("{new_p}/example"), &old_k));
                    out.insert(key.clone(), self.mv(&push_token(new_p, key), &old_k));
                }
                "schema" => {
                    // Not valid for a non-body parameter in Swagger 2.0, but kept for lint to see.
                    out.insert(key.clone(), self.mv(&push_token(new_p, key), &old_k));
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), self.mv(&push_token(new_p, key), &old_k));
                }
                _ => {
                    schema.insert(key.clone(), self.mv(&push_token(&format!("{new_p}/schema"), key), &old_k));
                }
            }
        }
        if !schema.is_empty() && !out.contains_key("schema") {
            self.moves.mount(&format!("{new_p}/schema"), 0, old_p);
            out.insert("schema".into(), Value::Object(schema));
        }
        Value::Object(out)
    }

    fn body(&mut self, param: &Value, old_p: &str, new_p: &str, consumes: &[String]) -> Value {
        self.moves.mount(new_p, 0, old_p);
        let mut out = Map::new();
        for key in ["description", "required"] {
            if param.get(key).is_some() {
                out.insert(key.into(), self.mv(&format!("{new_p}/{key}"), &format!("{old_p}/{key}")));
            }
        }
        copy_extensions(param, &mut out);
        let mut content = Map::new();
        for mime in consumes {
            let media_new = format!("{new_p}/content/{}", crate::source::escape_token(mime));
            let mut media = Map::new();
            media.insert("schema".into(), self.mv(&format!("{media_new}/schema"), &format!("{old_p}/schema")));
            if param.get("x-example").is_some() {
                media.insert("example".into(), self.mv(&format!("{media_new}/example"), &format!("{old_p}/x-example")));
            }
            content.insert(mime.clone(), Value::Object(media));
        }
        out.insert("content".into(), Value::Object(content));
        Value::Object(out)
    }

    fn form_body(&mut self, form: &[(String, &Value)], new_p: &str, consumes: &[String]) -> Value {
        let has_file = form.iter().any(|(_, p)| p.get("type").and_then(Value::as_str) == Some("file"));
        let mime = if has_file || consumes.iter().any(|c| c == "multipart/form-data") {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let schema_new = format!("{new_p}/content/{}/schema", crate::source::escape_token(mime));
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (old_p, param) in form {
            let name = param.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            if param.get("required") == Some(&Value::Bool(true)) {
                required.push(Value::String(name.clone()));
            }
            let prop_new = push_token(&format!("{schema_new}/properties"), &name);
            self.moves.mount(&prop_new, 0, old_p);
            let mut prop = Map::new();
            if let Value::Object(map) = param {
                for (key, value) in map {
                    if !matches!(key.as_str(), "name" | "in" | "required" | "collectionFormat" | "allowEmptyValue") {
                        let value = if key == "type" && value == "file" { json!("string") } else { value.clone() };
                        prop.insert(key.clone(), value);
                        if key == "type" && param.get("type") == Some(&json!("file")) {
                            prop.insert("format".into(), json!("binary"));
                        }
                    }
                }
            }
            properties.insert(name, Value::Object(prop));
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        json!({ "content": { mime: { "schema": Value::Object(schema) } } })
    }

    fn response(&mut self, response: &Value, old_p: &str, new_p: &str, produces: &[String]) -> Value {
        let Value::Object(map) = response else { return response.clone() };
        self.moves.mount(new_p, 0, old_p);
        let mut out = Map::new();
        out.insert(
            "description".into(),
            if map.contains_key("description") {
                self.mv(&format!("{new_p}/description"), &format!("{old_p}/description"))
            } else {
                json!("")
            },
        );
        copy_extensions(response, &mut out);
        if let Some(Value::Object(headers)) = map.get("headers") {
            let mut new_headers = Map::new();
            for (name, header) in headers {
                let h_old = push_token(&format!("{old_p}/headers"), name);
                let h_new = push_token(&format!("{new_p}/headers"), name);
                let mut h = self.parameter(header, &h_old, &h_new);
                if let Value::Object(h) = &mut h {
                    h.remove("name");
                    h.remove("in");
                }
                new_headers.insert(name.clone(), h);
            }
            out.insert("headers".into(), Value::Object(new_headers));
        }
        let mut content = Map::new();
        if map.contains_key("schema") {
            let mimes = if produces.is_empty() { vec!["application/json".to_owned()] } else { produces.to_vec() };
            for mime in mimes {
                let media_new = format!("{new_p}/content/{}", crate::source::escape_token(&mime));
                let schema = self.mv(&format!("{media_new}/schema"), &format!("{old_p}/schema"));
                content.insert(mime, json!({ "schema": schema }));
            }
        }
        if let Some(Value::Object(examples)) = map.get("examples") {
            for (mime, _) in examples {
                let media_new = format!("{new_p}/content/{}", crate::source::escape_token(mime));
                let example = self.mv(&format!("{media_new}/example"), &push_token(&format!("{old_p}/examples"), mime));
                let entry = content.entry(mime.clone()).or_insert_with(|| json!({}));
                if let Value::Object(entry) = entry {
                    entry.insert("example".into(), example);
                }
            }
        }
        if !content.is_empty() {
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    fn components(&mut self, produces: &[String]) -> Value {
        let old = self.old;
        let mut out = Map::new();
        if old.get("definitions").is_some() {
            out.insert("schemas".into(), self.mv("/components/schemas", "/definitions"));
        }
        if let Some(Value::Object(params)) = old.get("parameters") {
            let mut new_params = Map::new();
            for (name, param) in params {
                if param.get("in").and_then(Value::as_str) == Some("body") {
                    continue;
                }
                let p_old = push_token("/parameters", name);
                let p_new = push_token("/components/parameters", name);
                new_params.insert(name.clone(), self.parameter(param, &p_old, &p_new));
            }
            out.insert("parameters".into(), Value::Object(new_params));
        }
        if let Some(Value::Object(responses)) = old.get("responses") {
            let mut new_responses = Map::new();
            for (name, response) in responses {
                let r_old = push_token("/responses", name);
                let r_new = push_token("/components/responses", name);
                new_responses.insert(name.clone(), self.response(response, &r_old, &r_new, produces));
            }
            out.insert("responses".into(), Value::Object(new_responses));
        }
        if let Some(Value::Object(schemes)) = old.get("securityDefinitions") {
            let mut new_schemes = Map::new();
            for (name, scheme) in schemes {
                let s_old = push_token("/securityDefinitions", name);
                let s_new = push_token("/components/securitySchemes", name);
                self.moves.mount(&s_new, 0, &s_old);
                new_schemes.insert(name.clone(), security_scheme(scheme));
            }
            out.insert("securitySchemes".into(), Value::Object(new_schemes));
        }
        Value::Object(out)
    }
}

fn security_scheme(scheme: &Value) -> Value {
    let get = |k: &str| scheme.get(k).cloned().unwrap_or(Value::Null);
    let mut out = match scheme.get("type").and_then(Value::as_str) {
        Some("basic") => json!({ "type": "http", "scheme": "basic" }),
        Some("apiKey") => json!({ "type": "apiKey", "name": get("name"), "in": get("in") }),
        Some("oauth2") => {
            let scopes = scheme.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let flow = match scheme.get("flow").and_then(Value::as_str) {
                Some("implicit") => {
                    json!({ "implicit": { "authorizationUrl": get("authorizationUrl"), "scopes": scopes } })
                }
                Some("password") => json!({ "password": { "tokenUrl": get("tokenUrl"), "scopes": scopes } }),
                Some("application") => {
                    json!({ "clientCredentials": { "tokenUrl": get("tokenUrl"), "scopes": scopes } })
                }
                _ => {
                    json!({ "authorizationCode": { "authorizationUrl": get("authorizationUrl"), "tokenUrl": get("tokenUrl"), "scopes": scopes } })
                }
            };
            json!({ "type": "oauth2", "flows": flow })
        }
        _ => scheme.clone(),
    };
    if let (Some(description), Value::Object(map)) = (scheme.get("description"), &mut out) {
        map.insert("description".into(), description.clone());
    }
    if let (Value::Object(from), Value::Object(to)) = (scheme, &mut out) {
        for (k, v) in from {
            if k.starts_with("x-") {
                to.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

fn copy_extensions(from: &Value, to: &mut Map<String, Value>) {
    if let Value::Object(map) = from {
        for (key, value) in map {
            if key.starts_with("x-") {
                to.insert(key.clone(), value.clone());
            }
        }
    }
}

fn media_types(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => vec!["application/json".to_owned()],
    }
}

fn servers(old: &Value) -> Value {
    let base = old.get("basePath").and_then(Value::as_str).unwrap_or("");
    match old.get("host").and_then(Value::as_str) {
        Some(host) => {
            let schemes: Vec<&str> = match old.get("schemes") {
                Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
                _ => vec!["https"],
            };
            Value::Array(schemes.iter().map(|s| json!({ "url": format!("{s}://{host}{base}") })).collect())
        }
        None => json!([{ "url": if base.is_empty() { "/" } else { base } }]),
    }
}

/// `#/definitions/X` becomes `#/components/schemas/X` everywhere, and Swagger's
/// `type: file` (a response that is a file) becomes OpenAPI 3.0's binary string.
fn rewrite_refs(value: &mut Value, in_properties: bool) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some(rest) = r.strip_prefix("#/definitions/") {
                    *r = format!("#/components/schemas/{rest}");
                }
            }
            if map.get("type").and_then(Value::as_str) == Some("file") {
                map.insert("type".into(), json!("string"));
                map.insert("format".into(), json!("binary"));
            }
            // Examples and defaults are data, not spec: they are never rewritten.
            // (Under `properties` the keys are property names, which may be called `example`.)
            for (key, child) in map.iter_mut() {
                let data = matches!(key.as_str(), "example" | "examples" | "x-example" | "default" | "enum");
                if in_properties || !data {
                    rewrite_refs(child, !in_properties && key == "properties");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, false)),
        _ => {}
    }
}

fn is_json_media(mime: &str) -> bool {
    let essence = mime.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Reads JSON text written as a string example of a JSON media type as JSON.
fn normalize_examples(spec: &mut Spec) {
    let mut pointers = Vec::new();
    collect_string_examples(&spec.document, "", &mut pointers);
    for pointer in pointers {
        let Some((file, origin)) = spec.map.origin(&pointer) else { continue };
        let Some((value, spans)) = load::parse_embedded_json(spec.sources.get(file), &origin) else { continue };
        if !(value.is_object() || value.is_array()) {
            continue;
        }
        spec.sources.get_mut(file).spans.extend(spans);
        if let Some(slot) = spec.document.pointer_mut(&pointer) {
            *slot = value;
        }
    }
}

fn collect_string_examples(value: &Value, pointer: &str, out: &mut Vec<String>) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                collect_string_examples(item, &format!("{pointer}/{i}"), out);
            }
        }
        return;
    };
    if let Some(Value::Object(content)) = map.get("content") {
        for (mime, media) in content {
            if is_json_media(mime) && media.get("example").is_some_and(Value::is_string) {
                out.push(format!("{}/example", push_token(&format!("{pointer}/content"), mime)));
            }
        }
    }
    for (key, child) in map {
        collect_string_examples(child, &push_token(pointer, key), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upgraded(yaml: &str) -> Spec {
        let dir = std::env::temp_dir().join(format!("upgrade-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("spec.yaml");
        std::fs::write(&path, yaml).unwrap();
        let mut diagnostics = Diagnostics::default();
        let root = load::load_file(&path, "spec.yaml").unwrap();
        let bundle = crate::resolve::resolve(root, &dir, &mut diagnostics);
        upgrade(bundle, &mut diagnostics).unwrap()
    }

    #[test]
    fn swagger_parts_move_and_keep_their_positions() {
        let spec = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: h\nbasePath: /b\npaths:\n  /x:\n    get:\n      parameters:\n        - in: query\n          name: n\n          type: integer\n          x-example: 3\n      responses:\n        200:\n          description: ok\n          schema:\n            type: string.\n          examples:\n            application/json: |-\n              {\n                \"a\": 1\n              }\n",
        );
        let d = &spec.document;
        assert_eq!(d["servers"][0]["url"], "https://h/b");
        assert_eq!(d["paths"]["/x"]["get"]["parameters"][0]["schema"]["type"], "integer");
        assert_eq!(d["paths"]["/x"]["get"]["parameters"][0]["example"], 3);
        let media = "/paths/~1x/get/responses/200/content/application~1json";
        assert_eq!(d.pointer(&format!("{media}/example/a")), Some(&json!(1)));
        let loc = spec.value_location(&format!("{media}/schema/type")).unwrap();
        assert_eq!((loc.line, loc.column), (17, 19));
        let loc = spec.key_location(&format!("{media}/example/a")).unwrap();
        assert_eq!((loc.line, loc.column), (21, 17));
        let loc = spec.value_location("/paths/~1x/get/parameters/0/schema/type").unwrap();
        assert_eq!(loc.line, 11);
    }
}
