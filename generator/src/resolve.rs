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
//!
//! Example values are data, `$ref` and all, unless [`ExampleRefs::Resolve`] is asked for: then
//! a `$ref` inside one is inlined like the refs outside schemas, and members written beside
//! it are laid over the referenced object's (decision 24).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use heck::ToSnakeCase;
use serde_json::{Map, Value};

pub use crate::config::ExampleRefs;
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
    crate::merge::one(resolve_roots(vec![root], root_dir, limits, diagnostics))
}

/// What resolving several root documents with one resolver gives: each root's document with
/// its refs resolved, and the schemas they refer to, each once, named once for all roots.
/// [`crate::merge`] makes one [`Spec`] of it.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub sources: Sources,
    pub roots: Vec<ResolvedRoot>,
    /// Where named schemas live (`/definitions` or `/components/schemas`).
    pub schemas_at: &'static str,
    /// The bundled schemas (files and fragments referred to as schemas), by name, in the
    /// order they were found.
    pub schemas: Vec<(String, Value)>,
    /// Pointers of the bundled schemas in the merged document (`{schemas_at}/{name}/...`) →
    /// the files they came from.
    pub schemas_map: SourceMap,
    /// Whether inlining passed a limit (reported): it stopped there, and the document has
    /// holes where the refs past it were.
    pub stopped: bool,
}

/// One root document, resolved.
#[derive(Debug, Clone)]
pub struct ResolvedRoot {
    pub file: FileId,
    pub document: Value,
    /// Pointers of [`ResolvedRoot::document`] → the files they came from.
    pub map: SourceMap,
}

/// Resolves every ref reachable from each of `roots` with one resolver, so a file that
/// several roots refer to is read once and named once. `root_dir` is the folder refs may not
/// leave; `limits` bounds the files read (all roots together) and what inlining may add.
pub fn resolve_roots(
    roots: Vec<SourceFile>,
    root_dir: &Path,
    limits: &Limits,
    diagnostics: &mut Diagnostics,
) -> Bundle {
    resolve_roots_with(roots, root_dir, limits, ExampleRefs::Literal, diagnostics)
}

/// [`resolve_roots`], with `$ref`s inside example values read as `example_refs` says.
pub fn resolve_roots_with(
    roots: Vec<SourceFile>,
    root_dir: &Path,
    limits: &Limits,
    example_refs: ExampleRefs,
    diagnostics: &mut Diagnostics,
) -> Bundle {
    let root_dir = root_dir.canonicalize().unwrap_or_else(|_| root_dir.to_path_buf());
    let schemas_at = roots.first().map_or("/definitions", |root| schemas_pointer(&root.value));
    let mut resolver = Resolver {
        sources: Sources::default(),
        roots: BTreeSet::new(),
        root_dir,
        schemas_at,
        named: BTreeMap::new(),
        names: BTreeSet::new(),
        bundled: Vec::new(),
        inlining: Vec::new(),
        map: SourceMap::default(),
        limits: limits.clone(),
        total_bytes: roots.iter().map(|root| root.text.len() as u64).sum(),
        inlined: 0,
        exhausted: false,
        reported_depth: false,
        example_refs,
        diagnostics,
    };
    // Names the documents themselves give their schemas are taken first.
    for root in &roots {
        if let Some(Value::Object(defs)) = crate::source::lookup(&root.value, schemas_at) {
            resolver.names.extend(defs.keys().cloned());
        }
    }
    // Every root is a known file before any is walked: a ref from one root into another
    // finds it, and its own schemas keep their names.
    let ids: Vec<FileId> = roots.into_iter().map(|root| add_file(&mut resolver.sources, root)).collect();
    resolver.roots.extend(ids.iter().copied());
    let mut resolved = Vec::new();
    for file in ids {
        resolver.map = SourceMap::default();
        resolver.map.mount("", file, "");
        let value = std::sync::Arc::clone(&resolver.sources.get(file).value);
        let document = resolver.walk(&value, file, "", "", false);
        resolved.push(ResolvedRoot { file, document, map: std::mem::take(&mut resolver.map) });
    }

    // Bundled schemas are walked after the documents (and may bundle further ones); they sit
    // at the same pointers in the merged document whichever root found them.
    resolver.map = SourceMap::default();
    let mut next = 0;
    let mut schemas = Vec::new();
    while next < resolver.bundled.len() {
        let (name, file, pointer) = resolver.bundled[next].clone();
        next += 1;
        let at = format!("{schemas_at}/{}", crate::source::escape_token(&name));
        let source = std::sync::Arc::clone(&resolver.sources.get(file).value);
        let Some(target) = crate::source::lookup(&source, &pointer) else { continue };
        resolver.map.mount(&at, file, &pointer);
        let value = resolver.walk(target, file, &pointer, &at, true);
        schemas.push((name, value));
    }
    let Resolver { sources, map, exhausted, reported_depth, .. } = resolver;
    for file in &sources.files {
        diagnostics.add_source(&file.display, file.text.clone());
    }
    Bundle { sources, roots: resolved, schemas_at, schemas, schemas_map: map, stopped: exhausted || reported_depth }
}

struct Resolver<'d> {
    sources: Sources,
    /// The root documents: their own schemas keep their names, and none is referred to whole.
    roots: BTreeSet<FileId>,
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
    /// Whether a `$ref` inside an example value is data or a reference.
    example_refs: ExampleRefs,
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
                let mut out = Map::with_capacity(map.len());
                let swagger = self.schemas_at == "/definitions";
                let names = crate::spec::keys_are_names(pointer);
                for (key, child) in map {
                    // Extensions and example data are opaque: a `$ref` in them is data.
                    if crate::spec::holds_data_among(names, pointer, key, swagger) {
                        let value = if self.example_refs == ExampleRefs::Resolve && is_example(key) {
                            self.example(child, file, &push_token(pointer, key), &push_token(at, key))
                        } else {
                            child.clone()
                        };
                        out.insert(key.clone(), value);
                        continue;
                    }
                    // A scalar holds no `$ref`: copied as it is, without building its pointers.
                    if !(child.is_object() || child.is_array()) {
                        out.insert(key.clone(), child.clone());
                        continue;
                    }
                    let child_pointer = push_token(pointer, key);
                    let is_root_schemas = !in_schema && child_pointer == self.schemas_at && self.roots.contains(&file);
                    let child_in_schema = in_schema || !names && key == "schema" || is_root_schemas;
                    let child_at = push_token(at, key);
                    out.insert(key.clone(), self.walk(child, file, &child_pointer, &child_at, child_in_schema));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| match item {
                        Value::Object(_) | Value::Array(_) => {
                            self.walk(item, file, &format!("{pointer}/{i}"), &format!("{at}/{i}"), in_schema)
                        }
                        scalar => scalar.clone(),
                    })
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
        let Some(root) = self.charge(&key, reference, file, &ref_pointer, at, 1) else {
            return Value::Object(map.clone());
        };
        let target = crate::source::lookup(&root, &target_pointer).unwrap_or(&Value::Null);
        self.map.mount(at, target_file, &target_pointer);
        self.inlining.push(key);
        let value = self.walk(target, target_file, &target_pointer, at, false);
        self.inlining.pop();
        value
    }

    /// The document holding the target of a ref about to be inlined at `at` (shared, not
    /// copied: the walk copies what it inlines), once the target's copy (and the `mounts` it
    /// adds to the source map, each keyed by `at` or below) is charged against the depth
    /// limit and the expansion budget; `None` (reported, at the ref) past either.
    fn charge(
        &mut self,
        (target_file, target_pointer): &(FileId, String),
        reference: &str,
        file: FileId,
        ref_pointer: &str,
        at: &str,
        mounts: u64,
    ) -> Option<Arc<Value>> {
        if self.exhausted {
            return None;
        }
        let root = Arc::clone(&self.sources.get(*target_file).value);
        // Each ref inlined copies its target once (refs inside it are charged when they are
        // inlined in turn), so counting targets bounds the document: refs that fan out
        // cannot make it exponential, nor chains of refs make it deeper than the limit.
        let (cost, depth) = load::value_shape(crate::source::lookup(&root, target_pointer).unwrap_or(&Value::Null));
        let at_depth = at.matches('/').count();
        let budget = self.limits.expansion_budget(self.total_bytes);
        let chain = self.inlining.len();
        self.inlined = self.inlined.saturating_add(cost).saturating_add((at.len() as u64).saturating_mul(mounts));
        // A ref to a ref is resolved inside the first, at the same place: the document gets
        // no deeper, but the resolver's stack does, so the refs being inlined are bounded too.
        let problem = if chain >= self.limits.max_depth {
            if std::mem::replace(&mut self.reported_depth, true) {
                return None;
            }
            Some((
                format!(
                    "inlining `$ref` `{reference}` here continues a chain of more than {} refs",
                    self.limits.max_depth
                ),
                "write out some of the objects on the chain of refs".to_owned(),
            ))
        } else if at_depth + depth > self.limits.max_depth {
            if std::mem::replace(&mut self.reported_depth, true) {
                return None;
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
                    .at(self.sources.value_location(file, ref_pointer))
                    .label("the limit is passed here")
                    .help(help),
            );
            return None;
        }
        Some(root)
    }

    /// Copies an example value (found in `file` at `pointer`, placed at `at`), resolving the
    /// `$ref`s inside it ([`ExampleRefs::Resolve`]).
    fn example(&mut self, value: &Value, file: FileId, pointer: &str, at: &str) -> Value {
        match value {
            Value::Object(map) => match map.get("$ref") {
                Some(Value::String(reference)) => self.example_ref(map, reference, file, pointer, at, &[]),
                _ => Value::Object(
                    map.iter()
                        .map(|(key, child)| {
                            let value = self.example(child, file, &push_token(pointer, key), &push_token(at, key));
                            (key.clone(), value)
                        })
                        .collect(),
                ),
            },
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.example(item, file, &format!("{pointer}/{i}"), &format!("{at}/{i}")))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// An example object holding a `$ref`: the referenced value, resolved, with the members
    /// beside the `$ref` laid over it (each replaces the referenced member of its name, in its
    /// place; a new one comes last). `hidden` are members an object further out replaces: they
    /// are neither copied nor followed here, only kept as placeholders for their place.
    /// A problem leaves the object as written, reported at its `$ref`.
    fn example_ref(
        &mut self,
        map: &Map<String, Value>,
        reference: &str,
        file: FileId,
        pointer: &str,
        at: &str,
        hidden: &[String],
    ) -> Value {
        let ref_pointer = push_token(pointer, "$ref");
        let Some((target_file, target_pointer)) = self.target(reference, file, &ref_pointer) else {
            return Value::Object(map.clone());
        };
        let key = (target_file, target_pointer.clone());
        if self.inlining.contains(&key) {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::REF_CYCLE,
                    format!("`$ref` `{reference}` in an example refers to itself through other refs"),
                )
                .at(self.sources.value_location(file, &ref_pointer))
                .label("cyclic reference")
                .help("an example is a finite value; write out one of the objects on the cycle"),
            );
            return Value::Object(map.clone());
        }
        let siblings: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| k.as_str() != "$ref").collect();
        // The value stays located where the `$ref` is written, so a problem with the example
        // as a whole points there; each member or item it takes is mounted at the file that
        // wrote it.
        let mounts = match crate::source::lookup(&self.sources.get(target_file).value, &target_pointer) {
            Some(Value::Object(m)) => m.len() + siblings.len(),
            Some(Value::Array(items)) => items.len(),
            _ => 0,
        };
        let Some(root) = self.charge(&key, reference, file, &ref_pointer, at, mounts.max(1) as u64) else {
            return Value::Object(map.clone());
        };
        let target = crate::source::lookup(&root, &target_pointer).unwrap_or(&Value::Null);
        let Value::Object(target_map) = target else {
            if siblings.is_empty() && hidden.is_empty() {
                if let Value::Array(items) = target {
                    for i in 0..items.len() {
                        self.map.mount(&format!("{at}/{i}"), target_file, &format!("{target_pointer}/{i}"));
                    }
                }
                self.inlining.push(key);
                let value = self.example(target, target_file, &target_pointer, at);
                self.inlining.pop();
                return value;
            }
            let found = match target {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            };
            self.diagnostics.push(
                Diagnostic::error(
                    codes::REF_INVALID,
                    format!("`$ref` `{reference}` in an example refers to {found}, which members cannot be laid over"),
                )
                .at(self.sources.value_location(file, &ref_pointer))
                .label("not an object")
                .help("members beside a `$ref` replace an object's members; refer to an object, or drop the members"),
            );
            return Value::Object(map.clone());
        };
        // What this object and those further out replace is not taken from the target.
        let mut replaced = hidden.to_vec();
        replaced.extend(siblings.iter().map(|(k, _)| (*k).clone()));
        self.inlining.push(key);
        let mut out = match target_map.get("$ref") {
            Some(Value::String(next)) => {
                match self.example_ref(target_map, next, target_file, &target_pointer, at, &replaced) {
                    Value::Object(out) => out,
                    // A chain ending in a value that is no object has been reported.
                    _ => Map::new(),
                }
            }
            _ => target_map
                .iter()
                .map(|(k, child)| {
                    let value = if replaced.contains(k) {
                        Value::Null
                    } else {
                        let (child_pointer, child_at) = (push_token(&target_pointer, k), push_token(at, k));
                        self.map.mount(&child_at, target_file, &child_pointer);
                        self.example(child, target_file, &child_pointer, &child_at)
                    };
                    (k.clone(), value)
                })
                .collect(),
        };
        self.inlining.pop();
        for (k, child) in siblings {
            if hidden.contains(k) {
                // Replaced further out, but in this place.
                out.entry(k.clone()).or_insert(Value::Null);
                continue;
            }
            let (child_pointer, child_at) = (push_token(pointer, k), push_token(at, k));
            self.map.mount(&child_at, file, &child_pointer);
            let value = self.example(child, file, &child_pointer, &child_at);
            out.insert(k.clone(), value);
        }
        Value::Object(out)
    }

    /// The definition name for a schema target, bundling it on first sight.
    fn schema_name(&mut self, file: FileId, pointer: &str) -> String {
        // A schema a root document already names keeps its name.
        if self.roots.contains(&file) {
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
        if self.roots.contains(&target_file) && fragment.is_empty() {
            self.diagnostics.push(error(
                codes::REF_BAD_POINTER,
                format!("`$ref` `{reference}` names the whole spec document"),
                "the spec itself",
                "point into the document, e.g. `#/definitions/Name`",
            ));
            return None;
        }
        if crate::source::lookup(&self.sources.get(target_file).value, &fragment).is_none() {
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
    json_texts(&file.value, &mut String::new(), false, &mut found);
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

/// Whether a key that holds data ([`crate::spec::holds_data`]) holds an example: `example`,
/// `x-example`, Swagger 2.0 response `examples` or an Example Object's `value` (not
/// `default`, `enum`, `const` or other extensions).
fn is_example(key: &str) -> bool {
    matches!(key, "example" | "x-example" | "examples" | "value")
}

/// Pointers of strings below an `example`, `x-example` or `examples` key that look like JSON
/// text (start with `{` or `[`). `pointer` is the value's, grown and cut back in place: the
/// walk visits every node of the file and keeps the pointers of a few.
fn json_texts(value: &Value, pointer: &mut String, in_example: bool, out: &mut Vec<String>) {
    let len = pointer.len();
    match value {
        Value::String(text) if in_example && text.trim_start().starts_with(['{', '[']) => out.push(pointer.clone()),
        Value::Object(map) => {
            for (key, child) in map {
                let example = in_example || matches!(key.as_str(), "example" | "x-example" | "examples");
                pointer.push('/');
                crate::source::push_escaped(pointer, key);
                json_texts(child, pointer, example, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                use std::fmt::Write as _;
                let _ = write!(pointer, "/{i}");
                json_texts(item, pointer, in_example, out);
                pointer.truncate(len);
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
        assert_eq!(error.location.as_ref().map(|l| (&*l.file, l.line)), Some(("spec.yaml", 6)));
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

    /// Past the expansion budget, inlining stops where it is: the passes after it would
    /// report the refs it left out as the spec's mistakes (an Azure spec's shared path
    /// parameter, inlined 500 times, gave 65 `path-parameter-mismatch` errors after the one
    /// that mattered). Only the limit is reported.
    #[test]
    fn past_the_budget_the_run_stops_with_the_limit_alone() {
        let mut spec = String::from(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\ncomponents:\n  parameters:\n    Id:\n      {name: id, in: path, required: true, schema: {type: string}, description: '",
        );
        spec.push_str(&"x".repeat(4000));
        spec.push_str("'}\npaths:\n");
        for i in 0..400 {
            spec.push_str(&format!(
                "  /r{i}/{{id}}:\n    get:\n      parameters: [{{$ref: '#/components/parameters/Id'}}]\n      responses: {{'204': {{description: none}}}}\n"
            ));
        }
        let dir = std::env::temp_dir().join(format!("resolve-budget-stop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("spec.yaml");
        std::fs::write(&path, &spec).expect("the spec is written");
        let inputs = crate::Inputs {
            limits: Limits { min_expansion_bytes: 1 << 20, ..Limits::default() },
            ..crate::Inputs::default()
        };
        let mut diagnostics = Diagnostics::default();
        let checked = crate::check_with(std::slice::from_ref(&path), &inputs, &mut diagnostics);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(checked.is_none());
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [codes::LIMIT], "{}", diagnostics.render(false));
        // Within the budget, the same spec checks.
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        std::fs::write(&path, &spec).expect("the spec is written");
        let mut diagnostics = Diagnostics::default();
        let checked = crate::check_with(&[path], &crate::Inputs::default(), &mut diagnostics);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(checked.is_some(), "{}", diagnostics.render(false));
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

    /// Writes `files` (paths may name folders) into a fresh folder and resolves its
    /// `spec.yaml` with `$ref`s in examples resolved.
    fn resolved_examples(name: &str, files: &[(&str, &str)], limits: &Limits) -> (Spec, Vec<Diagnostic>) {
        let dir = std::env::temp_dir().join(format!("resolve-ex-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        examples_in(&dir.join("root"), limits)
    }

    /// Resolves `spec.yaml` of `root` (the root folder) with `$ref`s in examples resolved.
    fn examples_in(root: &Path, limits: &Limits) -> (Spec, Vec<Diagnostic>) {
        let mut diagnostics = Diagnostics::default();
        let file = load::load(&root.join("spec.yaml"), "spec.yaml", limits, None, &mut diagnostics).unwrap();
        let bundle = resolve_roots_with(vec![file], root, limits, ExampleRefs::Resolve, &mut diagnostics);
        let spec = crate::merge::one(bundle);
        let _ = diagnostics.render(false);
        (spec, diagnostics.iter().cloned().collect())
    }

    /// A Swagger 2.0 spec whose one response has `example` as its JSON example.
    fn with_example(example: &str) -> String {
        format!(
            "swagger: '2.0'\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n          examples:\n            application/json: {example}\n"
        )
    }

    const EXAMPLE: &str = "/paths/~1a/get/responses/200/examples/application~1json";

    fn line_of(spec: &Spec, pointer: &str) -> Option<(String, usize)> {
        spec.value_location(pointer).map(|l| (l.file.rsplit('/').next().unwrap_or_default().to_owned(), l.line))
    }

    /// Members beside a `$ref` replace the referenced object's members of their name, in
    /// their place; chains of refs nest; a ref without members may name any value; each
    /// member is located in the file that wrote it.
    #[test]
    fn refs_in_examples_are_resolved_with_members_laid_over_them() {
        let root_spec = with_example("{$ref: 'ex/a.json', room_id: '!r', extra: 1}");
        let files = [
            ("root/spec.yaml", root_spec.as_str()),
            ("root/ex/a.json", "{\n  \"$ref\": \"core/base.json\",\n  \"type\": \"m.a\",\n  \"content\": {\"x\": 1}\n}\n"),
            (
                "root/ex/core/base.json",
                "{\n  \"$ref\": \"event.json\",\n  \"event_id\": \"$e\",\n  \"room_id\": \"old\",\n  \"unsigned\": {\"list\": {\"$ref\": \"../list.json\"}}\n}\n",
            ),
            ("root/ex/core/event.json", "{\n  \"type\": \"base\",\n  \"content\": {\"key\": {\"$ref\": \"nowhere.json\"}}\n}\n"),
            ("root/ex/list.json", "[1, 2]\n"),
        ];
        let (spec, diagnostics) = resolved_examples("laid", &files, &Limits::default());
        assert_eq!(diagnostics, []);
        let example = spec.document.pointer(EXAMPLE).unwrap();
        // The order is the innermost object's, members from further out replacing in place.
        assert_eq!(
            serde_json::to_string(example).unwrap(),
            r#"{"type":"m.a","content":{"x":1},"event_id":"$e","room_id":"!r","unsigned":{"list":[1,2]},"extra":1}"#
        );
        let at = |member: &str| line_of(&spec, &format!("{EXAMPLE}{member}"));
        // The example as a whole is where its `$ref` is written.
        assert_eq!(at(""), Some(("spec.yaml".into(), 10)));
        assert_eq!(at("/unsigned"), Some(("base.json".into(), 5)));
        assert_eq!(at("/type"), Some(("a.json".into(), 3)));
        assert_eq!(at("/content/x"), Some(("a.json".into(), 4)));
        assert_eq!(at("/event_id"), Some(("base.json".into(), 3)));
        assert_eq!(at("/unsigned/list/1"), Some(("list.json".into(), 1)));
        assert_eq!(at("/room_id"), Some(("spec.yaml".into(), 10)));
        assert_eq!(at("/extra"), Some(("spec.yaml".into(), 10)));
        // The replaced `content` of `event.json` was never followed: its broken ref is moot.
        assert!(spec.sources.files.iter().all(|f| !f.display.ends_with("nowhere.json")));
    }

    /// By default an example is data: its `$ref` stays, and nothing is read for it.
    #[test]
    fn refs_in_examples_are_data_by_default() {
        let spec = with_example("{$ref: 'a.json', b: 1}");
        let (bundle, diagnostics) =
            resolved("literal", &[("spec.yaml", &spec), ("a.json", "{\"c\": 2}\n")], &Limits::default());
        assert_eq!(diagnostics, []);
        assert_eq!(bundle.document.pointer(EXAMPLE).unwrap(), &serde_json::json!({ "$ref": "a.json", "b": 1 }));
        assert_eq!(bundle.sources.files.len(), 1);
    }

    /// OpenAPI 3: an Example Object's `value` and a schema's `example`, in a bundled file too.
    #[test]
    fn refs_in_openapi_3_examples_are_resolved() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'thing.yaml'}\n              examples:\n                one:\n                  value: {$ref: 'ex.json', b: 3}\n";
        let thing = "type: object\nexample:\n  $ref: ex.json\n  extension: {x-example: {$ref: ex.json}}\n";
        let files = [("root/spec.yaml", spec), ("root/thing.yaml", thing), ("root/ex.json", "{\"a\": 1, \"b\": 2}\n")];
        let (spec, diagnostics) = resolved_examples("oas3", &files, &Limits::default());
        assert_eq!(diagnostics, []);
        let media = "/paths/~1a/get/responses/200/content/application~1json";
        assert_eq!(
            spec.document.pointer(&format!("{media}/examples/one/value")),
            Some(&serde_json::json!({"a": 1, "b": 3}))
        );
        assert_eq!(
            spec.document["components"]["schemas"]["thing"]["example"],
            serde_json::json!({"a": 1, "b": 2, "extension": {"x-example": {"a": 1, "b": 2}}})
        );
        assert_eq!(line_of(&spec, "/components/schemas/thing/example/b"), Some(("ex.json".into(), 1)));
    }

    #[test]
    fn a_cycle_of_refs_in_examples_is_an_error_at_the_ref() {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let root_spec = with_example("{$ref: 'a.json', x: 1}");
            let files = [
                ("root/spec.yaml", root_spec.as_str()),
                ("root/a.json", "{\"$ref\": \"b.json\", \"y\": 2}\n"),
                ("root/b.json", "{\n  \"z\": [{\"$ref\": \"a.json\"}]\n}\n"),
            ];
            send.send(resolved_examples("cycle", &files, &Limits::default()).1)
        });
        let diagnostics = receive.recv_timeout(std::time::Duration::from_secs(20)).expect("no hang");
        let error = one_error(&diagnostics);
        assert_eq!(error.code, codes::REF_CYCLE);
        assert_eq!(error.message, "`$ref` `a.json` in an example refers to itself through other refs");
        let location = error.location.as_ref().unwrap();
        assert!(location.file.ends_with("b.json") && location.line == 2, "{location:?}");
    }

    #[test]
    fn a_missing_target_of_a_ref_in_an_example_is_reported_at_the_ref() {
        for (reference, code) in [
            ("nowhere.json", codes::REF_MISSING_FILE),
            ("a.json#/nothing", codes::REF_BAD_POINTER),
            ("https://example.org/a.json", codes::REF_ABSOLUTE),
        ] {
            let root_spec = with_example(&format!("[1, {{b: 2, $ref: '{reference}'}}]"));
            let files = [("root/spec.yaml", root_spec.as_str()), ("root/a.json", "{}\n")];
            let (spec, diagnostics) = resolved_examples("missing", &files, &Limits::default());
            let error = one_error(&diagnostics);
            assert_eq!(error.code, code, "{reference}");
            assert_eq!(error.location.as_ref().map(|l| (l.line, l.column)), Some((10, 48)), "{reference}");
            // The object stays as written.
            assert_eq!(spec.document.pointer(&format!("{EXAMPLE}/1/$ref")), Some(&Value::from(reference)));
        }
    }

    /// A ref in an example that leaves the root folder is refused like any other, also
    /// through a symbolic link.
    #[test]
    fn a_ref_in_an_example_may_not_leave_the_root_folder() {
        let root_spec = with_example("{$ref: '../secret.json'}");
        let files = [("root/spec.yaml", root_spec.as_str()), ("secret.json", "{\"k\": 1}\n")];
        let (spec, diagnostics) = resolved_examples("escape", &files, &Limits::default());
        let error = one_error(&diagnostics);
        assert_eq!((error.code, error.location.as_ref().map(|l| l.line)), (codes::REF_ESCAPES_ROOT, Some(10)));
        assert_eq!(spec.document.pointer(EXAMPLE), Some(&serde_json::json!({ "$ref": "../secret.json" })));
        assert!(spec.sources.files.iter().all(|f| !f.display.ends_with("secret.json")));
        #[cfg(unix)]
        {
            let dir = std::env::temp_dir().join(format!("resolve-ex-escape-{}", std::process::id()));
            std::fs::write(dir.join("root/spec.yaml"), with_example("{$ref: 'link.json'}")).unwrap();
            std::os::unix::fs::symlink("../secret.json", dir.join("root/link.json")).unwrap();
            let (_, diagnostics) = examples_in(&dir.join("root"), &Limits::default());
            let error = one_error(&diagnostics);
            assert_eq!(error.code, codes::REF_ESCAPES_ROOT);
            assert!(error.message.contains("through a symbolic link"), "{}", error.message);
        }
    }

    #[test]
    fn members_beside_a_ref_to_something_other_than_an_object_are_an_error() {
        for (example, line) in [("{$ref: 'list.json', b: 1}", 10), ("{$ref: 'chain.json', b: 1}", 1)] {
            let root_spec = with_example(example);
            let files = [
                ("root/spec.yaml", root_spec.as_str()),
                ("root/list.json", "[1]\n"),
                ("root/chain.json", "{\"$ref\": \"list.json\"}\n"),
            ];
            let (_, diagnostics) = resolved_examples("not-object", &files, &Limits::default());
            let error = one_error(&diagnostics);
            assert_eq!(error.code, codes::REF_INVALID);
            assert!(error.message.contains("refers to an array"), "{}", error.message);
            assert_eq!(error.location.as_ref().map(|l| l.line), Some(line), "{example}");
        }
    }

    /// Refs in examples are charged like inlined refs: neither a fan-out nor a long chain
    /// (each ref resolved at the same place) can blow up the document or the stack.
    #[test]
    fn refs_in_examples_are_bounded_by_the_limits() {
        let mut fan = with_example("{$ref: '#/x-c/l0'}");
        fan.push_str("x-c:\n  l40: {a: 1}\n");
        for i in 0..40 {
            fan.push_str(&format!("  l{i}: {{a: {{$ref: '#/x-c/l{n}'}}, b: {{$ref: '#/x-c/l{n}'}}}}\n", n = i + 1));
        }
        let mut chain = with_example("{$ref: '#/x-c/l0'}");
        chain.push_str("x-c:\n");
        for i in 0..20_000 {
            chain.push_str(&format!("  l{i}: {{$ref: '#/x-c/l{}', m{i}: 1}}\n", i + 1));
        }
        chain.push_str("  l20000: {}\n");
        for (name, spec, message) in [
            ("fan", fan, "inlining `$ref`s expands the spec"),
            ("chain", chain, "continues a chain of more than 127 refs"),
        ] {
            let limits = Limits { min_expansion_bytes: 1 << 20, ..Limits::default() };
            let (send, receive) = std::sync::mpsc::channel();
            std::thread::spawn(move || send.send(resolved_examples(name, &[("root/spec.yaml", &spec)], &limits).1));
            let diagnostics = receive.recv_timeout(std::time::Duration::from_secs(20)).expect("no blow-up");
            let error = one_error(&diagnostics);
            assert_eq!(error.code, codes::LIMIT);
            assert!(error.message.contains(message), "{}", error.message);
            assert!(error.location.is_some());
        }
    }

    /// Each ref naming the next: the document gets no deeper, but each is resolved inside
    /// the one before (this overflowed the stack).
    #[test]
    fn a_long_chain_of_inlined_refs_is_refused_without_overflowing_the_stack() {
        let mut spec =
            String::from("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: '#/x-c/l0'\nx-c:\n");
        for i in 0..20_000 {
            spec.push_str(&format!("  l{i}: {{$ref: '#/x-c/l{}'}}\n", i + 1));
        }
        spec.push_str("  l20000: {}\n");
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(resolved("pure-chain", &[("spec.yaml", &spec)], &Limits::default()).1));
        let diagnostics = receive.recv_timeout(std::time::Duration::from_secs(20)).expect("no overflow");
        let error = one_error(&diagnostics);
        assert_eq!(error.code, codes::LIMIT);
        assert!(error.message.contains("continues a chain of more than 127 refs"), "{}", error.message);
        assert_eq!(error.location.as_ref().map(|l| l.line), Some(133));
    }
}
