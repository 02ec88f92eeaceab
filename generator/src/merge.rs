//! Merge: makes one spec of the root documents resolve bundled.
//!
//! In: a [`Bundle`] (every root resolved by one resolver, so a file several roots refer to is
//! one schema). Out: a [`Spec`]: one document, its source map into every root, and which
//! root each operation came from.
//!
//! One root is the spec as written. Several must share a version (all Swagger 2.0, all
//! OpenAPI 3.0, or all 3.1), and are merged so that every operation keeps what its root
//! said about it:
//! - Swagger 2.0: each root's `basePath` is prepended to its path keys, and the merged
//!   document has none; a `host` other than the first root's is not supported yet (a
//!   warning: the first is kept), and `schemes` are merged, each once. OpenAPI 3: `servers`
//!   that are the same where given are the merged document's. Where they differ, as
//!   Matrix's do from v1.8 (`/_matrix/client/v3`, `/_matrix/client/v1`, `/_matrix/media/v3`),
//!   each root's first server is read with its variables' defaults and its path is that
//!   root's base path, prepended as a Swagger `basePath` is; the merged document keeps the
//!   first root's server with its origin alone, and another origin is a warning, as another
//!   `host` is.
//! - A path in several roots is one path item holding each root's operations; one method
//!   and path in two roots is an error. Path-level `parameters`, and a root's top-level
//!   `security`, `consumes` and `produces`, are pushed down into each of its operations, so
//!   they never reach another root's operations.
//! - `definitions`, `parameters`, `responses`, `securityDefinitions` and every map of
//!   `components` merge by key: the same value under one key is one entry, different values
//!   are an error at the second, naming the first.
//! - `info` and any other top-level key are the first root's that has one; `tags` are
//!   merged, each once.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::diagnostics::{codes, Diagnostic, Diagnostics, Location};
use crate::lint::grammar::{path_flaw, Braces};
use crate::resolve::{Bundle, ResolvedRoot};
use crate::source::{push_token, tokens, Root, SourceMap, Sources, Spec};
use crate::spec::METHODS;

/// Keys whose values are maps of named entries, merged by key.
const KEYED: [&str; 4] = ["definitions", "parameters", "responses", "securityDefinitions"];

/// The spec the roots of `bundle` make, or `None` when they cannot be merged.
pub fn merge(bundle: Bundle, diagnostics: &mut Diagnostics) -> Option<Spec> {
    match bundle.roots.len() {
        0 => {
            diagnostics.push(
                Diagnostic::error(codes::CONFIG, "no root document to read")
                    .help("name the spec's root document, or a list of them, in `spec`"),
            );
            None
        }
        1 => Some(one(bundle)),
        _ => several(bundle, diagnostics),
    }
}

/// The spec of a bundle of one root: its document, with the bundled schemas added.
pub fn one(bundle: Bundle) -> Spec {
    let Bundle { sources, roots, schemas_at, schemas, schemas_map, stopped: _ } = bundle;
    let Some(ResolvedRoot { file, mut document, mut map }) = roots.into_iter().next() else {
        return Spec {
            document: Value::Null,
            sources,
            map: SourceMap::default(),
            source_version: String::new(),
            roots: Vec::new(),
            operation_roots: BTreeMap::new(),
        };
    };
    insert_schemas(&mut document, schemas_at, schemas);
    map.extend(schemas_map);
    let roots = vec![root(&sources, file, &document)];
    Spec { document, sources, map, source_version: String::new(), roots, operation_roots: BTreeMap::new() }
}

/// Adds the bundled schemas under `schemas_at`, creating the maps on the way.
fn insert_schemas(document: &mut Value, schemas_at: &str, schemas: Vec<(String, Value)>) {
    if schemas.is_empty() {
        return;
    }
    let mut slot = document;
    for token in tokens(schemas_at) {
        let Some(map) = slot.as_object_mut() else { return };
        slot = map.entry(token).or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(map) = slot.as_object_mut() {
        for (name, value) in schemas {
            map.insert(name, value);
        }
    }
}

fn root(sources: &Sources, file: usize, document: &Value) -> Root {
    let path = &sources.get(file).path;
    let text = |key: &str| document.pointer(&format!("/info/{key}")).and_then(Value::as_str).map(str::to_owned);
    Root {
        name: path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        file,
        title: text("title"),
        description: text("description"),
    }
}

/// The version family a root declares: `2.0`, `3.0` or `3.1` (`None` for none at all).
fn family(document: &Value) -> Option<(String, &'static str)> {
    if let Some(version) = document.get("swagger") {
        return Some((version.as_str().unwrap_or_default().to_owned(), "swagger"));
    }
    let version = document.get("openapi")?.as_str().unwrap_or_default();
    let family = version.split('.').take(2).collect::<Vec<_>>().join(".");
    Some((family, "openapi"))
}

fn several(bundle: Bundle, diagnostics: &mut Diagnostics) -> Option<Spec> {
    let Bundle { sources, roots, schemas_at, schemas, schemas_map, stopped: _ } = bundle;
    let bases = if roots[0].document.get("swagger").is_some() { Bases::BasePath } else { Bases::servers(&roots) };
    let mut merger = Merger {
        sources: &sources,
        roots: &roots,
        bases,
        document: Map::new(),
        map: SourceMap::default(),
        firsts: BTreeMap::new(),
        operation_roots: BTreeMap::new(),
        ok: true,
        diagnostics,
    };
    if !merger.versions() {
        return None;
    }
    for index in 0..roots.len() {
        merger.root(index);
    }
    let Merger { document, mut map, operation_roots, ok, .. } = merger;
    if !ok {
        return None;
    }
    let mut document = Value::Object(document);
    insert_schemas(&mut document, schemas_at, schemas);
    // The document as a whole is the first root's; no other mount is carried with it.
    map.mount("", roots[0].file, "");
    map.extend(schemas_map);
    let spec_roots = roots.iter().map(|r| root(&sources, r.file, &r.document)).collect();
    Some(Spec { document, sources, map, source_version: String::new(), roots: spec_roots, operation_roots })
}

/// Where each root's base path comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bases {
    /// Swagger 2.0: its `basePath`.
    BasePath,
    /// OpenAPI 3 roots whose `servers` are the same where given: none, the merged document's
    /// `servers` carrying the path for every operation.
    None,
    /// OpenAPI 3 roots whose `servers` differ: the path of each root's first server.
    ServerPaths,
}

impl Bases {
    fn servers(roots: &[ResolvedRoot]) -> Bases {
        let mut given = roots.iter().filter_map(|root| root.document.get("servers"));
        match given.next() {
            Some(first) if given.any(|other| other != first) => Bases::ServerPaths,
            _ => Bases::None,
        }
    }
}

/// Whether `path` can begin a root's paths: absolute, and without templates.
fn is_base_path(path: &str) -> bool {
    path.starts_with('/') && path_flaw(path, Braces::Forbidden).is_none()
}

/// The first server of `servers` (a root's), its URL read with its variables' defaults.
fn first_server_url(servers: &Value) -> Option<String> {
    let server = servers.get(0)?;
    let url = server.get("url")?.as_str()?;
    Some(match server.get("variables").and_then(Value::as_object) {
        Some(variables) => crate::spec::server_url_with_defaults(url, variables),
        None => url.to_owned(),
    })
}

struct Merger<'a> {
    sources: &'a Sources,
    roots: &'a [ResolvedRoot],
    bases: Bases,
    document: Map<String, Value>,
    map: SourceMap,
    /// Which root put the value at a pointer of the merged document, for conflicts.
    firsts: BTreeMap<String, usize>,
    operation_roots: BTreeMap<String, usize>,
    ok: bool,
    diagnostics: &'a mut Diagnostics,
}

impl Merger<'_> {
    fn display(&self, root: usize) -> &str {
        &self.sources.get(self.roots[root].file).display
    }

    fn key_location(&self, root: usize, pointer: &str) -> Option<Location> {
        self.roots[root].map.key_location(self.sources, pointer)
    }

    fn value_location(&self, root: usize, pointer: &str) -> Option<Location> {
        self.roots[root].map.value_location(self.sources, pointer)
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.ok = false;
        self.diagnostics.push(diagnostic);
    }

    /// Every root declares the version family of the first.
    fn versions(&mut self) -> bool {
        let first = family(&self.roots[0].document);
        for index in 0..self.roots.len() {
            let this = family(&self.roots[index].document);
            match (&first, &this) {
                (_, None) => {
                    let message = format!("the root document `{}` declares no version", self.display(index));
                    let diagnostic = Diagnostic::error(codes::VERSION, message)
                        .at(self.value_location(index, ""))
                        .help("start the document with `swagger: '2.0'` or `openapi: 3.0.3`");
                    self.error(diagnostic);
                }
                (Some((first, first_key)), Some((version, key))) if (first, first_key) != (version, key) => {
                    let shown = |key: &str, version: &str| {
                        if key == "swagger" {
                            format!("Swagger {version}")
                        } else {
                            format!("OpenAPI {version}")
                        }
                    };
                    let message = format!(
                        "the root document `{}` is {}, and `{}` is {}",
                        self.display(index),
                        shown(key, version),
                        self.display(0),
                        shown(first_key, first)
                    );
                    let diagnostic = Diagnostic::error(codes::VERSION_CONFLICT, message)
                        .at(self.value_location(index, &format!("/{key}")))
                        .label("another version")
                        .help("the root documents of one crate share one version; generate a crate for each version");
                    self.error(diagnostic);
                }
                _ => {}
            }
        }
        self.ok
    }

    /// Merges root `index` into the document.
    fn root(&mut self, index: usize) {
        let Some(document) = self.roots[index].document.as_object() else { return };
        let base = match self.bases {
            Bases::BasePath => self.base_path(index),
            Bases::ServerPaths => self.server_path(index),
            Bases::None => String::new(),
        };
        for (key, value) in document {
            let pointer = push_token("", key);
            match key.as_str() {
                "paths" => self.paths(index, value, &base),
                "basePath" | "security" | "consumes" | "produces" => {}
                "servers" if self.bases == Bases::ServerPaths => {
                    let origin = Self::origin_server(value);
                    self.same_server(index, key, &origin);
                }
                "host" | "servers" => self.same_server(index, key, value),
                "schemes" | "tags" => self.union(index, key, value),
                "components" => match value.as_object() {
                    Some(components) => {
                        for (section, entries) in components {
                            let at = push_token(&pointer, section);
                            self.keyed(index, &at, entries);
                        }
                    }
                    None => self.first_wins(index, &pointer, value),
                },
                _ if KEYED.contains(&key.as_str()) => self.keyed(index, &pointer, value),
                _ => self.first_wins(index, &pointer, value),
            }
        }
    }

    /// The root's `basePath` without a trailing `/` (empty when it has none), or empty with
    /// an error when it cannot begin a path.
    fn base_path(&mut self, index: usize) -> String {
        let Some(base) = self.roots[index].document.get("basePath") else { return String::new() };
        let valid = base.as_str().filter(|b| is_base_path(b));
        match valid {
            Some(base) => base.trim_end_matches('/').to_owned(),
            None => {
                let diagnostic = Diagnostic::error(
                    codes::INVALID_SERVER,
                    format!("invalid `basePath` {base} in `{}`: it must be a URI path", self.display(index)),
                )
                .at(self.value_location(index, "/basePath"))
                .label("not a path")
                .help("write an absolute path without templates, e.g. `basePath: /v1`; it is prepended to the root's paths");
                self.error(diagnostic);
                String::new()
            }
        }
    }

    /// The path of the root's first server (its variables' defaults read), without a trailing
    /// `/`; empty when it has none, or with an error when a variable has no default or the
    /// path cannot begin a path.
    fn server_path(&mut self, index: usize) -> String {
        let Some(url) = self.roots[index].document.get("servers").and_then(first_server_url) else {
            return String::new();
        };
        let path = crate::spec::split_server_url(&url).1;
        if (path.is_empty() || is_base_path(path)) && !url.contains('{') {
            return path.to_owned();
        }
        let message = format!(
            "invalid server `{url}` in `{}`: the roots' servers differ, so its path must begin the root's paths",
            self.display(index)
        );
        let diagnostic = Diagnostic::error(codes::INVALID_SERVER, message)
            .at(self.value_location(index, "/servers/0/url"))
            .label("not an origin and a path")
            .help("give each template variable a `default`, and write the path as an absolute path");
        self.error(diagnostic);
        String::new()
    }

    /// The origin of a root's first server (its variables' defaults read) as the one server
    /// of `servers`: what is left once the server's path is in the root's path keys.
    fn origin_server(servers: &Value) -> Value {
        let Some(url) = first_server_url(servers) else { return servers.clone() };
        json!([{ "url": crate::spec::split_server_url(&url).0 }])
    }

    /// Puts `value` at `pointer` (a top-level key) unless an earlier root did.
    fn first_wins(&mut self, index: usize, pointer: &str, value: &Value) {
        let key = tokens(pointer).pop().unwrap_or_default();
        if !self.document.contains_key(&key) {
            self.document.insert(key, value.clone());
            self.map.transplant(&self.roots[index].map, pointer, pointer);
        }
    }

    /// `host` or `servers`: the same in every root that gives one. Only documentation reads a
    /// host, or the origin of servers whose paths are in the path keys (the client is given
    /// its server's URL), so another is a warning: the first is kept and the others named.
    fn same_server(&mut self, index: usize, key: &str, value: &Value) {
        let pointer = push_token("", key);
        match self.document.get(key) {
            None => {
                self.document.insert(key.to_owned(), value.clone());
                self.map.transplant(&self.roots[index].map, &pointer, &pointer);
                self.firsts.insert(pointer, index);
            }
            Some(first) if first == value => {}
            Some(first_value) => {
                let first = self.firsts.get(&pointer).copied().unwrap_or(0);
                let shown = |v: &Value| {
                    let url = v.get(0).and_then(|server| server.get("url"));
                    v.as_str().or_else(|| url.and_then(Value::as_str)).map_or_else(|| v.to_string(), str::to_owned)
                };
                let message = format!(
                    "root documents with different `{key}` are not supported yet: `{}` differs from `{}`; `{}` is kept",
                    self.display(index),
                    self.display(first),
                    shown(first_value)
                );
                let diagnostic = Diagnostic::warning(codes::UNSUPPORTED, message)
                    .at(self.value_location(index, &pointer))
                    .label(format!("not the `{key}` of `{}`", self.display(first)))
                    .help(format!("send this root's requests with a client for `{}`", shown(value)));
                self.diagnostics.push(diagnostic);
            }
        }
    }

    /// A list every root adds to: each item once, in the order first seen.
    fn union(&mut self, index: usize, key: &str, value: &Value) {
        let pointer = push_token("", key);
        let Some(items) = value.as_array() else {
            self.first_wins(index, &pointer, value);
            return;
        };
        let mut merged = match self.document.entry(key.to_owned()).or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(merged) => std::mem::take(merged),
            _ => return,
        };
        for (i, item) in items.iter().enumerate() {
            if !merged.contains(item) {
                let to = format!("{pointer}/{}", merged.len());
                self.map.transplant(&self.roots[index].map, &format!("{pointer}/{i}"), &to);
                merged.push(item.clone());
            }
        }
        self.document.insert(key.to_owned(), Value::Array(merged));
    }

    /// A map of named entries (`definitions`, `components/schemas`, ...): merged by key.
    fn keyed(&mut self, index: usize, pointer: &str, value: &Value) {
        let Some(entries) = value.as_object() else {
            let key = tokens(pointer);
            if key.len() == 1 {
                self.first_wins(index, pointer, value);
            }
            return;
        };
        let path = tokens(pointer);
        for (name, entry) in entries {
            let at = push_token(pointer, name);
            let Some(section) = slot(&mut self.document, &path) else { return };
            match section.get(name) {
                None => {
                    section.insert(name.clone(), entry.clone());
                    self.map.transplant(&self.roots[index].map, &at, &at);
                    self.firsts.insert(at, index);
                }
                Some(first) if first == entry => {}
                Some(_) => {
                    let first = self.firsts.get(&at).copied().unwrap_or(0);
                    let shown = path.iter().chain([name]).cloned().collect::<Vec<_>>().join("/");
                    let first_at = self
                        .key_location(first, &at)
                        .map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
                        .unwrap_or_else(|| self.display(first).to_owned());
                    let diagnostic = Diagnostic::error(
                        codes::ROOT_CONFLICT,
                        format!(
                            "`{shown}` of `{}` differs from `{shown}` of `{}`, at {first_at}",
                            self.display(index),
                            self.display(first)
                        ),
                    )
                    .at(self.key_location(index, &at))
                    .label("another value under this name")
                    .help("the root documents of one crate share their named entries: give one of them another name, or make both the same");
                    self.error(diagnostic);
                }
            }
        }
    }

    /// The root's paths, each below its base path, each operation with what applies to it.
    fn paths(&mut self, index: usize, value: &Value, base: &str) {
        let Some(paths) = value.as_object() else {
            self.first_wins(index, "/paths", value);
            return;
        };
        let paths_slot = self.document.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        if !paths_slot.is_object() {
            return;
        }
        for (path, item) in paths {
            let from = push_token("/paths", path);
            // A path that does not start with `/` keeps its key, for lint to report as written.
            let key = if path.starts_with('/') { format!("{base}{path}") } else { path.clone() };
            let to = push_token("/paths", &key);
            let Some(item) = item.as_object() else {
                if let Some(paths) = self.document.get_mut("paths").and_then(Value::as_object_mut) {
                    if !paths.contains_key(&key) {
                        paths.insert(key.clone(), item.clone());
                        self.map.transplant(&self.roots[index].map, &from, &to);
                    }
                }
                continue;
            };
            self.path_item(index, item, &from, &key, &to);
        }
    }

    fn path_item(&mut self, index: usize, item: &Map<String, Value>, from: &str, key: &str, to: &str) {
        let shared: Vec<(usize, &Value)> = match item.get("parameters") {
            Some(Value::Array(parameters)) => parameters.iter().enumerate().collect(),
            _ => Vec::new(),
        };
        let mut merged = match self.document.get("paths").and_then(|p| p.get(key)) {
            Some(Value::Object(existing)) => existing.clone(),
            _ => {
                // The item's own place only: its fields are placed one by one below.
                self.map.mount_origin(&self.roots[index].map, from, to);
                Map::new()
            }
        };
        for (field, value) in item {
            let field_from = push_token(from, field);
            let field_to = push_token(to, field);
            if field == "parameters" {
                continue;
            }
            if !METHODS.contains(&field.as_str()) {
                if !merged.contains_key(field) {
                    merged.insert(field.clone(), value.clone());
                    self.map.transplant(&self.roots[index].map, &field_from, &field_to);
                }
                continue;
            }
            if merged.contains_key(field) {
                let first = self.operation_roots.get(&field_to).copied().unwrap_or(0);
                let diagnostic = Diagnostic::error(
                    codes::ROOT_CONFLICT,
                    format!(
                        "`{} {key}` of `{}` is also declared by `{}`",
                        field.to_uppercase(),
                        self.display(index),
                        self.display(first)
                    ),
                )
                .at(self.key_location(index, &field_from))
                .label("declared by another root too")
                .help("two root documents declaring one method and path are not supported yet; leave one of them out");
                self.error(diagnostic);
                continue;
            }
            let operation = self.operation(index, value, &shared, from, &field_from, &field_to);
            merged.insert(field.clone(), operation);
            self.operation_roots.insert(field_to, index);
        }
        if let Some(paths) = self.document.get_mut("paths").and_then(Value::as_object_mut) {
            paths.insert(key.to_owned(), Value::Object(merged));
        }
    }

    /// An operation with its path item's parameters (those it does not override) and its
    /// root's `security`, `consumes` and `produces` (where it has none of its own).
    fn operation(
        &mut self,
        index: usize,
        value: &Value,
        shared: &[(usize, &Value)],
        item_from: &str,
        from: &str,
        to: &str,
    ) -> Value {
        let inner = &self.roots[index].map;
        let Some(operation) = value.as_object() else {
            self.map.transplant(inner, from, to);
            return value.clone();
        };
        let mut out = Map::new();
        for (field, value) in operation {
            if field != "parameters" {
                out.insert(field.clone(), value.clone());
                self.map.transplant(inner, &push_token(from, field), &push_token(to, field));
            }
        }
        let own: Vec<(usize, &Value)> = match operation.get("parameters") {
            Some(Value::Array(parameters)) => parameters.iter().enumerate().collect(),
            Some(other) if !other.is_array() => {
                out.insert("parameters".into(), other.clone());
                self.map.transplant(inner, &push_token(from, "parameters"), &push_token(to, "parameters"));
                Vec::new()
            }
            _ => Vec::new(),
        };
        let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
        let mut parameters = Vec::new();
        let mut origins = Vec::new();
        for (i, parameter) in shared {
            if !own.iter().any(|(_, p)| key(p) == key(parameter)) {
                parameters.push((*parameter).clone());
                origins.push(format!("{item_from}/parameters/{i}"));
            }
        }
        for (i, parameter) in &own {
            parameters.push((*parameter).clone());
            origins.push(format!("{from}/parameters/{i}"));
        }
        if !parameters.is_empty() {
            for (i, origin) in origins.iter().enumerate() {
                self.map.transplant(inner, origin, &format!("{to}/parameters/{i}"));
            }
            let list_from = if own.is_empty() { item_from } else { from };
            self.map.mount_origin(inner, &push_token(list_from, "parameters"), &push_token(to, "parameters"));
            out.insert("parameters".into(), Value::Array(parameters));
        }
        let root = &self.roots[index].document;
        for field in ["security", "consumes", "produces"] {
            if let (false, Some(value)) = (out.contains_key(field), root.get(field)) {
                out.insert(field.into(), value.clone());
                self.map.transplant(inner, &push_token("", field), &push_token(to, field));
            }
        }
        Value::Object(out)
    }
}

/// The map at `path` of `document` (created when absent), if every step is a map.
fn slot<'m>(document: &'m mut Map<String, Value>, path: &[String]) -> Option<&'m mut Map<String, Value>> {
    let mut map = document;
    for step in path {
        map = map.entry(step.clone()).or_insert_with(|| Value::Object(Map::new())).as_object_mut()?;
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Limits;

    /// Writes `files` into a fresh folder and merges the roots named `roots` of them.
    fn merged(name: &str, files: &[(&str, &str)], roots: &[&str]) -> (Option<Spec>, Diagnostics) {
        let dir = std::env::temp_dir().join(format!("merge-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("temp dir");
            std::fs::write(path, text).expect("write");
        }
        let mut diagnostics = Diagnostics::default();
        let loaded = roots
            .iter()
            .map(|root| crate::load::load_or_report(&dir.join(root), root, &mut diagnostics).expect("loads"))
            .collect();
        let bundle = crate::resolve::resolve_roots(loaded, &dir, &Limits::default(), &mut diagnostics);
        let spec = merge(bundle, &mut diagnostics);
        let _ = std::fs::remove_dir_all(&dir);
        (spec, diagnostics)
    }

    const A: &str = "swagger: '2.0'
info: {title: A, version: '1'}
basePath: /v3
paths:
  /rooms/{id}:
    parameters:
      - {in: path, name: id, type: string, required: true, description: read}
    get:
      operationId: getRoom
      responses:
        200: {description: ok, schema: {$ref: shared.yaml}}
";

    const B: &str = "swagger: '2.0'
info: {title: B, version: '1'}
basePath: /v3/
security:
  - token: []
securityDefinitions:
  token: {type: apiKey, in: header, name: t}
paths:
  /rooms/{id}:
    parameters:
      - {in: path, name: id, type: string, required: true, description: write}
    put:
      operationId: setRoom
      parameters:
        - {in: body, name: body, schema: {$ref: shared.yaml}}
      responses:
        200: {description: ok}
";

    #[test]
    fn roots_share_a_path_and_a_schema_file() {
        let files = [("a.yaml", A), ("b.yaml", B), ("shared.yaml", "type: object\n")];
        let (spec, diagnostics) = merged("share", &files, &["a.yaml", "b.yaml"]);
        let spec = spec.unwrap_or_else(|| panic!("{diagnostics:#?}"));
        let item = &spec.document["paths"]["/v3/rooms/{id}"];
        // One path item, a method from each root, each with its own path parameter.
        assert_eq!(item["get"]["parameters"][0]["description"], "read");
        assert_eq!(item["put"]["parameters"][0]["description"], "write");
        assert_eq!(item["put"]["parameters"][1]["in"], "body");
        assert!(item.get("parameters").is_none());
        // The root-wide security of `b` reaches its operation only.
        assert_eq!(item["put"]["security"], serde_json::json!([{ "token": [] }]));
        assert!(item["get"].get("security").is_none() && spec.document.get("security").is_none());
        assert!(spec.document.get("basePath").is_none());
        // The schema file both roots refer to is one named schema.
        assert_eq!(spec.document["definitions"].as_object().map(Map::len), Some(1));
        assert_eq!(item["get"]["responses"]["200"]["schema"]["$ref"], "#/definitions/shared");
        assert_eq!(item["put"]["parameters"][1]["schema"]["$ref"], "#/definitions/shared");
        // Which root each operation came from.
        assert_eq!(spec.roots.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(spec.operation_root("/paths/~1v3~1rooms~1{id}/get"), 0);
        assert_eq!(spec.operation_root("/paths/~1v3~1rooms~1{id}/put"), 1);
        // Positions point into the root each part came from.
        let at = |pointer: &str| spec.value_location(pointer).map(|l| (l.file, l.line, l.column));
        assert_eq!(at("/paths/~1v3~1rooms~1{id}/put/operationId"), Some(("b.yaml".into(), 13, 20)));
        assert_eq!(at("/paths/~1v3~1rooms~1{id}/put/parameters/0/description"), Some(("b.yaml".into(), 11, 73)));
        assert_eq!(at("/paths/~1v3~1rooms~1{id}/put/security"), Some(("b.yaml".into(), 5, 3)));
        assert_eq!(at("/paths/~1v3~1rooms~1{id}/get/parameters/0/description"), Some(("a.yaml".into(), 7, 73)));
        let key = spec.key_location("/paths/~1v3~1rooms~1{id}").map(|l| (l.file, l.line));
        assert_eq!(key, Some(("a.yaml".into(), 5)));
    }

    #[test]
    fn different_values_under_one_name_are_an_error_at_the_second() {
        let a = format!("{A}definitions:\n  Room: {{type: object}}\n");
        let b = format!("{B}definitions:\n  Room: {{type: string}}\n");
        let files = [("a.yaml", a.as_str()), ("b.yaml", b.as_str()), ("shared.yaml", "type: object\n")];
        let (spec, diagnostics) = merged("conflict", &files, &["a.yaml", "b.yaml"]);
        assert!(spec.is_none());
        let errors: Vec<_> = diagnostics.iter().collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].code, codes::ROOT_CONFLICT);
        assert_eq!(
            errors[0].message,
            "`definitions/Room` of `b.yaml` differs from `definitions/Room` of `a.yaml`, at a.yaml:13:3"
        );
        let at = errors[0].location.as_ref().map(|l| (&*l.file, l.line));
        assert_eq!(at, Some(("b.yaml", 19)));
        // The same value under one name is one entry.
        let b = format!("{B}definitions:\n  Room: {{type: object}}\n");
        let files = [("a.yaml", a.as_str()), ("b.yaml", b.as_str()), ("shared.yaml", "type: object\n")];
        let (spec, diagnostics) = merged("same", &files, &["a.yaml", "b.yaml"]);
        assert!(spec.is_some() && diagnostics.is_empty(), "{diagnostics:#?}");
    }

    #[test]
    fn roots_of_different_versions_are_refused() {
        let openapi = "openapi: 3.0.3\ninfo: {title: C, version: '1'}\npaths: {}\n";
        let files = [("a.yaml", A), ("c.yaml", openapi), ("shared.yaml", "type: object\n")];
        let (spec, diagnostics) = merged("versions", &files, &["a.yaml", "c.yaml"]);
        assert!(spec.is_none());
        let codes: Vec<_> = diagnostics.iter().map(|d| (d.code, d.location.as_ref().map(|l| l.line))).collect();
        assert_eq!(codes, [(codes::VERSION_CONFLICT, Some(1))]);
    }

    #[test]
    fn another_host_or_server_origin_is_a_warning_and_the_first_is_kept() {
        let a = A.replace("basePath", "host: a.org\nbasePath");
        let b = B.replace("basePath", "host: b.org:8448\nbasePath");
        let files = [("a.yaml", a.as_str()), ("b.yaml", b.as_str()), ("shared.yaml", "type: object\n")];
        let (spec, diagnostics) = merged("hosts", &files, &["a.yaml", "b.yaml"]);
        assert_eq!(spec.expect("merged").document["host"], "a.org");
        let warning = diagnostics.iter().next().expect("a warning");
        assert_eq!((warning.severity, warning.code), (crate::Severity::Warning, codes::UNSUPPORTED));
        assert_eq!(warning.location.as_ref().map(|l| (&*l.file, l.line)), Some(("b.yaml", 3)));
        let x = "openapi: 3.0.3\ninfo: {title: X, version: '1'}\nservers: [{url: 'https://x/v1'}]\npaths: {}\n";
        let y = "openapi: 3.0.3\ninfo: {title: Y, version: '1'}\nservers: [{url: 'https://y'}]\npaths: {}\n";
        let (spec, diagnostics) = merged("servers", &[("x.yaml", x), ("y.yaml", y)], &["x.yaml", "y.yaml"]);
        assert_eq!(spec.expect("merged").document["servers"], json!([{ "url": "https://x" }]));
        let warning = diagnostics.iter().next().expect("a warning");
        assert_eq!((warning.severity, warning.code), (crate::Severity::Warning, codes::UNSUPPORTED));
        assert!(warning.message.ends_with("`https://x` is kept"), "{}", warning.message);
        assert_eq!(warning.location.as_ref().map(|l| (&*l.file, l.line)), Some(("y.yaml", 3)));
        // The same servers merge, their path staying the server's.
        let (spec, diagnostics) = merged("same-servers", &[("x.yaml", x), ("z.yaml", x)], &["x.yaml", "z.yaml"]);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        assert_eq!(spec.expect("merged").document["servers"], json!([{ "url": "https://x/v1" }]));
    }

    /// Matrix from v1.8: one origin, a base path per root in a variable's default.
    #[test]
    fn roots_whose_servers_differ_each_have_their_server_path_in_their_paths() {
        let root = |base: &str, path: &str| {
            format!(
                "openapi: 3.1.0
info: {{title: T, version: '1'}}
servers:
  - url: '{{protocol}}://{{hostname}}{{basePath}}'
    variables:
      protocol: {{enum: [http, https], default: https}}
      hostname: {{default: 'localhost:8008'}}
      basePath: {{default: {base}}}
paths:
  {path}:
    get:
      responses: {{'200': {{description: ok}}}}
"
            )
        };
        let (v3, v1, none) = (root("/_matrix/client/v3/", "/sync"), root("/_matrix/client/v1", "/sync"), "openapi: 3.1.0\ninfo: {title: N, version: '1'}\npaths:\n  /n:\n    get:\n      responses: {'200': {description: ok}}\n");
        let files = [("v3.yaml", v3.as_str()), ("v1.yaml", v1.as_str()), ("none.yaml", none)];
        let (spec, diagnostics) = merged("server-paths", &files, &["v3.yaml", "v1.yaml", "none.yaml"]);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let spec = spec.expect("merged");
        assert_eq!(spec.document["servers"], json!([{ "url": "https://localhost:8008" }]));
        let paths: Vec<_> = spec.document["paths"].as_object().expect("paths").keys().cloned().collect();
        assert_eq!(paths, ["/_matrix/client/v3/sync", "/_matrix/client/v1/sync", "/n"]);
        // Each path item is located in its own root.
        let at = spec.map.key_location(&spec.sources, "/paths/~1_matrix~1client~1v1~1sync").expect("located");
        assert_eq!((&*at.file, at.line), ("v1.yaml", 10));
        // A server path that cannot begin a path (a variable without a default) is an error at the URL.
        let bad = root("/v1", "/x").replace("basePath: {default: /v1}", "basePath: {enum: [/v1]}");
        let files = [("v3.yaml", v3.as_str()), ("bad.yaml", bad.as_str())];
        let (spec, diagnostics) = merged("bad-server-path", &files, &["v3.yaml", "bad.yaml"]);
        assert!(spec.is_none());
        let error = diagnostics.iter().next().expect("an error");
        assert_eq!(error.code, codes::INVALID_SERVER);
        assert_eq!(error.location.as_ref().map(|l| (&*l.file, l.line)), Some(("bad.yaml", 4)));
    }

    #[test]
    fn one_method_and_path_in_two_roots_is_an_error() {
        let files = [("a.yaml", A), ("b.yaml", A), ("shared.yaml", "type: object\n")];
        // The same file twice would be read once: a copy under another name.
        let (spec, diagnostics) = merged("twice", &files, &["a.yaml", "b.yaml"]);
        assert!(spec.is_none());
        let error = diagnostics.iter().next().expect("an error");
        assert_eq!(error.code, codes::ROOT_CONFLICT);
        assert_eq!(error.message, "`GET /v3/rooms/{id}` of `b.yaml` is also declared by `a.yaml`");
    }
}
