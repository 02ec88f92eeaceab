//! Resolve: follows every `$ref` and bundles the spec into one self-contained document.
//!
//! In: the loaded root file. Out: a [`Bundle`]: one JSON document whose refs are all local,
//! the files it was made from, and a source map back into them.
//!
//! Refs are resolved relative to the file that holds them (RFC 3986), each file is read once,
//! and a schema that is referenced (an external file, or a fragment of one) becomes a named
//! entry of `definitions` (Swagger 2.0) or `components/schemas` (OpenAPI 3.0), so a file
//! referenced from two places is one type and cycles stay references. Refs outside schemas
//! (parameters, responses, path items) are inlined. Refused, with a location: absolute URIs
//! (a build tool must not fetch), targets outside the spec's root folder (also through a
//! symbolic link or `..`), missing files, and pointers to nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::load;
use crate::source::{push_token, tokens, FileId, SourceFile, SourceMap, Sources};

/// The spec as one document, plus everything needed to point back into its files.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub document: Value,
    pub sources: Sources,
    pub map: SourceMap,
}

impl Bundle {
    /// Location of the value at a pointer of [`Bundle::document`].
    pub fn value_location(&self, pointer: &str) -> Option<crate::diagnostics::Location> {
        self.map.value_location(&self.sources, pointer)
    }

    /// Location of the key naming the node at a pointer of [`Bundle::document`].
    pub fn key_location(&self, pointer: &str) -> Option<crate::diagnostics::Location> {
        self.map.key_location(&self.sources, pointer)
    }
}

/// Where named schemas live in this kind of document.
fn schemas_pointer(document: &Value) -> &'static str {
    if document.get("openapi").is_some() {
        "/components/schemas"
    } else {
        "/definitions"
    }
}

/// Resolves every ref reachable from `root`. `root_dir` is the folder refs may not leave.
pub fn resolve(root: SourceFile, root_dir: &Path, diagnostics: &mut Diagnostics) -> Bundle {
    let root_dir = root_dir.canonicalize().unwrap_or_else(|_| root_dir.to_path_buf());
    let schemas_at = schemas_pointer(&root.value);
    let mut resolver = Resolver {
        sources: Sources::default(),
        root_dir,
        schemas_at,
        named: BTreeMap::new(),
        names: BTreeSet::new(),
        bundled: Vec::new(),
        inlining: Vec::new(),
        map: SourceMap::default(),
        diagnostics,
    };
    // Names the document itself gives its schemas are taken first.
    if let Some(Value::Object(defs)) = root.value.pointer(schemas_at) {
        resolver.names.extend(defs.keys().cloned());
    }
    let root_id = resolver.sources.add(root);
    resolver.map.mount("", root_id, "");
    let root_value = resolver.sources.get(root_id).value.clone();
    let mut document = resolver.walk(&root_value, root_id, "", "", false);

    // Bundled schemas are walked after the document (and may bundle further ones).
    let mut next = 0;
    let mut entries = Vec::new();
    while next < resolver.bundled.len() {
        let (name, file, pointer) = resolver.bundled[next].clone();
        next += 1;
        let at = format!("{schemas_at}/{}", crate::source::escape_token(&name));
        let Some(target) = resolver.sources.get(file).value.pointer(&pointer).cloned() else { continue };
        resolver.map.mount(&at, file, &pointer);
        let value = resolver.walk(&target, file, &pointer, &at, true);
        entries.push((name, value));
    }
    if !entries.is_empty() {
        let mut slot = &mut document;
        for token in tokens(schemas_at) {
            if !slot.is_object() {
                break;
            }
            slot = slot.as_object_mut().expect("checked").entry(token).or_insert_with(|| Value::Object(Map::new()));
        }
        if let Some(map) = slot.as_object_mut() {
            for (name, value) in entries {
                map.insert(name, value);
            }
        }
    }
    let Resolver { sources, map, .. } = resolver;
    for file in &sources.files {
        diagnostics.add_source(&file.display, &file.text);
    }
    Bundle { document, sources, map }
}

struct Resolver<'d> {
    sources: Sources,
    root_dir: PathBuf,
    schemas_at: &'static str,
    /// Bundled schema targets and the definition name each got.
    named: BTreeMap<(FileId, String), String>,
    names: BTreeSet<String>,
    bundled: Vec<(String, FileId, String)>,
    /// Non-schema refs being inlined, to catch cycles among them.
    inlining: Vec<(FileId, String)>,
    map: SourceMap,
    diagnostics: &'d mut Diagnostics,
}

impl Resolver<'_> {
    /// Copies `value` (found in `file` at `pointer`, placed at `at` in the bundle),
    /// resolving the refs inside it.
    fn walk(&mut self, value: &Value, file: FileId, pointer: &str, at: &str, in_schema: bool) -> Value {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    return self.reference(map, reference, file, pointer, at, in_schema);
                }
                let mut out = Map::new();
                for (key, child) in map {
                    // Extensions and example data are opaque: a `$ref` in them is data.
                    let in_property_names = pointer.ends_with("/properties") && in_schema;
                    if !in_property_names && crate::source::holds_data(key) {
                        out.insert(key.clone(), child.clone());
                        continue;
                    }
                    let is_root_schemas = !in_schema && file == 0 && push_token(pointer, key) == self.schemas_at;
                    let child_in_schema = in_schema || key == "schema" || is_root_schemas;
                    let child_pointer = push_token(pointer, key);
                    let child_at = push_token(at, key);
                    out.insert(key.clone(), self.walk(child, file, &child_pointer, &child_at, child_in_schema));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.walk(item, file, &format!("{pointer}/{i}"), &format!("{at}/{i}"), in_schema))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn reference(
        &mut self,
        map: &Map<String, Value>,
        reference: &str,
        file: FileId,
        pointer: &str,
        at: &str,
        in_schema: bool,
    ) -> Value {
        let ref_pointer = push_token(pointer, "$ref");
        let Some((target_file, target_pointer)) = self.target(reference, file, &ref_pointer) else {
            return Value::Object(map.clone());
        };
        if in_schema {
            let name = self.schema_name(target_file, &target_pointer);
            let mut out = map.clone();
            out.insert(
                "$ref".into(),
                Value::String(format!("#{}/{}", self.schemas_at, crate::source::escape_token(&name))),
            );
            return Value::Object(out);
        }
        let key = (target_file, target_pointer.clone());
        if self.inlining.contains(&key) {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::REF_CYCLE,
                    format!("`$ref` `{reference}` refers to itself through other refs"),
                )
                .at(self.sources.value_location(file, &ref_pointer))
                .label("cyclic reference")
                .help("only schemas may be recursive; inline one of the objects on the cycle"),
            );
            return Value::Object(map.clone());
        }
        let target = self.sources.get(target_file).value.pointer(&target_pointer).cloned().unwrap_or(Value::Null);
        self.map.mount(at, target_file, &target_pointer);
        self.inlining.push(key);
        let value = self.walk(&target, target_file, &target_pointer, at, false);
        self.inlining.pop();
        value
    }

    /// The definition name for a schema target, bundling it on first sight.
    fn schema_name(&mut self, file: FileId, pointer: &str) -> String {
        // A schema the root document already names keeps its name.
        if file == 0 {
            if let Some(rest) = pointer.strip_prefix(self.schemas_at).and_then(|r| r.strip_prefix('/')) {
                if !rest.contains('/') {
                    return crate::source::unescape_token(rest);
                }
            }
        }
        if let Some(name) = self.named.get(&(file, pointer.to_owned())) {
            return name.clone();
        }
        let path = &self.sources.get(file).path;
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let base = tokens(pointer).last().cloned().unwrap_or_else(|| stem.clone());
        let mut name = base.clone();
        // Clashes are settled deterministically: first by the file stem, then by folders.
        let mut prefixes = vec![stem.to_snake_case()];
        let relative = path.strip_prefix(&self.root_dir).unwrap_or(path);
        prefixes.extend(relative.parent().into_iter().flat_map(|p| p.components()).rev().filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().to_snake_case()),
            _ => None,
        }));
        let mut i = 0;
        while self.names.contains(&name) {
            name = match prefixes.get(i) {
                Some(prefix) if !prefix.is_empty() && i < prefixes.len() => format!("{prefix}_{name}"),
                _ => format!("{base}_{}", i + 1),
            };
            i += 1;
        }
        self.names.insert(name.clone());
        self.named.insert((file, pointer.to_owned()), name.clone());
        self.bundled.push((name.clone(), file, pointer.to_owned()));
        name
    }

    /// Finds (loading if need be) the file and pointer a ref names.
    fn target(&mut self, reference: &str, file: FileId, ref_pointer: &str) -> Option<(FileId, String)> {
        let location = self.sources.value_location(file, ref_pointer);
        let error = |code, message: String, label: &str, help: &str| {
            Diagnostic::error(code, message).at(location.clone()).label(label).help(help)
        };
        if has_scheme(reference) {
            self.diagnostics.push(error(
                codes::REF_ABSOLUTE,
                format!("`$ref` to the absolute URI `{reference}` is refused"),
                "absolute URI",
                "refs must name files inside the spec's folder; download the file next to the spec and refer to it by relative path",
            ));
            return None;
        }
        let (path_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fragment = percent_decode(fragment);
        if !fragment.is_empty() && !fragment.starts_with('/') {
            self.diagnostics.push(error(
                codes::REF_BAD_POINTER,
                format!("invalid `$ref` `{reference}`: the fragment is not a JSON Pointer"),
                "fragment must start with `/`",
                "write the fragment as a JSON Pointer, e.g. `#/definitions/Name`",
            ));
            return None;
        }
        let target_file = if path_part.is_empty() {
            file
        } else {
            let base = self.sources.get(file).path.parent().map(Path::to_path_buf).unwrap_or_default();
            let joined = base.join(percent_decode(path_part));
            let canonical = match joined.canonicalize() {
                Ok(p) => p,
                Err(_) => {
                    let lexical = crate::config::normalize(&joined);
                    let (code, message, label) = if lexical.starts_with(&self.root_dir) {
                        (
                            codes::REF_MISSING_FILE,
                            format!("`$ref` names the file `{path_part}`, which does not exist"),
                            "no such file",
                        )
                    } else {
                        (
                            codes::REF_ESCAPES_ROOT,
                            format!("`$ref` `{reference}` leaves the spec's folder"),
                            "outside the spec's folder",
                        )
                    };
                    self.diagnostics.push(error(
                        code,
                        message,
                        label,
                        "refs are resolved relative to the file that holds them",
                    ));
                    return None;
                }
            };
            if !canonical.starts_with(&self.root_dir) {
                let through_link = crate::config::normalize(&joined).starts_with(&self.root_dir);
                let folder = Path::new(&self.sources.get(0).display)
                    .parent()
                    .map(|p| p.display().to_string())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| ".".into());
                let message = if through_link {
                    format!("`$ref` `{reference}` leaves the spec's folder through a symbolic link")
                } else {
                    format!("`$ref` `{reference}` leaves the spec's folder")
                };
                let help = format!("keep every referenced file inside the spec's folder `{folder}`");
                self.diagnostics.push(error(codes::REF_ESCAPES_ROOT, message, "outside the spec's folder", &help));
                return None;
            }
            match self.sources.find(&canonical) {
                Some(id) => id,
                None => {
                    let display = display_path(&canonical, &self.root_dir, &self.sources.get(0).display);
                    self.sources.add(load::load_or_report(&canonical, &display, self.diagnostics)?)
                }
            }
        };
        if self.sources.get(target_file).value.pointer(&fragment).is_none() {
            self.diagnostics.push(error(
                codes::REF_BAD_POINTER,
                format!("`$ref` `{reference}` points to nothing"),
                "no value at this pointer",
                "check the spelling of the pointer against the target file",
            ));
            return None;
        }
        Some((target_file, fragment))
    }
}

/// A name for diagnostics: the root file's folder as shown to the user, joined with the
/// file's path below the root folder.
fn display_path(path: &Path, root_dir: &Path, root_display: &str) -> String {
    let relative = path.strip_prefix(root_dir).unwrap_or(path);
    let folder = Path::new(root_display).parent().unwrap_or(Path::new(""));
    folder.join(relative).to_string_lossy().into_owned()
}

fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !reference.starts_with('#')
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
