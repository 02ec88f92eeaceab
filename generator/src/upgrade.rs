//! Upgrade: brings a Swagger 2.0 document to the OpenAPI 3.0 shape that `openapiv3` models.
//!
//! In: a [`Spec`] as resolve and overlays left it. Out: the [`Spec`] as an OpenAPI 3.0 document as JSON plus a source map, so
//! later stages point at the original Swagger file. An OpenAPI 3.0 document passes through;
//! an OpenAPI 3.1 document has its schemas written the 3.0 way (`upgrade/openapi31.rs`);
//! any other version, or both `swagger` and `openapi`, is an error. The upgrade moves values
//! and never judges them: a schema with mistakes arrives unchanged for lint to report. The
//! exceptions are what does not survive the move as written, reported here at the value:
//! `host`, `basePath` and `schemes` (joined into one URL, `upgrade/servers.rs`),
//! `consumes`/`produces` that are not lists of strings, and a schema `type` written as a list
//! of types (a warning; read as OpenAPI 3.1 reads it, `upgrade/openapi31.rs`, decision 22).
//!
//! `host`/`basePath`/`schemes` become `servers` (the declared defaults of OpenAPI 3 server
//! variables are written into their URLs); typed parameters get a `schema`; `in: body`
//! and `in: formData` parameters become a `requestBody`; a response's `schema` and
//! `examples` become `content`; `securityDefinitions` become `components.securitySchemes`;
//! a parameter's `x-example` becomes its `example`; a schema's `x-nullable: true` is read as
//! `nullable` (`upgrade/x_nullable.rs`, Swagger 2.0 and OpenAPI 3.0); other vendor extensions are kept. Every version gets one normalisation: an example
//! for a JSON media type written as a string holding JSON text is read as that JSON, with
//! positions inside the string kept for diagnostics.

use serde_json::{json, Map, Value};

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::source::{push_escaped, push_token, SourceMap};
use crate::spec::METHODS;

mod openapi31;
mod servers;
mod x_nullable;

/// What upgrade returns: the same [`Spec`] as it takes, in the OpenAPI 3.0 shape.
pub use crate::source::Spec;

/// The version a document declares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Version {
    Swagger2,
    OpenApi30(String),
    OpenApi31(String),
}

/// Upgrades the spec, or reports why its version cannot be read.
pub fn upgrade(mut spec: Spec, diagnostics: &mut Diagnostics) -> Option<Spec> {
    match version(&spec, diagnostics)? {
        Version::Swagger2 => {
            let servers = servers::from_swagger(&spec, diagnostics);
            let mut up =
                Upgrader { bundle: &spec, old: &spec.document, moves: SourceMap::default(), diagnostics: Vec::new() };
            let mut document = up.document(servers);
            let (moves, found) = (up.moves, up.diagnostics);
            for diagnostic in found {
                diagnostics.push(diagnostic);
            }
            rewrite_refs(&mut document, &mut String::new(), false);
            // Most moves are keys copied under a moved parent: pruned, the map is a fraction
            // of its size, and so is everything that looks a pointer up in it later.
            spec.map = moves.pruned().through(&spec.map).pruned();
            spec.document = document;
            spec.source_version = "2.0".to_owned();
            openapi31::type_lists(&mut spec, diagnostics);
            x_nullable::x_nullable(&mut spec);
        }
        Version::OpenApi30(v) => {
            servers::substitute_variables(&mut spec.document);
            spec.source_version = v;
            openapi31::type_lists(&mut spec, diagnostics);
            x_nullable::x_nullable(&mut spec);
        }
        Version::OpenApi31(v) => {
            servers::substitute_variables(&mut spec.document);
            openapi31::downgrade(&mut spec.document, &mut spec.map);
            spec.source_version = v;
        }
    }
    normalize_examples(&mut spec);
    Some(spec)
}

/// Reads the version a document declares: `swagger: '2.0'`, or `openapi` with a 3.0 or 3.1
/// version, never both.
fn version(bundle: &Spec, diagnostics: &mut Diagnostics) -> Option<Version> {
    let doc = &bundle.document;
    let (swagger, openapi) = (doc.get("swagger"), doc.get("openapi"));
    if swagger.is_some() && openapi.is_some() {
        diagnostics.push(version_conflict(bundle));
        return None;
    }
    let diagnostic = match (swagger, openapi) {
        (Some(Value::String(v)), _) if v == "2.0" => return Some(Version::Swagger2),
        (Some(v), _) => swagger_version_error(bundle, v),
        (None, Some(v)) => match v.as_str().map(|text| (text, openapi_version(text))) {
            Some((text, Some((3, 0)))) => return Some(Version::OpenApi30(text.to_owned())),
            Some((text, Some((3, 1)))) => return Some(Version::OpenApi31(text.to_owned())),
            Some((text, Some((3, _)))) => {
                Diagnostic::error(codes::VERSION, format!("OpenAPI `{text}` is not supported yet"))
                    .at(bundle.value_location("/openapi"))
                    .label("newer than this generator")
                    .help("this generator reads Swagger 2.0 and OpenAPI 3.0.x and 3.1.x")
            }
            _ => openapi_version_error(bundle, v),
        },
        (None, None) => Diagnostic::error(codes::VERSION, "the document declares neither `swagger` nor `openapi`")
            .at(bundle.value_location(""))
            .label("expected `swagger: '2.0'` or `openapi: 3.0.x` here")
            .help("add `swagger: '2.0'` or `openapi: 3.0.3` at the top of the document"),
    };
    diagnostics.push(diagnostic);
    None
}

/// `swagger` and `openapi` both declared: an error at the one written second.
fn version_conflict(bundle: &Spec) -> Diagnostic {
    let swagger_at = bundle.key_location("/swagger");
    let openapi_at = bundle.key_location("/openapi");
    let (second, second_at, first) = match (&swagger_at, &openapi_at) {
        (Some(s), Some(o)) if s > o => ("swagger", swagger_at.clone(), "openapi"),
        _ => ("openapi", openapi_at.clone(), "swagger"),
    };
    Diagnostic::error(codes::VERSION_CONFLICT, "the document declares both `swagger` and `openapi`")
        .at(second_at)
        .label(format!("`{first}` is declared already"))
        .help(format!(
            "a document is Swagger 2.0 (`swagger: '2.0'`, with `definitions`) or OpenAPI 3 (`openapi: 3.0.3`, with `components`), not both: remove `{second}` or `{first}`"
        ))
}

/// What `version` is, for a message: numbers are not versions.
fn version_error(bundle: &Spec, key: &str, version: &Value, help: String) -> Diagnostic {
    let pointer = format!("/{key}");
    let diagnostic = match version {
        Value::Number(_) => {
            Diagnostic::error(codes::VERSION, format!("`{key}` version `{version}` is a number, not a string"))
                .label("a number")
        }
        _ => Diagnostic::error(codes::VERSION, format!("invalid `{key}` version `{}`", plain(version)))
            .label("unknown version"),
    };
    diagnostic.at(bundle.value_location(&pointer)).help(help)
}

fn swagger_version_error(bundle: &Spec, version: &Value) -> Diagnostic {
    let help = match version {
        Value::String(v) if openapi_version(v).is_some_and(|(major, _)| major == 3) => {
            format!("OpenAPI 3 documents declare `openapi: {v}`, not `swagger`")
        }
        Value::Number(_) => "quote it: `swagger: '2.0'`".to_owned(),
        _ => "Swagger documents declare `swagger: '2.0'` (a string)".to_owned(),
    };
    version_error(bundle, "swagger", version, help)
}

fn openapi_version_error(bundle: &Spec, version: &Value) -> Diagnostic {
    let help = match version {
        Value::String(v) if v == "2.0" => "Swagger 2.0 documents declare `swagger: '2.0'`, not `openapi`".to_owned(),
        Value::Number(n) => {
            let quoted = match n.to_string().as_str() {
                n @ ("3.0" | "3.1") => format!("{n}.0"),
                _ => "3.0.3".to_owned(),
            };
            format!("quote it: `openapi: '{quoted}'`")
        }
        _ => "OpenAPI documents declare `openapi: 3.0.3` or `openapi: 3.1.0` (a string)".to_owned(),
    };
    version_error(bundle, "openapi", version, help)
}

/// The major and minor version of an `openapi` value: `3.0`, `3.0.3` or `3.1.0` (a patch
/// version is digits only).
fn openapi_version(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.split('.');
    let number = |part: Option<&str>| -> Option<u32> {
        let part = part?;
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse().ok()).flatten()
    };
    let (major, minor) = (number(parts.next())?, number(parts.next())?);
    let patch = parts.next();
    if patch.is_some() && number(patch).is_none() || parts.next().is_some() {
        return None;
    }
    Some((major, minor))
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// From how many path items `paths` is upgraded on two threads: below it, starting a thread
/// costs more than it saves.
const PARALLEL_PATHS: usize = 64;

struct Upgrader<'a> {
    bundle: &'a Spec,
    old: &'a Value,
    /// New pointer → old pointer (the file id is unused: the old document is one document).
    moves: SourceMap,
    /// What cannot be moved as written.
    diagnostics: Vec<Diagnostic>,
}

/// A media type of `consumes` or `produces`, and the pointer of the value naming it (none
/// for the default, `application/json`).
#[derive(Debug, Clone)]
struct Media {
    name: String,
    at: Option<String>,
}

impl Upgrader<'_> {
    /// Records that the value now at `new` was at `old`, and returns a copy of it.
    /// A value copied under its own key into an object whose move is recorded needs no move
    /// of its own: the one above places it (and [`SourceMap::pruned`] would drop it).
    fn mv(&mut self, new: &str, old: &str) -> Value {
        self.moves.mount(new, 0, old);
        crate::source::lookup(self.old, old).cloned().unwrap_or(Value::Null)
    }

    /// [`Upgrader::mv`] of `value`, which the caller has in hand at `old`: no pointer lookup.
    fn mv_value(&mut self, new: &str, old: &str, value: &Value) -> Value {
        self.moves.mount(new, 0, old);
        value.clone()
    }

    fn document(&mut self, servers: Value) -> Value {
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
        out.insert("servers".into(), servers);
        let consumes = self.media_types("/consumes").unwrap_or_else(default_media);
        let produces = self.media_types("/produces").unwrap_or_else(default_media);
        let mut paths = Map::new();
        if let Some(Value::Object(old_paths)) = old.get("paths") {
            let items: Vec<(&String, &Value)> = old_paths.iter().collect();
            // The path items are independent: on a large spec each half is upgraded on a thread
            // of its own, the second half's moves and diagnostics joined after the first's, as
            // a run on one thread would have them.
            let (bundle, old) = (self.bundle, self.old);
            let parts = crate::parallel::halves(&items, PARALLEL_PATHS);
            let upgraded = crate::parallel::map_in_order(&parts, |part| {
                let mut up = Upgrader { bundle, old, moves: SourceMap::default(), diagnostics: Vec::new() };
                let items = up.path_items(part, &consumes, &produces);
                (items, up.moves, up.diagnostics)
            });
            for (items, moves, diagnostics) in upgraded {
                paths.extend(items);
                self.moves.extend(moves);
                self.diagnostics.extend(diagnostics);
            }
        }
        out.insert("paths".into(), Value::Object(paths));
        out.insert("components".into(), self.components(&produces));
        Value::Object(out)
    }

    /// The path items `items` of `paths`, upgraded, in order.
    fn path_items(
        &mut self,
        items: &[(&String, &Value)],
        consumes: &[Media],
        produces: &[Media],
    ) -> Vec<(String, Value)> {
        let mut out = Vec::with_capacity(items.len());
        for (path, item) in items {
            let old_p = push_token("/paths", path);
            out.push(((*path).clone(), self.path_item(item, &old_p, &old_p, consumes, produces)));
        }
        out
    }

    fn path_item(&mut self, item: &Value, old_p: &str, new_p: &str, consumes: &[Media], produces: &[Media]) -> Value {
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
                // Under its own key at the same place: the document's mount (`""`) places it.
                out.insert(key.clone(), value.clone());
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
        consumes: &[Media],
        produces: &[Media],
    ) -> Value {
        let Value::Object(op_map) = op else { return op.clone() };
        self.moves.mount(new_p, 0, old_p);
        let mut out = Map::new();
        for (key, value) in op_map {
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
                out.insert(key.clone(), value.clone());
            }
        }
        let consumes = self.media_types(&format!("{old_p}/consumes")).unwrap_or_else(|| consumes.to_vec());
        let produces = self.media_types(&format!("{old_p}/produces")).unwrap_or_else(|| produces.to_vec());

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
                    self.mv_value(&r_new, &r_old, response)
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
                    out.insert(key.clone(), value.clone());
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
                // Swagger's `x-example` is what OpenAPI 3.0 calls `example`: later passes read
                // that one key.
                "x-example" => {
                    let example = self.mv_value(&format!("{new_p}/example"), &old_k, value);
                    let example = self.example_as_text(map.get("type"), example, &old_k);
                    out.insert("example".into(), example);
                }
                // Not valid for a non-body parameter in Swagger 2.0, but kept for lint to see.
                "schema" => {
                    out.insert(key.clone(), value.clone());
                }
                k if k.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {
                    schema.insert(
                        key.clone(),
                        self.mv_value(&push_token(&format!("{new_p}/schema"), key), &old_k, value),
                    );
                }
            }
        }
        if !schema.is_empty() && !out.contains_key("schema") {
            self.moves.mount(&format!("{new_p}/schema"), 0, old_p);
            out.insert("schema".into(), Value::Object(schema));
        }
        Value::Object(out)
    }

    /// An `x-example` of an `integer`, `number` or `boolean` parameter written as the text a
    /// URL carries (`x-example: "35000"`, Matrix does so): a defect, as the example is the
    /// value, reported with a warning and read as the value that text stands for, so the
    /// example is still tested. Text that stands for no such value is left for lint.
    fn example_as_text(&mut self, ty: Option<&Value>, example: Value, at: &str) -> Value {
        let Value::String(text) = &example else { return example };
        let value = match ty.and_then(Value::as_str) {
            Some("integer") => text.parse::<i64>().ok().map(Value::from),
            Some("number") => text.parse::<f64>().ok().filter(|n| n.is_finite()).map(Value::from),
            Some("boolean") => text.parse::<bool>().ok().map(Value::from),
            _ => None,
        };
        let (Some(value), Some(ty)) = (value, ty.and_then(Value::as_str)) else { return example };
        self.diagnostics.push(
            Diagnostic::warning(
                codes::EXAMPLE_INVALID,
                format!("invalid example: the `{ty}` parameter's example is the text `{}`", text.escape_debug()),
            )
            .at(self.bundle.value_location(at))
            .label("text, not the value")
            .help(format!("write the value, `x-example: {value}`; it is read as that")),
        );
        value
    }

    fn body(&mut self, param: &Value, old_p: &str, new_p: &str, consumes: &[Media]) -> Value {
        self.moves.mount(new_p, 0, old_p);
        let mut out = Map::new();
        for key in ["description", "required"] {
            if let Some(value) = param.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        copy_extensions(param, &mut out);
        let mut content = Map::new();
        for Media { name: mime, at } in consumes {
            let media_new = push_token(&format!("{new_p}/content"), mime);
            if let Some(at) = at {
                self.moves.mount(&media_new, 0, at);
            }
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

    fn form_body(&mut self, form: &[(String, &Value)], new_p: &str, consumes: &[Media]) -> Value {
        let has_file = form.iter().any(|(_, p)| p.get("type").and_then(Value::as_str) == Some("file"));
        let mime = if has_file || consumes.iter().any(|c| c.name == "multipart/form-data") {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let schema_new = format!("{}/schema", push_token(&format!("{new_p}/content"), mime));
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

    fn response(&mut self, response: &Value, old_p: &str, new_p: &str, produces: &[Media]) -> Value {
        let Value::Object(map) = response else { return response.clone() };
        self.moves.mount(new_p, 0, old_p);
        let mut out = Map::new();
        out.insert(
            "description".into(),
            if let Some(description) = map.get("description") { description.clone() } else { json!("") },
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
            let mimes = if produces.is_empty() { default_media() } else { produces.to_vec() };
            for Media { name: mime, at } in mimes {
                let media_new = push_token(&format!("{new_p}/content"), &mime);
                if let Some(at) = at {
                    self.moves.mount(&media_new, 0, &at);
                }
                let schema = self.mv(&format!("{media_new}/schema"), &format!("{old_p}/schema"));
                content.insert(mime, json!({ "schema": schema }));
            }
        }
        if let Some(Value::Object(examples)) = map.get("examples") {
            for (mime, _) in examples {
                let media_new = push_token(&format!("{new_p}/content"), mime);
                if !content.contains_key(mime) {
                    self.moves.mount(&media_new, 0, &push_token(&format!("{old_p}/examples"), mime));
                }
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

    /// The media types of the `consumes` or `produces` list at `pointer`, or `None` when there is
    /// no list there (a value that is not a list, or an entry that is not a string, is
    /// reported and left out). Whether each string is a media type is lint's to check: it
    /// becomes a `content` key, placed at the string.
    fn media_types(&mut self, pointer: &str) -> Option<Vec<Media>> {
        let key = crate::source::tokens(pointer).pop().unwrap_or_default();
        let value = crate::source::lookup(self.old, pointer)?;
        let Value::Array(list) = value else {
            let example = value.as_str().unwrap_or("application/json");
            self.diagnostics.push(
                Diagnostic::error(codes::INVALID_MEDIA_TYPE, format!("`{key}` is not a list: `{}`", plain(value)))
                    .at(self.bundle.value_location(pointer))
                    .label("not a list")
                    .help(format!("write a list of media types: `{key}: [{example}]`")),
            );
            return None;
        };
        let mut found = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            match item {
                Value::String(name) => found.push(Media { name: name.clone(), at: Some(at) }),
                other => self.diagnostics.push(
                    Diagnostic::error(codes::INVALID_MEDIA_TYPE, format!("invalid media type `{other}` in `{key}`"))
                        .at(self.bundle.value_location(&at))
                        .label("not a string")
                        .help("a media type is a string, as `application/json`"),
                ),
            }
        }
        Some(found)
    }

    fn components(&mut self, produces: &[Media]) -> Value {
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

fn default_media() -> Vec<Media> {
    vec![Media { name: "application/json".to_owned(), at: None }]
}

/// `#/definitions/X` becomes `#/components/schemas/X` everywhere but in data (extensions,
/// examples, defaults: [`crate::spec::holds_data`], the rule resolve follows too), and
/// Swagger's `type: file` (a response that is a file) becomes OpenAPI 3.0's binary string, and
/// its `discriminator: <property>` OpenAPI 3.0's `discriminator: {propertyName: <property>}`.
/// `names`: whether the keys of `value` are names ([`crate::spec::keys_are_names`] of `pointer`).
fn rewrite_refs(value: &mut Value, pointer: &mut String, names: bool) {
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            if !names {
                if let Some(Value::String(r)) = map.get_mut("$ref") {
                    if let Some(rest) = r.strip_prefix("#/definitions/") {
                        *r = format!("#/components/schemas/{rest}");
                    }
                }
                // Swagger 2.0 names the discriminating property; OpenAPI 3 wraps it in an object.
                if let Some(Value::String(property)) = map.get("discriminator") {
                    let property = property.clone();
                    map.insert("discriminator".into(), json!({ "propertyName": property }));
                }
                if map.get("type").and_then(Value::as_str) == Some("file") {
                    map.insert("type".into(), json!("string"));
                    map.insert("format".into(), json!("binary"));
                }
            }
            for (key, child) in map.iter_mut() {
                if !crate::spec::holds_data_among(names, pointer, key, false) && (child.is_object() || child.is_array())
                {
                    pointer.push('/');
                    push_escaped(pointer, key);
                    rewrite_refs(child, pointer, crate::spec::keys_are_names_below(names, key));
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                openapi31::push_index(pointer, i);
                // An item's keys are fields: no index is a name map.
                rewrite_refs(item, pointer, false);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Reads JSON text written as a string example of a JSON media type as JSON: the value
/// resolve recorded for the string (its spans are in its file already).
fn normalize_examples(spec: &mut Spec) {
    let mut pointers = Vec::new();
    collect_string_examples(&spec.document, &mut String::new(), &mut pointers);
    for pointer in pointers {
        let Some(origin) = spec.map.origin(&pointer) else { continue };
        let Some(value) = spec.sources.embedded_json.get(&origin) else { continue };
        if let Some(slot) = spec.document.pointer_mut(&pointer) {
            *slot = value.clone();
        }
    }
}

/// Walks the whole document with one pointer buffer, grown and cut back as it goes, so no
/// pointer is built for a node that is not a string example.
fn collect_string_examples(value: &Value, pointer: &mut String, out: &mut Vec<String>) {
    let len = pointer.len();
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                use std::fmt::Write as _;
                let _ = write!(pointer, "/{i}");
                collect_string_examples(item, pointer, out);
                pointer.truncate(len);
            }
        }
        return;
    };
    if let Some(Value::Object(content)) = map.get("content") {
        for (mime, media) in content {
            if crate::spec::is_json(mime) && media.get("example").is_some_and(Value::is_string) {
                out.push(format!("{}/example", push_token(&format!("{pointer}/content"), mime)));
            }
        }
    }
    for (key, child) in map {
        if matches!(child, Value::Object(_) | Value::Array(_)) {
            pointer.push('/');
            crate::source::push_escaped(pointer, key);
            collect_string_examples(child, pointer, out);
            pointer.truncate(len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec `yaml` as resolve makes it, each call in a folder of its own.
    fn resolved(yaml: &str) -> Spec {
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("upgrade-test-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("spec.yaml");
        std::fs::write(&path, yaml).unwrap();
        let mut diagnostics = Diagnostics::default();
        let root = crate::load::load_file(&path, "spec.yaml").unwrap();
        crate::resolve::resolve(root, &dir, &mut diagnostics)
    }

    fn upgraded(yaml: &str) -> Spec {
        upgrade(resolved(yaml), &mut Diagnostics::default()).unwrap()
    }

    /// Data flows one way: the files read (their values and spans) are what resolve left,
    /// also where upgrade reads a JSON example written as text.
    #[test]
    fn upgrade_never_changes_the_files_read() {
        let bundle = resolved(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        200:\n          description: ok\n          content:\n            application/json:\n              example: |-\n                {\"a\": [1]}\n",
        );
        let before: Vec<_> = bundle.sources.files.iter().map(|f| (f.value.clone(), f.spans.clone())).collect();
        let spec = upgrade(bundle, &mut Diagnostics::default()).unwrap();
        let after: Vec<_> = spec.sources.files.iter().map(|f| (f.value.clone(), f.spans.clone())).collect();
        assert_eq!(before, after);
        let media = "/paths/~1x/get/responses/200/content/application~1json";
        assert_eq!(spec.document.pointer(&format!("{media}/example/a/0")), Some(&json!(1)));
        let loc = spec.value_location(&format!("{media}/example/a/0")).unwrap();
        assert_eq!((loc.line, loc.column), (12, 24));
    }

    /// A large `paths` is upgraded in two halves on two threads: the result is the one of a
    /// run on one thread, diagnostics in the document's order and every moved value located.
    #[test]
    fn a_large_paths_upgraded_in_halves_keeps_order_and_positions() {
        let count = PARALLEL_PATHS * 2 + 1;
        let mut yaml = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n".to_owned();
        for i in 0..count {
            // Five lines a path: `consumes` that is not a list is reported at its value.
            yaml.push_str(&format!(
                "  /p{i}:\n    get:\n      consumes: text/plain\n      parameters: [{{in: query, name: q{i}, type: string}}]\n      responses: {{200: {{description: ok}}}}\n"
            ));
        }
        let mut diagnostics = Diagnostics::default();
        let spec = upgrade(resolved(&yaml), &mut diagnostics).unwrap();
        let lines: Vec<usize> = diagnostics.iter().filter_map(|d| d.location.as_ref()).map(|l| l.line).collect();
        let expected: Vec<usize> = (0..count).map(|i| 6 + 5 * i).collect();
        assert_eq!(lines, expected);
        let keys: Vec<&String> = spec.document["paths"].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), count);
        assert_eq!(keys.last().map(|k| k.as_str()), Some(format!("/p{}", count - 1).as_str()));
        for i in [0, count / 2, count - 1] {
            let at = format!("/paths/~1p{i}/get/parameters/0/name");
            assert_eq!(spec.document.pointer(&at), Some(&json!(format!("q{i}"))));
            assert_eq!(spec.value_location(&at).map(|l| l.line), Some(7 + 5 * i));
        }
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
        assert_eq!(d["paths"]["/x"]["get"]["parameters"][0].get("x-example"), None);
        let media = "/paths/~1x/get/responses/200/content/application~1json";
        assert_eq!(d.pointer(&format!("{media}/example/a")), Some(&json!(1)));
        let loc = spec.value_location(&format!("{media}/schema/type")).unwrap();
        assert_eq!((loc.line, loc.column), (17, 19));
        let loc = spec.key_location(&format!("{media}/example/a")).unwrap();
        assert_eq!((loc.line, loc.column), (21, 17));
        let loc = spec.value_location("/paths/~1x/get/parameters/0/schema/type").unwrap();
        assert_eq!(loc.line, 11);
    }

    /// A scalar parameter's `x-example` written as URL text is read as its value, with a
    /// warning at it; text that is no such value is left for lint.
    #[test]
    fn a_parameter_example_written_as_text_is_read_as_its_value() {
        let param = |ty: &str, example: &str| {
            format!("        - {{in: query, name: p{ty}, type: {ty}, x-example: {example}}}\n")
        };
        let yaml = format!(
            "swagger: '2.0'\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    get:\n      parameters:\n{}{}{}{}      responses:\n        200: {{description: ok}}\n",
            param("integer", "'35000'"),
            param("boolean", "'false'"),
            param("number", "'0.5'"),
            param("integer", "'many'"),
        );
        let mut diagnostics = Diagnostics::default();
        let spec = upgrade(resolved(&yaml), &mut diagnostics).unwrap();
        let params = &spec.document["paths"]["/x"]["get"]["parameters"];
        assert_eq!(params[0]["example"], json!(35000));
        assert_eq!(params[1]["example"], json!(false));
        assert_eq!(params[2]["example"], json!(0.5));
        assert_eq!(params[3]["example"], json!("many"));
        let warnings: Vec<_> = diagnostics.iter().filter(|d| d.code == codes::EXAMPLE_INVALID).collect();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert_eq!(warnings[0].location.as_ref().map(|l| (l.line, l.column)), Some((7, 65)));
    }

    /// Which media types are JSON is the runtime's one test: case and parameters aside.
    #[test]
    fn json_text_examples_are_read_whatever_the_case_of_the_media_type() {
        let spec = upgraded(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        200:\n          description: ok\n          content:\n            Application/JSON; charset=utf-8:\n              example: |-\n                {\"a\": 1}\n            application/problem+JSON:\n              example: '[1]'\n",
        );
        let content = &spec.document["paths"]["/x"]["get"]["responses"]["200"]["content"];
        assert_eq!(content["Application/JSON; charset=utf-8"]["example"], json!({ "a": 1 }));
        assert_eq!(content["application/problem+JSON"]["example"], json!([1]));
    }

    /// `type: [a, b]` is one type too many for Swagger 2.0 and OpenAPI 3.0: a warning at the
    /// list, which is read as OpenAPI 3.1 reads it; a list lint must refuse is left for lint.
    /// 3.1's tuples, closed objects and checks that say nothing of the shape, as 3.0 says them.
    #[test]
    fn prefix_items_unevaluated_properties_and_shapeless_checks_are_read_as_3_0() {
        let spec = upgraded(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Pair: {prefixItems: [{type: string}, {const: 1}], items: false}\n    Open: {prefixItems: [{type: string}], items: {type: integer}}\n    Closed: {properties: {a: {type: string}}, unevaluatedProperties: false, dependentRequired: {a: [b]}, propertyNames: {maxLength: 3}, contains: {type: string}, minContains: 1}\n    Composed: {allOf: [{properties: {a: {type: string}}}], unevaluatedProperties: false}\n",
        );
        let schemas = &spec.document["components"]["schemas"];
        assert_eq!(
            schemas["Pair"],
            json!({ "items": [{ "type": "string" }, { "type": "integer", "enum": [1] }], "additionalItems": false })
        );
        // Items past the prefix of another schema: an untyped list.
        assert_eq!(schemas["Open"], json!({ "items": {} }));
        assert_eq!(
            schemas["Closed"],
            json!({ "properties": { "a": { "type": "string" } }, "additionalProperties": { "not": {} } })
        );
        // With composition, the members evaluated are not `properties`' alone: left for lint.
        assert_eq!(schemas["Composed"]["unevaluatedProperties"], json!(false));
        // The tuple is where `prefixItems` was written.
        let at = spec.map.origin("/components/schemas/Pair/items").expect("mounted").1;
        assert!(at.ends_with("/prefixItems"), "{at}");
    }

    /// `patternProperties` (3.1) is the map 3.0 says with `additionalProperties`.
    #[test]
    fn pattern_properties_are_read_as_a_map() {
        let spec = upgraded(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    One: {patternProperties: {'^@': {type: string}}}\n    Closed: {additionalProperties: false, patternProperties: {'^@': {type: string}, '^!': {type: string}}}\n    Other: {additionalProperties: {type: integer}, patternProperties: {'^@': {type: string}}}\n    Mixed: {patternProperties: {'^@': {type: string}, '^!': {type: integer}}}\n    Beside: {properties: {a: {type: string}}, patternProperties: {'^@': {type: string}}}\n",
        );
        let schemas = &spec.document["components"]["schemas"];
        assert_eq!(schemas["One"], json!({ "additionalProperties": { "type": "string" } }));
        assert_eq!(schemas["Closed"], json!({ "additionalProperties": { "type": "string" } }));
        assert_eq!(schemas["Other"], json!({ "additionalProperties": {} }));
        assert_eq!(schemas["Mixed"], json!({ "additionalProperties": {} }));
        assert!(schemas["Beside"].get("patternProperties").is_some());
        // The map's schema is where its pattern's was.
        let at = spec.value_location("/components/schemas/One/additionalProperties/type").expect("located");
        assert_eq!((at.line, at.column), (5, 44));
    }

    #[test]
    fn type_lists_are_read_as_in_3_1_with_a_warning() {
        for header in ["swagger: '2.0'\ndefinitions:", "openapi: 3.0.3\ncomponents:\n schemas:"] {
            let mut diagnostics = Diagnostics::default();
            let yaml = format!(
                "{header}\n  P:\n    properties:\n      a: {{type: [string, 'null']}}\n      b: {{type: [object, string], anyOf: [{{}}]}}\n      c: {{type: [string, string.]}}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n"
            );
            let spec = upgrade(resolved(&yaml), &mut diagnostics).unwrap();
            let p = &spec.document["components"]["schemas"]["P"]["properties"];
            assert_eq!(p["a"], json!({"type": "string", "nullable": true}));
            assert_eq!(p["b"], json!({"anyOf": [{}], "allOf": [{"anyOf": [{"type": "object"}, {"type": "string"}]}]}));
            assert_eq!(p["c"]["type"], json!(["string", "string."]));
            let found: Vec<(&str, usize)> =
                diagnostics.iter().map(|d| (d.code, d.location.as_ref().map_or(0, |l| l.line))).collect();
            let first = if header.starts_with("swagger") { 5 } else { 6 };
            assert_eq!(found, [(codes::INVALID_TYPE, first), (codes::INVALID_TYPE, first + 1)], "{header}");
            assert!(diagnostics.iter().all(|d| d.severity == crate::diagnostics::Severity::Warning));
        }
    }

    /// `#/definitions` refs are rewritten wherever they are spec (a `default` response, a
    /// property called `example`) and left alone in data (an extension), as resolve does.
    #[test]
    fn definition_refs_are_rewritten_in_spec_but_not_in_data() {
        let spec = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      x-note: {$ref: '#/definitions/E'}\n      responses:\n        default:\n          description: error\n          schema: {$ref: '#/definitions/E'}\ndefinitions:\n  E:\n    properties:\n      example: {$ref: '#/definitions/E'}\n",
        );
        let d = &spec.document;
        let op = &d["paths"]["/x"]["get"];
        let schema = &op["responses"]["default"]["content"]["application/json"]["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/E");
        assert_eq!(d["components"]["schemas"]["E"]["properties"]["example"]["$ref"], "#/components/schemas/E");
        assert_eq!(op["x-note"]["$ref"], "#/definitions/E");
    }

    /// Swagger 2.0's `discriminator: <property>` is OpenAPI 3.0's object, so the document is
    /// read (it was refused as "expected struct Discriminator"); a property called
    /// `discriminator` is left alone.
    #[test]
    fn swagger_discriminators_become_objects() {
        let spec = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  Pet:\n    discriminator: petType\n    properties:\n      petType: {type: string}\n      discriminator: {type: string}\n",
        );
        let pet = &spec.document["components"]["schemas"]["Pet"];
        assert_eq!(pet["discriminator"], serde_json::json!({"propertyName": "petType"}));
        assert_eq!(pet["properties"]["discriminator"], serde_json::json!({"type": "string"}));
    }

    /// `x-nullable: true` is `nullable`, on map values, items and refs too; `false` and a
    /// written `nullable` are left as they are.
    #[test]
    fn x_nullable_is_read_as_nullable() {
        let spec = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  B: {type: object}\n  PortMap:\n    type: object\n    additionalProperties:\n      type: array\n      x-nullable: true\n      items: {$ref: '#/definitions/B', x-nullable: true}\n  C:\n    properties:\n      a: {type: string, x-nullable: false}\n      b: {type: string, x-nullable: true, nullable: false}\n",
        );
        let schemas = &spec.document["components"]["schemas"];
        let values = &schemas["PortMap"]["additionalProperties"];
        assert_eq!(values["nullable"], json!(true));
        assert_eq!(values["items"]["nullable"], json!(true));
        assert_eq!(values["items"]["allOf"], json!([{"$ref": "#/components/schemas/B"}]));
        assert_eq!(values["items"].get("$ref"), None);
        assert_eq!(schemas["C"]["properties"]["a"].get("nullable"), None);
        assert_eq!(schemas["C"]["properties"]["b"]["nullable"], json!(false));
        let at = spec.value_location("/components/schemas/PortMap/additionalProperties/nullable").unwrap();
        assert_eq!(at.line, 10);
    }
}
