//! Resolve: follows every `$ref` and bundles the spec into one self-contained document.
//!
//! In: the loaded root file. Out: a [`Spec`]: one JSON document whose refs are all local,
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
use crate::load::{self, Limits};
use crate::source::{push_token, tokens, FileId, SourceFile, SourceMap, Sources, Spec};

/// Where named schemas live in this kind of document.
fn schemas_pointer(document: &Value) -> &'static str {
    if document.get("openapi").is_some() {
        "/components/schemas"
    } else {
        "/definitions"
    }
}

/// [`resolve_limited`] with the default [`Limits`].
pub fn resolve(root: SourceFile, root_dir: &Path, diagnostics: &mut Diagnostics) -> Spec {
    resolve_limited(root, root_dir, &Limits::default(), diagnostics)
}

/// Resolves every ref reachable from `root`. `root_dir` is the folder refs may not leave;
/// `limits` bounds the files read and what inlining refs may add to the document.
pub fn resolve_limited(root: SourceFile, root_dir: &Path, limits: &Limits, diagnostics: &mut Diagnostics) -> Spec {
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
        limits: limits.clone(),
        total_bytes: root.text.len() as u64,
        inlined: 0,
        exhausted: false,
        reported_depth: false,
        diagnostics,
    };
    // Names the document itself gives its schemas are taken first.
    if let Some(Value::Object(defs)) = root.value.pointer(schemas_at) {
        resolver.names.extend(defs.keys().cloned());
    }
    let root_id = add_file(&mut resolver.sources, root);
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
    Spec { document, sources, map, roots: vec![root_id], source_version: String::new() }
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
    limits: Limits,
    /// Bytes of every file read so far.
    total_bytes: u64,
    /// The cost of what inlining has copied (see [`Limits::max_expansion_ratio`]), and
    /// whether it passed the budget (reported once, then nothing more is inlined).
    inlined: u64,
    exhausted: bool,
    /// Whether inlining too deep was reported (once is enough: every chain of refs that
    /// goes on from there would repeat it).
    reported_depth: bool,
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
                let swagger = self.schemas_at == "/definitions";
                let names = crate::spec::keys_are_names(pointer);
                for (key, child) in map {
                    // Extensions and example data are opaque: a `$ref` in them is data.
                    if crate::spec::holds_data(pointer, key, swagger) {
                        out.insert(key.clone(), child.clone());
                        continue;
                    }
                    let is_root_schemas = !in_schema && file == 0 && push_token(pointer, key) == self.schemas_at;
                    let child_in_schema = in_schema || !names && key == "schema" || is_root_schemas;
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
        if self.exhausted {
            return Value::Object(map.clone());
        }
        let target = self.sources.get(target_file).value.pointer(&target_pointer).cloned().unwrap_or(Value::Null);
        // Each ref inlined copies its target once (refs inside it are charged when they are
        // inlined in turn), so counting targets bounds the document: refs that fan out
        // cannot make it exponential, nor chains of refs make it deeper than the limit.
        let (cost, depth) = load::value_shape(&target);
        let at_depth = at.matches('/').count();
        let budget = self.limits.expansion_budget(self.total_bytes);
        // The source map keeps a mount, keyed by `at`, for every ref inlined.
        self.inlined = self.inlined.saturating_add(cost).saturating_add(at.len() as u64);
        let problem = if at_depth + depth > self.limits.max_depth {
            if std::mem::replace(&mut self.reported_depth, true) {
                return Value::Object(map.clone());
            }
            Some((
                format!(
                    "inlining `$ref` `{reference}` here nests the document deeper than {} levels",
                    self.limits.max_depth
                ),
                "inline fewer levels of refs, e.g. by naming the deep parts as schemas".to_owned(),
            ))
        } else if self.inlined > budget {
            self.exhausted = true;
            Some((
                format!("inlining `$ref`s expands the spec to more than {budget} bytes"),
                "refer to shared objects fewer times, or raise `limits.max_expansion_ratio` in the configuration"
                    .to_owned(),
            ))
        } else {
            None
        };
        if let Some((message, help)) = problem {
            self.diagnostics.push(
                Diagnostic::error(codes::LIMIT, message)
                    .at(self.sources.value_location(file, &ref_pointer))
                    .label("the limit is passed here")
                    .help(help),
            );
            return Value::Object(map.clone());
        }
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
        if reference.is_empty() {
            self.diagnostics.push(error(
                codes::REF_INVALID,
                "`$ref` is empty".into(),
                "empty reference",
                "name a file, a fragment or both, e.g. `#/definitions/Name`",
            ));
            return None;
        }
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
        let (Some(fragment), Some(path)) =
            (crate::spec::percent_decode(fragment), crate::spec::percent_decode(path_part))
        else {
            self.diagnostics.push(error(
                codes::REF_INVALID,
                format!("`$ref` `{reference}` is not UTF-8 text once percent-decoded"),
                "invalid percent-encoding",
                "percent-encode UTF-8 text only, e.g. `%C3%A9` for `é`",
            ));
            return None;
        };
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
            let joined = base.join(&path);
            let lexical = crate::config::normalize(&joined);
            let canonical = match joined.canonicalize() {
                Ok(p) => p,
                Err(e) => {
                    let (code, message, label) = if !lexical.starts_with(&self.root_dir) {
                        (
                            codes::REF_ESCAPES_ROOT,
                            format!("`$ref` `{reference}` leaves the spec's folder"),
                            "outside the spec's folder",
                        )
                    } else if e.kind() == std::io::ErrorKind::NotFound {
                        (
                            codes::REF_MISSING_FILE,
                            format!("`$ref` names the file `{path_part}`, which does not exist"),
                            "no such file",
                        )
                    } else {
                        // A loop of symbolic links, a name the system refuses, ...
                        (codes::IO, format!("cannot resolve `$ref` `{reference}`: {e}"), "cannot resolve")
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
                let through_link = lexical.starts_with(&self.root_dir);
                let folder =
                    Some(crate::display_path(&self.root_dir)).filter(|p| !p.is_empty()).unwrap_or_else(|| ".".into());
                let message = if through_link {
                    format!("`$ref` `{reference}` leaves the spec's folder through a symbolic link")
                } else {
                    format!("`$ref` `{reference}` leaves the spec's folder")
                };
                let help = format!("keep every referenced file inside the spec's folder `{folder}`");
                self.diagnostics.push(error(codes::REF_ESCAPES_ROOT, message, "outside the spec's folder", &help));
                return None;
            }
            if canonical.is_dir() {
                self.diagnostics.push(error(
                    codes::NOT_A_FILE,
                    format!("`$ref` `{reference}` names a folder, not a file"),
                    "a folder",
                    "name a YAML or JSON file in the folder, e.g. `schemas/Name.yaml`",
                ));
                return None;
            }
            match self.sources.find(&canonical) {
                Some(id) => id,
                None => {
                    let display = crate::display_path(&canonical);
                    let loaded = load::load(&canonical, &display, &self.limits, location.clone(), self.diagnostics)?;
                    self.total_bytes = self.total_bytes.saturating_add(loaded.text.len() as u64);
                    if self.total_bytes > self.limits.max_total_bytes {
                        self.diagnostics.push(error(
                            codes::LIMIT,
                            format!(
                                "the files of the spec add up to more than {} bytes with `{display}`",
                                self.limits.max_total_bytes
                            ),
                            "the limit is passed here",
                            "split the spec, or raise `limits.max_total_bytes` in the configuration",
                        ));
                        return None;
                    }
                    add_file(&mut self.sources, loaded)
                }
            }
        };
        if target_file == 0 && fragment.is_empty() {
            self.diagnostics.push(error(
                codes::REF_BAD_POINTER,
                format!("`$ref` `{reference}` names the whole spec document"),
                "the spec itself",
                "point into the document, e.g. `#/definitions/Name`",
            ));
            return None;
        }
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

/// Adds a file the loader read to `sources`, with the JSON text that strings of its examples
/// hold read as JSON (an object or array; a scalar stays a string) and the spans of that
/// JSON's nodes, so later passes find both without reading text again.
pub fn add_file(sources: &mut Sources, mut file: SourceFile) -> FileId {
    let mut found = Vec::new();
    json_texts(&file.value, "", false, &mut found);
    let mut embedded = Vec::new();
    for pointer in found {
        let Some((value, spans)) = load::parse_embedded_json(&file, &pointer) else { continue };
        if value.is_object() || value.is_array() {
            file.spans.extend(spans);
            embedded.push((pointer, value));
        }
    }
    let id = sources.add(file);
    sources.embedded_json.extend(embedded.into_iter().map(|(pointer, value)| ((id, pointer), value)));
    id
}

/// Pointers of strings below an `example`, `x-example` or `examples` key that look like JSON
/// text (start with `{` or `[`).
fn json_texts(value: &Value, pointer: &str, in_example: bool, out: &mut Vec<String>) {
    match value {
        Value::String(text) if in_example && text.trim_start().starts_with(['{', '[']) => out.push(pointer.to_owned()),
        Value::Object(map) => {
            for (key, child) in map {
                let example = in_example || matches!(key.as_str(), "example" | "x-example" | "examples");
                json_texts(child, &push_token(pointer, key), example, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                json_texts(item, &format!("{pointer}/{i}"), in_example, out);
            }
        }
        _ => {}
    }
}

fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !reference.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    /// Writes `files` into a fresh folder and resolves its `spec.yaml`.
    fn resolved(name: &str, files: &[(&str, &str)], limits: &Limits) -> (Spec, Vec<Diagnostic>) {
        let dir = std::env::temp_dir().join(format!("resolve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in files {
            std::fs::write(dir.join(path), text).unwrap();
        }
        resolve_in(&dir, limits)
    }

    fn resolve_in(dir: &Path, limits: &Limits) -> (Spec, Vec<Diagnostic>) {
        let mut diagnostics = Diagnostics::default();
        let root = load::load(&dir.join("spec.yaml"), "spec.yaml", limits, None, &mut diagnostics).unwrap();
        let bundle = resolve_limited(root, dir, limits, &mut diagnostics);
        // Every diagnostic renders.
        let _ = diagnostics.render(false);
        (bundle, diagnostics.iter().cloned().collect())
    }

    fn one_error(diagnostics: &[Diagnostic]) -> &Diagnostic {
        let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == crate::Severity::Error).collect();
        assert_eq!(errors.len(), 1, "{diagnostics:#?}");
        errors[0]
    }

    const HEAD: &str = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn a_fragment_with_a_broken_escape_before_a_multibyte_character_does_not_panic() {
        let spec = format!("{HEAD}definitions:\n  A:\n    $ref: 'b.yaml#/x%1é'\n");
        let (_, diagnostics) = resolved("escape", &[("spec.yaml", &spec), ("b.yaml", "x: {}\n")], &Limits::default());
        let error = one_error(&diagnostics);
        assert_eq!(error.code, codes::REF_BAD_POINTER);
        assert_eq!(error.location.as_ref().map(|l| l.line), Some(6));
    }

    #[test]
    fn a_fragment_that_is_not_utf8_once_decoded_is_located() {
        let spec = format!("{HEAD}definitions:\n  A:\n    $ref: 'b.yaml#/x%FF'\n");
        let (_, diagnostics) = resolved("utf8", &[("spec.yaml", &spec), ("b.yaml", "x: {}\n")], &Limits::default());
        let error = one_error(&diagnostics);
        assert_eq!(error.code, codes::REF_INVALID);
        assert_eq!(error.location.as_ref().map(|l| (l.line, l.column)), Some((6, 11)));
    }

    #[test]
    fn a_ref_to_a_folder_says_so_at_the_ref() {
        for reference in [".", "./", "sub", "sub/.."] {
            let spec = format!("{HEAD}definitions:\n  A:\n    $ref: '{reference}'\n");
            let dir = std::env::temp_dir().join(format!("resolve-folder-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("sub")).unwrap();
            std::fs::write(dir.join("spec.yaml"), spec).unwrap();
            let (_, diagnostics) = resolve_in(&dir, &Limits::default());
            let error = one_error(&diagnostics);
            assert_eq!(error.code, codes::NOT_A_FILE);
            assert_eq!(error.message, format!("`$ref` `{reference}` names a folder, not a file"));
            assert_eq!(error.location.as_ref().map(|l| l.line), Some(6));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_ref_to_a_fifo_is_refused_at_the_ref_without_hanging() {
        let dir = std::env::temp_dir().join(format!("resolve-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("spec.yaml"), format!("{HEAD}definitions:\n  A:\n    $ref: pipe.yaml\n")).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(dir.join("pipe.yaml")).status().unwrap().success());
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(resolve_in(&dir, &Limits::default()).1));
        let diagnostics = receive.recv_timeout(std::time::Duration::from_secs(10)).expect("no hang");
        let error = one_error(&diagnostics);
        assert_eq!(error.code, codes::NOT_A_FILE);
        assert_eq!(error.location.as_ref().map(|l| (l.file.as_str(), l.line)), Some(("spec.yaml", 6)));
    }

    #[test]
    fn a_file_past_the_size_limit_is_refused_at_the_ref() {
        let spec = format!("{HEAD}definitions:\n  A:\n    $ref: big.yaml\n");
        let limits = Limits { max_file_bytes: 200, ..Limits::default() };
        let big = format!("type: object\ndescription: '{}'\n", "x".repeat(300));
        let (_, diagnostics) = resolved("size", &[("spec.yaml", &spec), ("big.yaml", &big)], &limits);
        let error = one_error(&diagnostics);
        assert_eq!((error.code, error.location.as_ref().map(|l| l.line)), (codes::LIMIT, Some(6)));
        let limits = Limits { max_total_bytes: 300, ..Limits::default() };
        let (_, diagnostics) = resolved("total", &[("spec.yaml", &spec), ("big.yaml", &big)], &limits);
        assert_eq!(one_error(&diagnostics).code, codes::LIMIT);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_loop_is_reported_at_the_ref() {
        let dir = std::env::temp_dir().join(format!("resolve-loop-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("spec.yaml"), format!("{HEAD}definitions:\n  A:\n    $ref: a.yaml\n")).unwrap();
        std::os::unix::fs::symlink("b.yaml", dir.join("a.yaml")).unwrap();
        std::os::unix::fs::symlink("a.yaml", dir.join("b.yaml")).unwrap();
        let (_, diagnostics) = resolve_in(&dir, &Limits::default());
        let error = one_error(&diagnostics);
        assert_eq!(error.code, codes::IO);
        assert!(error.message.starts_with("cannot resolve `$ref` `a.yaml`: "), "{}", error.message);
        assert_eq!(error.location.as_ref().map(|l| l.line), Some(6));
    }

    #[test]
    fn the_root_file_under_another_spelling_is_the_root_file() {
        let spec = format!(
            "{HEAD}definitions:\n  A:\n    type: string\n  B:\n    $ref: './spec.yaml#/definitions/A'\n  C:\n    $ref: 'sub/../spec.yaml#/definitions/A'\n"
        );
        let dir = std::env::temp_dir().join(format!("resolve-spelling-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("spec.yaml"), spec).unwrap();
        let (bundle, diagnostics) = resolve_in(&dir, &Limits::default());
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        assert_eq!(bundle.sources.files.len(), 1);
        assert_eq!(bundle.document["definitions"]["B"]["$ref"], "#/definitions/A");
        assert_eq!(bundle.document["definitions"]["C"]["$ref"], "#/definitions/A");
    }

    #[test]
    fn empty_refs_and_refs_to_the_whole_spec_are_errors() {
        for (reference, code) in
            [("''", codes::REF_INVALID), ("'#'", codes::REF_BAD_POINTER), ("spec.yaml", codes::REF_BAD_POINTER)]
        {
            let spec = format!("{HEAD}definitions:\n  A:\n    $ref: {reference}\n");
            let (_, diagnostics) = resolved("empty", &[("spec.yaml", &spec)], &Limits::default());
            let error = one_error(&diagnostics);
            assert_eq!((error.code, error.location.as_ref().map(|l| l.line)), (code, Some(6)), "{reference}");
        }
        // In a schema file of its own, `#` is the schema itself: a recursive schema.
        let spec = format!("{HEAD}definitions:\n  A:\n    $ref: node.yaml\n");
        let node = "type: object\nproperties:\n  next:\n    $ref: '#'\n";
        let (bundle, diagnostics) = resolved("self", &[("spec.yaml", &spec), ("node.yaml", node)], &Limits::default());
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        assert_eq!(bundle.document["definitions"]["node"]["properties"]["next"]["$ref"], "#/definitions/node");
    }

    #[test]
    fn refs_that_fan_out_cannot_expand_the_document_exponentially() {
        // Each level inlines the previous one twice: 2^40 copies without a limit.
        let mut spec =
            String::from("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: '#/x/l0'\nx:\n");
        spec.push_str("  l40: {get: {responses: {200: {description: ok}}}}\n");
        for i in 0..40 {
            spec.push_str(&format!("  l{i}: [{{$ref: '#/x/l{n}'}}, {{$ref: '#/x/l{n}'}}]\n", n = i + 1));
        }
        let limits = Limits { min_expansion_bytes: 1 << 20, ..Limits::default() };
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(resolved("fan", &[("spec.yaml", &spec)], &limits).1));
        let diagnostics = receive.recv_timeout(std::time::Duration::from_secs(20)).expect("no blow-up");
        let error = one_error(&diagnostics);
        assert_eq!(error.code, codes::LIMIT);
        assert!(error.message.starts_with("inlining `$ref`s expands the spec"), "{}", error.message);
        assert!(error.location.is_some());
    }

    #[test]
    fn chains_of_inlined_refs_cannot_nest_past_the_depth_limit() {
        // Each ref is a different target, so no cycle: only the depth stops it. The chain
        // sits under an extension, so only the path's ref walks it.
        let mut spec =
            String::from("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: '#/x-c/l0'\nx-c:\n");
        for i in 0..1_000 {
            spec.push_str(&format!("  l{i}: {{a: {{$ref: '#/x-c/l{}'}}}}\n", i + 1));
        }
        spec.push_str("  l1000: {}\n");
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(resolved("chain", &[("spec.yaml", &spec)], &Limits::default()).1));
        let diagnostics = receive.recv_timeout(std::time::Duration::from_secs(20)).expect("no overflow");
        let error = one_error(&diagnostics);
        assert_eq!(error.code, codes::LIMIT);
        assert!(error.message.contains("deeper than 127 levels"), "{}", error.message);
    }

    /// Data keys are data only where they are fields: a response called `default`, a schema
    /// called `example`, are followed; an Example Object's `value` and an extension are not.
    #[test]
    fn refs_are_followed_everywhere_but_in_data() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        default:\n          $ref: '#/components/responses/Err'\n      x-internal: {$ref: 'nowhere.yaml'}\ncomponents:\n  responses:\n    Err:\n      description: error\n      content:\n        application/json:\n          schema: {$ref: '#/components/schemas/example'}\n          examples:\n            one:\n              value: {$ref: 'not-a-file.yaml'}\n  schemas:\n    example:\n      $ref: 'b.yaml'\n";
        let (bundle, diagnostics) =
            resolved("data", &[("spec.yaml", spec), ("b.yaml", "type: string\n")], &Limits::default());
        assert_eq!(diagnostics, []);
        let default = &bundle.document["paths"]["/x"]["get"]["responses"]["default"];
        assert_eq!(default["description"], "error");
        let media = &default["content"]["application/json"];
        assert_eq!(media["examples"]["one"]["value"], serde_json::json!({ "$ref": "not-a-file.yaml" }));
        assert_eq!(bundle.document["paths"]["/x"]["get"]["x-internal"], serde_json::json!({ "$ref": "nowhere.yaml" }));
        // The schema named `example` is its target, bundled as `b`.
        assert_eq!(
            bundle.document["components"]["schemas"]["example"],
            serde_json::json!({ "$ref": "#/components/schemas/b" })
        );
        assert_eq!(bundle.document["components"]["schemas"]["b"], serde_json::json!({ "type": "string" }));
    }
}
