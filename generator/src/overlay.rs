//! Overlay: applies an OpenAPI Overlay 1.0 document to the bundled spec.
//!
//! In: a [`Spec`] and the path of an overlay. Out: the bundle with the overlay's actions
//! applied, and its source map pointing every node an action added into the overlay file.
//!
//! The overlay is checked whole before anything changes: its shape (Overlay 1.0.x) and
//! every `target`, parsed as an RFC 9535 JSONPath. Actions then run in order, each against
//! the document the previous one left, as the Overlay Specification 1.0.0 says:
//! `update` merges into each selected object (objects merge recursively, any other value
//! replaces) or is appended to each selected array; `remove: true` takes each selected node
//! out of its parent. A target that selects nothing is a warning. An overlay that is
//! malformed, or an action that cannot apply (updating a string, removing the root), is an
//! error and leaves the bundle as it was: nothing is half-applied.
//!
//! Two rules are stricter than the specification's schema, which accepts them: an action
//! must either `update` or `remove: true` (a target alone does nothing: a warning), and not both (the
//! specification ignores `update` then, which hides a mistake).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value};
use serde_json_path::{JsonPath, ParseError, PathElement};

use crate::diagnostics::{codes, Diagnostic, Diagnostics, Location};
use crate::load;
use crate::source::Spec;
use crate::source::{push_token, strip_pointer_prefix, FileId, SourceMap, Sources};

/// Applies the overlay at `path` to `bundle`.
pub fn apply(mut bundle: Spec, path: &Path, diagnostics: &mut Diagnostics) -> Spec {
    let display = crate::display_path(path);
    let Some(loaded) = load::load_or_report(path, &display, diagnostics) else { return bundle };
    diagnostics.add_source(&loaded.display, loaded.text.clone());
    let file = match bundle.sources.find(&loaded.path) {
        Some(id) => id,
        None => crate::resolve::add_file(&mut bundle.sources, loaded),
    };
    let overlay = bundle.sources.get(file).value.clone();
    let mut checker = Checker::new(&bundle.sources, file, diagnostics);
    checker.swagger = bundle.document.get("swagger").is_some();
    let Some(actions) = checker.overlay(&overlay) else {
        return bundle;
    };
    let mut applier = Applier {
        document: bundle.document.clone(),
        map: bundle.map.clone(),
        sources: &bundle.sources,
        file,
        diagnostics,
    };
    for action in &actions {
        if !applier.action(action) {
            return bundle;
        }
    }
    let Applier { document, map, .. } = applier;
    bundle.document = document;
    bundle.map = map;
    bundle
}

/// One checked action.
#[derive(Debug)]
struct Action {
    index: usize,
    target: String,
    path: JsonPath,
    change: Change,
}

#[derive(Debug)]
enum Change {
    Update(Value),
    Remove,
    /// A target alone: valid Overlay 1.0, and does nothing (a warning says so).
    Nothing,
}

impl Action {
    /// The pointer of a field of this action in the overlay file.
    fn pointer(&self, field: &str) -> String {
        format!("/actions/{}/{field}", self.index)
    }
}

const ROOT_FIELDS: [&str; 4] = ["overlay", "info", "extends", "actions"];
const INFO_FIELDS: [&str; 2] = ["title", "version"];
const ACTION_FIELDS: [&str; 4] = ["target", "description", "update", "remove"];

/// Checks the shape of an overlay document, reporting every mistake it finds.
struct Checker<'a> {
    sources: &'a Sources,
    file: FileId,
    diagnostics: &'a mut Diagnostics,
    ok: bool,
    /// Whether the document is Swagger 2.0 (whose response `examples` are data).
    swagger: bool,
}

impl<'a> Checker<'a> {
    fn new(sources: &'a Sources, file: FileId, diagnostics: &'a mut Diagnostics) -> Self {
        Self { sources, file, diagnostics, ok: true, swagger: false }
    }

    fn value_at(&self, pointer: &str) -> Option<Location> {
        self.sources.value_location(self.file, pointer)
    }

    fn key_at(&self, pointer: &str) -> Option<Location> {
        self.sources.key_location(self.file, pointer)
    }

    /// Where a mapping starts: its first key (the loader marks a block mapping at the first
    /// key's `:`), else the mapping's own span.
    fn mapping_at(&self, pointer: &str) -> Option<Location> {
        let file = self.sources.files.get(self.file)?;
        let keys = file.value.pointer(pointer).and_then(Value::as_object).into_iter().flat_map(|map| map.keys());
        let first_key = keys
            .filter_map(|key| file.spans.get(&push_token(pointer, key)).and_then(|span| span.key))
            .min_by_key(|key| key.start);
        first_key.map(|key| file.location(key)).or_else(|| self.value_at(pointer))
    }

    fn error(&mut self, message: String, location: Option<Location>, label: &str, help: &str) {
        self.ok = false;
        self.diagnostics.push(Diagnostic::error(codes::OVERLAY_INVALID, message).at(location).label(label).help(help));
    }

    /// The checked actions, or `None` when the overlay has any mistake.
    fn overlay(mut self, overlay: &Value) -> Option<Vec<Action>> {
        let Value::Object(root) = overlay else {
            self.error(
                "invalid overlay: the document is not a mapping".into(),
                self.value_at(""),
                "expected a mapping",
                "an overlay is a mapping with `overlay: 1.0.0`, `info` and `actions`",
            );
            return None;
        };
        self.version(root);
        self.info(root);
        if let Some(extends) = root.get("extends") {
            if !extends.is_string() {
                self.error(
                    "invalid overlay: `extends` must be a string".into(),
                    self.value_at("/extends"),
                    "not a string",
                    "`extends` is the URI reference of the document the overlay applies to",
                );
            }
        }
        self.unknown_fields(root, "", &ROOT_FIELDS, "the overlay");
        let actions = self.actions(root);
        if self.ok {
            Some(actions)
        } else {
            None
        }
    }

    fn version(&mut self, root: &Map<String, Value>) {
        const HELP: &str = "this generator applies Overlay 1.0 documents, which start with `overlay: 1.0.0`";
        match root.get("overlay") {
            None => self.error(
                "invalid overlay: `overlay` is missing".into(),
                self.mapping_at(""),
                "no `overlay` version in this mapping",
                HELP,
            ),
            Some(Value::String(version)) => {
                let parts: Vec<&str> = version.split('.').collect();
                let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
                if parts.len() != 3 || !parts.iter().all(numeric) {
                    self.error(
                        format!(
                            "invalid overlay: `overlay` version `{version}` is not of the form `major.minor.patch`"
                        ),
                        self.value_at("/overlay"),
                        "invalid version",
                        HELP,
                    );
                } else if parts[..2] != ["1", "0"] {
                    self.ok = false;
                    self.diagnostics.push(
                        Diagnostic::error(codes::UNSUPPORTED, format!("Overlay `{version}` is not supported yet"))
                            .at(self.value_at("/overlay"))
                            .label("unsupported version")
                            .help(HELP),
                    );
                }
            }
            Some(other) => self.error(
                format!("invalid overlay: `overlay` must be a string, found {}", kind(other)),
                self.value_at("/overlay"),
                "not a string",
                "quote the version, e.g. `overlay: 1.0.0` or `overlay: '1.0.0'`",
            ),
        }
    }

    fn info(&mut self, root: &Map<String, Value>) {
        const HELP: &str = "`info` holds the overlay's `title` and `version`, both strings";
        match root.get("info") {
            None => self.error(
                "invalid overlay: `info` is missing".into(),
                self.mapping_at(""),
                "no `info` in this mapping",
                HELP,
            ),
            Some(Value::Object(info)) => {
                for field in INFO_FIELDS {
                    let pointer = format!("/info/{field}");
                    match info.get(field) {
                        None => self.error(
                            format!("invalid overlay: `info.{field}` is missing"),
                            self.key_at("/info"),
                            &format!("`info` has no `{field}`"),
                            HELP,
                        ),
                        Some(Value::String(_)) => {}
                        Some(other) => self.error(
                            format!("invalid overlay: `info.{field}` must be a string, found {}", kind(other)),
                            self.value_at(&pointer),
                            "not a string",
                            HELP,
                        ),
                    }
                }
                self.unknown_fields(info, "/info", &INFO_FIELDS, "`info`");
            }
            Some(other) => self.error(
                format!("invalid overlay: `info` must be a mapping, found {}", kind(other)),
                self.value_at("/info"),
                "not a mapping",
                HELP,
            ),
        }
    }

    fn unknown_fields(&mut self, map: &Map<String, Value>, pointer: &str, known: &[&str], what: &str) {
        for key in map.keys() {
            if !known.contains(&key.as_str()) && !key.starts_with("x-") {
                let fields: Vec<String> = known.iter().map(|f| format!("`{f}`")).collect();
                self.error(
                    format!("invalid overlay: unknown field `{key}` in {what}"),
                    self.key_at(&push_token(pointer, key)),
                    "not an Overlay 1.0 field",
                    &format!("the fields here are {}; extensions start with `x-`", fields.join(", ")),
                );
            }
        }
    }

    fn actions(&mut self, root: &Map<String, Value>) -> Vec<Action> {
        const HELP: &str = "`actions` lists at least one action: a `target` JSONPath with `update` or `remove: true`";
        let items = match root.get("actions") {
            None => {
                self.error(
                    "invalid overlay: `actions` is missing".into(),
                    self.mapping_at(""),
                    "no `actions` in this mapping",
                    HELP,
                );
                return Vec::new();
            }
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.error(
                    format!("invalid overlay: `actions` must be a list, found {}", kind(other)),
                    self.value_at("/actions"),
                    "not a list",
                    HELP,
                );
                return Vec::new();
            }
        };
        if items.is_empty() {
            self.error("invalid overlay: `actions` is empty".into(), self.value_at("/actions"), "no actions", HELP);
        }
        let mut actions = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if let Some(first) = items[..index].iter().position(|earlier| earlier == item) {
                self.error(
                    format!("invalid overlay: `actions[{index}]` repeats `actions[{first}]`"),
                    self.mapping_at(&format!("/actions/{index}")),
                    "same action again",
                    "the actions of an overlay must be distinct; delete one of them",
                );
                continue;
            }
            if let Some(action) = self.action(index, item) {
                actions.push(action);
            }
        }
        actions
    }

    fn action(&mut self, index: usize, item: &Value) -> Option<Action> {
        let pointer = format!("/actions/{index}");
        let name = format!("actions[{index}]");
        let Value::Object(map) = item else {
            self.error(
                format!("invalid overlay: `{name}` must be a mapping, found {}", kind(item)),
                self.value_at(&pointer),
                "not a mapping",
                "an action is a mapping with a `target` and either `update` or `remove: true`",
            );
            return None;
        };
        self.unknown_fields(map, &pointer, &ACTION_FIELDS, &format!("`{name}`"));
        if let Some(description) = map.get("description") {
            if !description.is_string() {
                self.error(
                    format!("invalid overlay: `{name}.description` must be a string, found {}", kind(description)),
                    self.value_at(&format!("{pointer}/description")),
                    "not a string",
                    "quote the description",
                );
            }
        }
        // Both are checked, so one run reports every mistake of the action.
        let target = self.target(map, &pointer, &name);
        let change = self.change(map, &pointer, &name);
        let (target, path) = target?;
        Some(Action { index, target, path, change: change? })
    }

    fn target(&mut self, map: &Map<String, Value>, pointer: &str, name: &str) -> Option<(String, JsonPath)> {
        const HELP: &str = "`target` is a JSONPath selecting the nodes to change, e.g. `$.paths['/pets'].get`";
        let target = match map.get("target") {
            Some(Value::String(target)) => target,
            None => {
                self.error(
                    format!("invalid overlay: `{name}` has no `target`"),
                    self.mapping_at(pointer),
                    "no `target`",
                    HELP,
                );
                return None;
            }
            Some(other) => {
                self.error(
                    format!("invalid overlay: `{name}.target` must be a string, found {}", kind(other)),
                    self.value_at(&format!("{pointer}/target")),
                    "not a string",
                    HELP,
                );
                return None;
            }
        };
        match JsonPath::parse(target) {
            Ok(path) => Some((target.clone(), path)),
            Err(e) => {
                let location = self.value_at(&format!("{pointer}/target"));
                self.error(
                    format!("invalid JSONPath `{target}` in `{name}.target`"),
                    narrow(location, self.sources, self.file, target, &e),
                    // The parser's message; its generic one is made to say where.
                    if e.message() == "parser error" { "invalid JSONPath from here" } else { e.message() },
                    "targets are RFC 9535 JSONPath queries starting at the root `$`, e.g. `$.paths['/pets'].get`",
                );
                None
            }
        }
    }

    fn change(&mut self, map: &Map<String, Value>, pointer: &str, name: &str) -> Option<Change> {
        let remove = match map.get("remove") {
            None => false,
            Some(Value::Bool(remove)) => *remove,
            Some(other) => {
                self.error(
                    format!("invalid overlay: `{name}.remove` must be `true` or `false`, found {}", kind(other)),
                    self.value_at(&format!("{pointer}/remove")),
                    "not a boolean",
                    "write `remove: true` to remove the target, or leave `remove` out",
                );
                return None;
            }
        };
        match (map.get("update"), remove) {
            (Some(update), false) => {
                let refs_ok = self.refs(update, &format!("{pointer}/update"), "", self.swagger);
                refs_ok.then(|| Change::Update(update.clone()))
            }
            (None, true) => Some(Change::Remove),
            (Some(_), true) => {
                self.error(
                    format!("invalid overlay: `{name}` has both `update` and `remove: true`"),
                    self.key_at(&format!("{pointer}/update")),
                    "`update` next to `remove: true`",
                    "an action either merges (`update`) or deletes (`remove: true`); split it into two actions",
                );
                None
            }
            (None, false) => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::OVERLAY_NO_CHANGE,
                        format!("overlay action `{name}` has neither `update` nor `remove: true`"),
                    )
                    .at(self.mapping_at(pointer))
                    .label("this action does nothing")
                    .help("add `update` with the values to merge into the target, or `remove: true`"),
                );
                Some(Change::Nothing)
            }
        }
    }
}

impl Checker<'_> {
    /// Refuses every `$ref` in an update but one to a named schema of the document: overlays
    /// are applied after refs are resolved, so any other would be left unresolved (a path
    /// item, parameter or response it names would be lost). `relative` is the pointer inside
    /// the update, to tell data (examples, extensions) from spec.
    fn refs(&mut self, value: &Value, pointer: &str, relative: &str, swagger: bool) -> bool {
        let mut ok = true;
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let schema = ["#/definitions/", "#/components/schemas/"].iter().any(|prefix| {
                        reference.strip_prefix(prefix).is_some_and(|name| !name.is_empty() && !name.contains('/'))
                    });
                    if !schema {
                        ok = false;
                        self.ok = false;
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::UNSUPPORTED,
                                format!("`$ref` `{reference}` in an overlay is not supported yet"),
                            )
                            .at(self.value_at(&format!("{pointer}/$ref")))
                            .label("not resolved")
                            .help("an overlay is applied after refs are resolved: write the object itself in `update`, or refer to a named schema (`#/definitions/Name`, `#/components/schemas/Name`)"),
                        );
                    }
                }
                for (key, child) in map {
                    if key == "$ref" || crate::spec::holds_data(relative, key, swagger) {
                        continue;
                    }
                    ok &= self.refs(child, &push_token(pointer, key), &push_token(relative, key), swagger);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    ok &= self.refs(item, &format!("{pointer}/{i}"), &format!("{relative}/{i}"), swagger);
                }
            }
            _ => {}
        }
        ok
    }
}

/// The location of the character a JSONPath parse error names, when the target is written
/// in the file as it reads (plain or quoted without escapes); else the whole target.
fn narrow(
    location: Option<Location>,
    sources: &Sources,
    file: FileId,
    target: &str,
    error: &ParseError,
) -> Option<Location> {
    let location = location?;
    let text = &sources.files.get(file)?.text;
    let raw = text.get(location.start..location.end)?;
    let opening = if raw == target {
        0
    } else if raw.len() == target.len() + 2
        && raw.get(1..raw.len() - 1) == Some(target)
        && (raw.starts_with('\'') || raw.starts_with('"'))
    {
        1
    } else {
        return Some(location);
    };
    let offset = error.position().min(target.len());
    let Some(prefix) = target.get(..offset) else { return Some(location) };
    let start = location.start + opening + offset;
    // The character there, or nothing when the parser wanted more at the end.
    let end = target[offset..].chars().next().map_or(start, |c| start + c.len_utf8());
    Some(Location { column: location.column + opening + prefix.chars().count(), start, end, ..location })
}

/// One step of a normalized path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Index(usize),
    Key(String),
}

/// A node a target selected: its steps from the root, its JSON Pointer, and its normalized
/// JSONPath as users read it.
struct Selected {
    steps: Vec<Step>,
    pointer: String,
    shown: String,
}

fn selected(steps: Vec<Step>, shown: String) -> Selected {
    Selected { pointer: pointer_of(&steps), steps, shown }
}

/// The JSON Pointer of a normalized path.
fn pointer_of(steps: &[Step]) -> String {
    steps.iter().fold(String::new(), |pointer, step| match step {
        Step::Index(i) => format!("{pointer}/{i}"),
        Step::Key(key) => push_token(&pointer, key),
    })
}

const NO_MATCH_HELP: &str = "check the path against the document: it is the spec as written, with schemas from \
    other files bundled under `definitions` (Swagger 2.0) or `components/schemas` (OpenAPI 3.0)";

/// Runs checked actions against a copy of the document and its source map.
struct Applier<'a> {
    document: Value,
    map: SourceMap,
    sources: &'a Sources,
    file: FileId,
    diagnostics: &'a mut Diagnostics,
}

impl Applier<'_> {
    /// Applies one action; `false` when it cannot apply (the diagnostic is pushed).
    fn action(&mut self, action: &Action) -> bool {
        let target_location = self.sources.value_location(self.file, &action.pointer("target"));
        let mut seen = BTreeSet::new();
        let nodes: Vec<Selected> = action
            .path
            .query_located(&self.document)
            .iter()
            .map(|node| {
                let steps = node
                    .location()
                    .iter()
                    .map(|element| match element {
                        PathElement::Name(name) => Step::Key((*name).to_owned()),
                        PathElement::Index(index) => Step::Index(*index),
                    })
                    .collect::<Vec<_>>();
                (steps, node.location().to_string())
            })
            .filter(|(steps, _)| seen.insert(steps.clone()))
            .map(|(steps, shown)| selected(steps, shown))
            .collect();
        if nodes.is_empty() {
            self.diagnostics.push(
                Diagnostic::warning(
                    codes::OVERLAY_NO_MATCH,
                    format!("overlay action target `{}` matches nothing", action.target),
                )
                .at(target_location)
                .label("no node matches")
                .help(NO_MATCH_HELP),
            );
            return true;
        }
        match &action.change {
            Change::Update(update) => {
                let from = action.pointer("update");
                for node in &nodes {
                    if let Err(problem) = self.update(node, update, &from) {
                        let error = self.update_error(action, node, problem);
                        self.diagnostics.push(error);
                        return false;
                    }
                }
            }
            Change::Nothing => {}
            Change::Remove => {
                let mut nodes = nodes;
                // Deepest and highest-indexed first: removing a node never moves one still to do.
                nodes.sort_by(|a, b| b.steps.cmp(&a.steps));
                for node in &nodes {
                    if node.steps.is_empty() {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::OVERLAY_INVALID,
                                format!("`actions[{}]` cannot remove the document root", action.index),
                            )
                            .at(target_location)
                            .label("selects the root `$`")
                            .help("target the nodes to remove below the root, e.g. `$.paths['/pets']`"),
                        );
                        return false;
                    }
                    self.remove(node);
                }
            }
        }
        true
    }

    fn update_error(&self, action: &Action, node: &Selected, problem: Problem) -> Diagnostic {
        let index = action.index;
        let shown = &node.shown;
        match problem {
            Problem::Primitive(found) => Diagnostic::error(
                codes::OVERLAY_INVALID,
                format!("`actions[{index}]` cannot update `{shown}`: it is {found}, not an object or a list"),
            )
            .at(self.sources.value_location(self.file, &action.pointer("target")))
            .label(format!("selects {found}"))
            .help(
                "to change a value that is not an object or a list, target the object holding it and `update` that key",
            ),
            Problem::NotAnObject(found) => Diagnostic::error(
                codes::OVERLAY_INVALID,
                format!(
                    "`actions[{index}].update` must be a mapping to merge into the object `{shown}`, found {found}"
                ),
            )
            .at(self.sources.value_location(self.file, &action.pointer("update")))
            .label("not a mapping")
            .help("an `update` of an object holds the keys to merge into it"),
        }
    }

    fn update(&mut self, node: &Selected, update: &Value, from: &str) -> Result<(), Problem> {
        // A node an earlier match of this action replaced may be gone.
        let Some(target) = self.document.pointer_mut(&node.pointer) else { return Ok(()) };
        match (target, update) {
            (Value::Object(target), Value::Object(update)) => {
                merge(target, update, &node.pointer, &mut self.map, self.file, from);
                Ok(())
            }
            (Value::Object(_), other) => Err(Problem::NotAnObject(kind(other))),
            (Value::Array(items), _) => {
                let at = format!("{}/{}", node.pointer, items.len());
                items.push(update.clone());
                forget(&mut self.map, &at);
                self.map.mount(&at, self.file, from);
                Ok(())
            }
            (other, _) => Err(Problem::Primitive(kind(other))),
        }
    }

    fn remove(&mut self, node: &Selected) {
        let Some((last, parent_steps)) = node.steps.split_last() else { return };
        let parent_pointer = pointer_of(parent_steps);
        let Some(parent) = self.document.pointer_mut(&parent_pointer) else { return };
        match (parent, last) {
            (Value::Object(map), Step::Key(key)) => {
                map.remove(key);
                forget(&mut self.map, &node.pointer);
            }
            (Value::Array(items), Step::Index(index)) if *index < items.len() => {
                let len = items.len();
                items.remove(*index);
                shift_down(&mut self.map, &parent_pointer, *index, len);
            }
            _ => {}
        }
    }
}

/// Why an update cannot apply to a node: the kind of value found.
enum Problem {
    Primitive(&'static str),
    NotAnObject(&'static str),
}

/// Merges `update` into `target` (at `at` in the document): objects merge recursively, any
/// other value replaces. Each value put in is mounted at its place in the overlay (`from`).
fn merge(
    target: &mut Map<String, Value>,
    update: &Map<String, Value>,
    at: &str,
    map: &mut SourceMap,
    file: FileId,
    from: &str,
) {
    for (key, new) in update {
        let key_at = push_token(at, key);
        let key_from = push_token(from, key);
        match (target.get_mut(key), new) {
            (Some(Value::Object(old)), Value::Object(new)) => merge(old, new, &key_at, map, file, &key_from),
            _ => {
                target.insert(key.clone(), new.clone());
                forget(map, &key_at);
                map.mount(&key_at, file, &key_from);
            }
        }
    }
}

/// Forgets every mount at or below `at` (its node was replaced or removed).
fn forget(map: &mut SourceMap, at: &str) {
    if !map.mounts().any(|(p, _)| strip_pointer_prefix(p, at).is_some()) {
        return;
    }
    let mut kept = SourceMap::default();
    for (p, (file, from)) in map.mounts() {
        if strip_pointer_prefix(p, at).is_none() {
            kept.mount(p, *file, from);
        }
    }
    *map = kept;
}

/// Re-expresses the source map after element `removed` of the array at `array` (which had
/// `len` elements) was removed: the elements after it move one index down.
fn shift_down(map: &mut SourceMap, array: &str, removed: usize, len: usize) {
    // Where each later element and everything mounted below it came from, before the map changes.
    let mut moved = Vec::new();
    for old_index in removed + 1..len {
        let old = format!("{array}/{old_index}");
        let new = format!("{array}/{}", old_index - 1);
        if let Some((file, from)) = map.origin(&old) {
            moved.push((new.clone(), file, from));
        }
        for (p, (file, from)) in map.mounts() {
            if let Some(rest) = strip_pointer_prefix(p, &old) {
                if !rest.is_empty() {
                    moved.push((format!("{new}{rest}"), *file, from.clone()));
                }
            }
        }
    }
    let mut kept = SourceMap::default();
    for (p, (file, from)) in map.mounts() {
        if element_index(p, array).is_none_or(|index| index < removed) {
            kept.mount(p, *file, from);
        }
    }
    for (at, file, from) in moved {
        kept.mount(&at, file, &from);
    }
    *map = kept;
}

/// The index of the element of the array at `array` that `pointer` is at or below.
fn element_index(pointer: &str, array: &str) -> Option<usize> {
    let rest = pointer.strip_prefix(array)?.strip_prefix('/')?;
    rest.split('/').next()?.parse().ok()
}

/// What kind of JSON value this is, with an article, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `$ref` an overlay adds (a path item, a parameter) was left unresolved and silently
    /// dropped by lowering: it is refused at its place in the overlay, and nothing is applied;
    /// one to a named schema is fine, and one in an example is data.
    #[test]
    fn refs_an_overlay_adds_are_refused_unless_they_name_a_schema() {
        let dir = std::env::temp_dir().join(format!("overlay-refs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let spec = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: {type: string}\n";
        std::fs::write(dir.join("spec.yaml"), spec).expect("write");
        let overlay = "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.paths\n    update:\n      /a:\n        $ref: other.yaml#/paths/~1a\n      /b:\n        get:\n          parameters:\n            - $ref: '#/parameters/P'\n          responses:\n            200:\n              description: ok\n              schema: {$ref: '#/definitions/A'}\n              examples:\n                application/json: {$ref: data}\n";
        std::fs::write(dir.join("overlay.yaml"), overlay).expect("write");
        let mut diagnostics = Diagnostics::default();
        let root = load::load_or_report(&dir.join("spec.yaml"), "spec.yaml", &mut diagnostics).expect("loads");
        let bundle = crate::resolve::resolve(root, &dir, &mut diagnostics);
        let before = bundle.document.clone();
        let after = apply(bundle, &dir.join("overlay.yaml"), &mut diagnostics);
        assert_eq!(after.document, before, "nothing is applied");
        let lines: Vec<(usize, &str)> =
            diagnostics.iter().map(|d| (d.location.as_ref().map_or(0, |l| l.line), d.message.as_str())).collect();
        assert_eq!(
            lines,
            [
                (7, "`$ref` `other.yaml#/paths/~1a` in an overlay is not supported yet"),
                (11, "`$ref` `#/parameters/P` in an overlay is not supported yet"),
            ]
        );
        assert!(diagnostics.iter().all(|d| d.code == codes::UNSUPPORTED));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn removing_an_element_moves_the_origins_of_later_ones_down() {
        let mut map = SourceMap::default();
        map.mount("", 0, "");
        map.mount("/list/2", 1, "/a");
        map.mount("/list/2/deep", 2, "/b");
        map.mount("/list/1/x", 3, "/c");
        map.mount("/list/10", 4, "/d");
        map.mount("/listing", 5, "/e");
        shift_down(&mut map, "/list", 1, 11);
        assert_eq!(map.origin("/list/0"), Some((0, "/list/0".into())));
        assert_eq!(map.origin("/list/1"), Some((1, "/a".into())));
        assert_eq!(map.origin("/list/1/deep/y"), Some((2, "/b/y".into())));
        assert_eq!(map.origin("/list/1/x"), Some((1, "/a/x".into())));
        assert_eq!(map.origin("/list/2"), Some((0, "/list/3".into())));
        assert_eq!(map.origin("/list/9"), Some((4, "/d".into())));
        assert_eq!(map.origin("/list/10"), Some((0, "/list/10".into())));
        assert_eq!(map.origin("/listing"), Some((5, "/e".into())));
    }

    #[test]
    fn forgetting_a_node_keeps_its_siblings() {
        let mut map = SourceMap::default();
        map.mount("/a", 1, "/x");
        map.mount("/a/b", 2, "/y");
        map.mount("/ab", 3, "/z");
        forget(&mut map, "/a");
        assert_eq!(map.origin("/a/b"), None);
        assert_eq!(map.origin("/ab"), Some((3, "/z".into())));
    }
}
