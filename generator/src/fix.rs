//! Fix: the mechanical fixes lint found, as an OpenAPI Overlay 1.0 document (`lint --fix`).
//!
//! In: the roots and [`Inputs`] of a check. Out: an [`Overlay`] whose actions make every fix
//! a diagnostic carries ([`crate::diagnostics::Fix`]), each with a `description` saying what it
//! changes and which diagnostic it answers; [`Overlay::to_yaml`] writes it. The vendored spec
//! is never touched: the overlay goes in the config's `overlays:` (or `lint --overlay`).
//!
//! Overlays apply to the bundle (after resolve and merge, before upgrade), so a target is a
//! place of the bundle: a fix is found where its object is written (file and pointer, which
//! undoes upgrade), then at every place of the bundle that holds that object (a schema of a
//! `$ref`'d file is a named entry of `definitions` or `components/schemas`; an inlined part is
//! wherever it was inlined). A fix whose object the bundle does not hold as an object (an
//! example written as a string of JSON text) is left out, and its diagnostic stays.
//!
//! The fixes are applied, deepest first, to a copy of the bundle, so a fix whose object is
//! moved by another (an item `type` inside a schema moved into `properties`) is carried by
//! the move, which writes the fixed copy, and named in its description.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Edit, Fix};
use crate::source::{push_token, strip_pointer_prefix, tokens, Spec};
use crate::Inputs;

/// An OpenAPI Overlay 1.0 document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlay {
    pub overlay: String,
    pub info: Info,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Info {
    pub title: String,
    pub version: String,
}

/// One action: a JSONPath target with what to merge into it, or `remove: true`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub target: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<Value>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub remove: bool,
    /// The description of the fix this action is part of.
    #[serde(skip)]
    base: String,
    /// What this action does of it, when the fix takes several.
    #[serde(skip)]
    step: &'static str,
}

impl Overlay {
    /// The overlay as YAML, with a comment saying where it came from.
    pub fn to_yaml(&self) -> String {
        let body = serde_yaml::to_string(self).unwrap_or_default();
        format!("# Written by `lint --fix`: the fixes lint can make mechanically. Review before use.\n{body}")
    }
}

impl Overlay {
    /// Writes the overlay to `file`, or to standard output when `None`. Returns the line that
    /// says what was written to a file, or the line that says why it could not be.
    pub fn write(&self, file: Option<&std::path::Path>) -> Result<Option<String>, String> {
        let Some(file) = file else {
            use std::io::Write as _;
            return std::io::stdout()
                .lock()
                .write_all(self.to_yaml().as_bytes())
                .map(|()| None)
                .map_err(|e| format!("error: cannot write the overlay to standard output: {e}"));
        };
        let shown = crate::display_path(file);
        std::fs::write(file, self.to_yaml()).map_err(|e| format!("error: cannot write `{shown}`: {e}"))?;
        let count = self.actions.len();
        let actions = if count == 1 { "action" } else { "actions" };
        Ok(Some(format!("wrote an overlay of {count} {actions} to {shown}")))
    }
}

/// Runs the check of `roots` (load → resolve → merge → overlay → upgrade → lint), reporting
/// into `diagnostics` what lint finds, and returns the overlay of the fixes found; `None`
/// when the spec could not be read far enough to lint it.
pub fn fix(roots: &[PathBuf], inputs: &Inputs, diagnostics: &mut Diagnostics) -> Option<Overlay> {
    let spec = crate::bundle(roots, inputs, diagnostics)?;
    let bundle = spec.clone();
    let upgraded = crate::upgrade::upgrade(spec, diagnostics)?;
    // The diagnostics are lint's own (`lint_with`): lowering's too, which carry no fixes.
    if let Some(checked) = crate::lint::lint(upgraded, diagnostics) {
        crate::lower_for_lint(&checked, roots, inputs, diagnostics);
    }
    let shown = roots.iter().map(|r| crate::display_path(r)).collect::<Vec<_>>().join(", ");
    Some(overlay(&bundle, diagnostics, &shown))
}

/// The overlay of every fix the diagnostics carry, targeting `bundle`.
pub fn overlay(bundle: &Spec, diagnostics: &Diagnostics, shown: &str) -> Overlay {
    let mut steps: Vec<Step> = Vec::new();
    for diagnostic in diagnostics.sorted() {
        for (fix, at) in
            diagnostic.fixes.iter().flat_map(|fix| places(bundle, fix).into_iter().map(move |at| (fix, at)))
        {
            let why = why(diagnostic);
            let help = diagnostic.help.clone();
            match &fix.edit {
                // The members of one object moved into its properties are one step.
                Edit::IntoProperties { key } => {
                    let existing = steps.iter_mut().find(|s| s.at == at && matches!(s.kind, Kind::Move(_)));
                    match existing {
                        Some(Step { kind: Kind::Move(keys), why: whys, .. }) => {
                            if !keys.contains(key) {
                                keys.push(key.clone());
                                whys.push(why);
                            }
                        }
                        _ => steps.push(Step { at, kind: Kind::Move(vec![key.clone()]), why: vec![why], help }),
                    }
                }
                edit => steps.push(Step { at, kind: Kind::Edit(edit.clone()), why: vec![why], help }),
            }
        }
    }
    // Deepest first (stable: in report order otherwise), so a move takes the fixed copy.
    steps.sort_by_key(|s| std::cmp::Reverse(tokens(&s.at).len()));
    let mut work = bundle.document.clone();
    let mut done: Vec<(String, Vec<Action>)> = Vec::new();
    for step in steps {
        let Some(Value::Object(object)) = work.pointer_mut(&step.at) else { continue };
        let target = json_path(&bundle.document, &step.at);
        let Some((what, actions)) = step.apply(object, &target) else { continue };
        let help = step.help.as_deref().map_or_else(String::new, |h| format!(" ({h})"));
        let mut description = format!("{what}, fixing {}{help}", step.why.join(", "));
        let mut actions = actions;
        if let Kind::Move(keys) = &step.kind {
            // Fixes inside the moved members are in the copy the move writes.
            let moved: Vec<String> = keys.iter().map(|k| push_token(&step.at, k)).collect();
            let (inside, outside): (Vec<_>, Vec<_>) = std::mem::take(&mut done)
                .into_iter()
                .partition(|(at, _)| moved.iter().any(|m| strip_pointer_prefix(at, m).is_some()));
            done = outside;
            let folded: Vec<String> =
                inside.into_iter().filter_map(|(_, a)| a.first().map(|a| uncapitalize(&a.base))).collect();
            if !folded.is_empty() {
                description
                    .push_str(&format!("; the moved schemas carry the fixes inside them: {}", folded.join("; ")));
            }
        }
        let count = actions.len();
        for (i, action) in actions.iter_mut().enumerate() {
            action.base = description.clone();
            action.description = match count {
                1 => description.clone(),
                _ => format!("{description} [action {} of {count}: {}]", i + 1, action.step),
            };
        }
        done.push((step.at, actions));
    }
    Overlay {
        overlay: "1.0.0".into(),
        info: Info { title: format!("Fixes lint found in {shown}"), version: "1.0.0".into() },
        actions: done.into_iter().flat_map(|(_, actions)| actions).collect(),
    }
}

/// One fix at one place of the bundle.
struct Step {
    /// Pointer of the object in the bundle.
    at: String,
    kind: Kind,
    /// The diagnostics it answers, as the description shows them.
    why: Vec<String>,
    /// The help of the first of them.
    help: Option<String>,
}

enum Kind {
    Edit(Edit),
    /// The members to move into `properties`.
    Move(Vec<String>),
}

impl Step {
    /// Applies the step to `object` (the working copy) and returns what it does, in words,
    /// with its actions (descriptions filled in later); `None` when the object is no longer
    /// as the diagnostic saw it, so the fix cannot be made mechanically.
    fn apply(&self, object: &mut Map<String, Value>, target: &str) -> Option<(String, Vec<Action>)> {
        let remove = |keys: &[String]| Action {
            target: format!("{target}[{}]", keys.iter().map(|k| quote(k)).collect::<Vec<_>>().join(",")),
            description: String::new(),
            update: None,
            remove: true,
            base: String::new(),
            step: "remove the old members",
        };
        let update = |value: Value| Action {
            target: target.to_owned(),
            description: String::new(),
            update: Some(value),
            remove: false,
            base: String::new(),
            step: "write the new ones",
        };
        match &self.kind {
            Kind::Edit(Edit::Replace { remove: keys, set }) => {
                let keys: Vec<String> = keys.iter().filter(|k| object.contains_key(*k)).cloned().collect();
                let mut actions = Vec::new();
                if !keys.is_empty() {
                    actions.push(remove(&keys));
                }
                if !set.is_empty() {
                    actions.push(update(Value::Object(set.clone())));
                }
                for key in &keys {
                    object.remove(key);
                }
                object.extend(set.clone());
                let mut words: Vec<String> = keys.iter().map(|k| format!("remove `{k}`")).collect();
                words.extend(set.iter().map(|(k, v)| format!("set `{k}: {}`", scalar(v))));
                Some((capitalize(&words.join(", ")), actions))
            }
            Kind::Edit(Edit::Rename { from, to }) => {
                if object.contains_key(to) {
                    return None;
                }
                let value = object.remove(from)?;
                object.insert(to.clone(), value.clone());
                let actions = vec![
                    remove(std::slice::from_ref(from)),
                    update(Value::Object(Map::from_iter([(to.clone(), value)]))),
                ];
                Some((format!("Rename the example member `{from}` to `{to}`"), actions))
            }
            Kind::Edit(Edit::Append { key, value }) => {
                let (action, words) = match object.get_mut(key) {
                    Some(Value::Array(items)) => {
                        items.push(value.clone());
                        let mut action = update(value.clone());
                        action.target = format!("{target}[{}]", quote(key));
                        (action, format!("Append to `{key}`"))
                    }
                    Some(_) => return None,
                    None => {
                        object.insert(key.clone(), Value::Array(vec![value.clone()]));
                        (
                            update(Value::Object(Map::from_iter([(key.clone(), Value::Array(vec![value.clone()]))]))),
                            format!("Add `{key}`"),
                        )
                    }
                };
                Some((format!("{words}: `{}`", serde_json::to_string(value).unwrap_or_default()), vec![action]))
            }
            Kind::Edit(Edit::IntoProperties { .. }) => None,
            Kind::Move(keys) => {
                let is_object = object.get("type").is_none_or(|t| t == "object");
                let taken = |k: &String| object.get("properties").is_some_and(|p| !p.is_object() || p.get(k).is_some());
                if !is_object || keys.iter().any(|k| taken(k) || !object.contains_key(k)) {
                    return None;
                }
                let mut moved = Map::new();
                for key in keys {
                    moved.insert(key.clone(), object.remove(key)?);
                }
                let mut set = Map::new();
                set.insert("type".into(), "object".into());
                set.insert("properties".into(), Value::Object(moved.clone()));
                object.insert("type".into(), "object".into());
                let properties = object.entry("properties").or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(properties) = properties {
                    properties.extend(moved);
                }
                let listed = crate::lint::suggest::list(keys.iter().map(String::as_str));
                let words = format!("Move {listed} into the `properties` of an object schema");
                Some((words, vec![remove(keys), update(Value::Object(set))]))
            }
        }
    }
}

/// Every place of the bundle that holds the object the fix edits.
fn places(bundle: &Spec, fix: &Fix) -> Vec<String> {
    let mut found: Vec<String> = bundle
        .map
        .mounts()
        .filter(|(_, (file, _))| *file == fix.file)
        .filter_map(|(at, (_, from))| strip_pointer_prefix(&fix.pointer, from).map(|rest| format!("{at}{rest}")))
        .filter(|place| bundle.map.origin(place).is_some_and(|(f, p)| f == fix.file && p == fix.pointer))
        .filter(|place| bundle.document.pointer(place).is_some_and(Value::is_object))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The diagnostic a fix answers, and where it was reported.
fn why(diagnostic: &Diagnostic) -> String {
    match &diagnostic.location {
        Some(at) => format!("{} at {}:{}:{}", diagnostic.message, at.file, at.line, at.column),
        None => diagnostic.message.clone(),
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn uncapitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_lowercase().chain(chars).collect())
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// The RFC 9535 JSONPath of the node at `pointer` of `document` (names by shorthand where
/// the grammar allows, else quoted; indices of lists in brackets).
pub fn json_path(document: &Value, pointer: &str) -> String {
    let mut path = String::from("$");
    let mut node = Some(document);
    for token in tokens(pointer) {
        match node {
            Some(Value::Array(items)) => {
                path.push_str(&format!("[{token}]"));
                node = token.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            _ => {
                if shorthand(&token) {
                    path.push('.');
                    path.push_str(&token);
                } else {
                    path.push_str(&format!("[{}]", quote(&token)));
                }
                node = node.and_then(|n| n.get(&token));
            }
        }
    }
    path
}

/// Whether RFC 9535's member-name shorthand (`.name`) can write `name`.
fn shorthand(name: &str) -> bool {
    let mut chars = name.chars();
    let first = |c: char| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii();
    chars.next().is_some_and(first) && chars.all(|c| first(c) || c.is_ascii_digit())
}

/// A name as an RFC 9535 single-quoted string literal.
fn quote(name: &str) -> String {
    let mut out = String::from("'");
    for c in name.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::json_path;

    #[test]
    fn json_paths_quote_what_shorthand_cannot_write() {
        let document = json!({"paths": {"/a": {"get": {"parameters": [{"x-y": {"it's": 1}}]}}}});
        let path = json_path(&document, "/paths/~1a/get/parameters/0/x-y/it's");
        assert_eq!(path, r"$.paths['/a'].get.parameters[0]['x-y']['it\'s']");
        let parsed = serde_json_path::JsonPath::parse(&path).expect("valid JSONPath");
        assert_eq!(parsed.query(&document).exactly_one().ok(), Some(&json!(1)));
    }
}
