//! Schema checks: `type` values and keywords a schema does not know.
//!
//! Every schema position is visited: the roots [`Sites`] found, then `properties.*`, `items`,
//! `additionalProperties` (when a schema), `allOf`/`anyOf`/`oneOf` members and `not`.
//! A schema holding `$ref` is not looked into: its siblings are ignored by OpenAPI 3.0.
//! The walk records each position it meets, `$ref`s among them, as a located node of
//! [`crate::model::schemas`], which lowering reads instead of the JSON.
//!
//! The keywords known are those of the OpenAPI 3.0 Schema Object, `$ref`, and extensions
//! (`x-`). `$schema`, `id` and `definitions` are tolerated silently: they are found in
//! JSON Schema files shared with other tools, have no meaning once refs are resolved, and
//! warning about them would ask users to edit files they often do not own.
//! An unknown keyword whose value looks like a schema is also checked as a schema, since
//! that is what its author meant it to be.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::sites::Site;
use super::suggest::{list, nearest};
use super::{Deferred, Reporter, Sites};
use crate::diagnostics::{codes, Diagnostic, Edit};
use crate::source::push_token;
use crate::source::Spec;

/// The types a schema may have.
pub const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// The keywords of the OpenAPI 3.0 Schema Object, plus `$ref`.
pub const KEYWORDS: [&str; 36] = [
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "$ref",
];

/// JSON Schema keywords tolerated without a word (see the module documentation).
const TOLERATED: [&str; 3] = ["$schema", "id", "definitions"];

/// Keywords whose presence makes an object look like a schema rather than data.
const SCHEMA_MARKERS: [&str; 9] =
    ["type", "properties", "items", "additionalProperties", "allOf", "anyOf", "oneOf", "enum", "$ref"];

/// What a schema is to the schema holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Property,
    Items,
    AdditionalProperties,
    Member,
    Not,
    /// The value of an unknown keyword that looks like a schema.
    Guessed,
}

/// What the schema checks learnt for the checks after them.
#[derive(Debug, Default)]
pub struct Schemas {
    /// The pointer of each schema object visited that has an `example` (in no order).
    pub with_example: Vec<String>,
    /// Names of `components.schemas` entries defined in terms of themselves.
    pub cyclic: BTreeSet<String>,
    /// Pointers of the schemas whose `items` is a list of schemas (a draft 4 tuple).
    pub tuples: Vec<String>,
    /// Every schema position met, `$ref`s among them, as the located nodes of the model.
    pub located: crate::model::schemas::Schemas,
}

/// Checks every schema.
pub fn check(spec: &Spec, sites: &Sites<'_>, reporter: &mut Reporter) -> Schemas {
    // The roots are independent: on a large spec each half is walked on a thread of its own,
    // and the second half's findings (diagnostics included) joined after the first's, in order.
    let walk = |roots: &[Site<'_>]| {
        let mut walker = Walker {
            spec,
            found: Deferred::default(),
            with_example: Vec::new(),
            tuples: Vec::new(),
            located: Default::default(),
        };
        for (root, schema) in roots {
            walker.walk(root, schema, Role::Root);
        }
        walker
    };
    let parts = crate::parallel::halves(&sites.schemas, PARALLEL_ROOTS);
    let mut walker = walk(&[]);
    for other in crate::parallel::map_in_order(&parts, |part| walk(part)) {
        walker.found.extend(other.found);
        walker.with_example.extend(other.with_example);
        walker.tuples.extend(other.tuples);
        walker.located.append(other.located);
    }
    reporter.replay(walker.found);
    let (with_example, tuples, located) = (walker.with_example, walker.tuples, walker.located);
    let cyclic = unproductive_cycles(&spec.document, false);
    for name in &unproductive_cycles(&spec.document, true) {
        let at = push_token("/components/schemas", name);
        reporter.report(
            &at,
            Diagnostic::error(codes::REF_CYCLE, format!("schema `{name}` is defined in terms of itself"))
                .at(spec.key_location(&at))
                .label("refers to itself without nesting")
                .help("a schema may refer to itself inside `properties`, `items` or `additionalProperties`; through `$ref`, `allOf`, `anyOf`, `oneOf` or `not` alone the definition never ends"),
        );
    }
    Schemas { with_example, cyclic, tuples, located }
}

/// The named schemas that reach themselves through `$ref`, `allOf`, `anyOf`, `oneOf` and `not`
/// alone: validating against them, or giving them a type, would never end.
///
/// With `inheritance`, a schema that extends a base with a `discriminator` through `allOf`
/// does not count as reaching it: the base's `oneOf` of its subtypes, each extending the base
/// (OpenAPI's polymorphism), is read by the tag, and a subtype takes the base's properties,
/// never its union again. Example validation, which reads it as JSON Schema, still skips
/// such schemas.
pub fn unproductive_cycles(document: &Value, inheritance: bool) -> BTreeSet<String> {
    let Some(Value::Object(schemas)) = document.pointer("/components/schemas") else { return BTreeSet::new() };
    let is_base = |name: &str| inheritance && schemas.get(name).is_some_and(|s| s.get("discriminator").is_some());
    let edges: BTreeMap<&str, BTreeSet<String>> = schemas
        .iter()
        .map(|(name, schema)| {
            let mut targets = BTreeSet::new();
            in_place_refs(schema, &mut targets, &is_base);
            (name.as_str(), targets)
        })
        .collect();
    let mut cyclic = BTreeSet::new();
    for start in edges.keys() {
        let mut stack: Vec<&str> = edges.get(start).into_iter().flatten().map(String::as_str).collect();
        let mut seen = BTreeSet::new();
        while let Some(node) = stack.pop() {
            if node == *start {
                cyclic.insert((*start).to_owned());
                break;
            }
            if seen.insert(node) {
                stack.extend(edges.get(node).into_iter().flatten().map(String::as_str));
            }
        }
    }
    cyclic
}

/// Names of the schemas `schema` refers to without descending into a property or an item,
/// leaving out the bases (`is_base`) it extends with an `allOf` of their `$ref`.
fn in_place_refs(schema: &Value, out: &mut BTreeSet<String>, is_base: &dyn Fn(&str) -> bool) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::String(reference)) = map.get("$ref") {
        if let Some(name) = reference.strip_prefix("#/components/schemas/").filter(|n| !n.contains('/')) {
            out.insert(crate::source::unescape_token(name));
        }
        return;
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = map.get(key) {
            for member in members {
                let extended = member
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .is_some_and(|name| key == "allOf" && is_base(&crate::source::unescape_token(name)));
                if !extended {
                    in_place_refs(member, out, is_base);
                }
            }
        }
    }
    if let Some(not) = map.get("not") {
        in_place_refs(not, out, is_base);
    }
}

/// Whether a keyword's value is of the kind the keyword takes.
type Fits = fn(&Value) -> bool;

/// What the value of a Schema Object keyword must be, for the keywords whose value is not a
/// schema (those are walked as schemas).
fn keyword_kind(keyword: &str) -> Option<(&'static str, Fits)> {
    let kind: (&'static str, Fits) = match keyword {
        "title" | "description" | "pattern" | "format" => ("a string", Value::is_string),
        "multipleOf" | "maximum" | "minimum" => ("a number", Value::is_number),
        "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties" | "minProperties" => {
            ("a non-negative integer", |v| v.as_u64().is_some())
        }
        "exclusiveMaximum" | "exclusiveMinimum" | "uniqueItems" | "nullable" | "readOnly" | "writeOnly"
        | "deprecated" => ("`true` or `false`", Value::is_boolean),
        "required" => ("a list of property names", |v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string))),
        "enum" => ("a list of values", Value::is_array),
        "properties" => ("a mapping of property names to schemas", Value::is_object),
        "allOf" | "anyOf" | "oneOf" => ("a list of schemas", Value::is_array),
        "additionalProperties" => ("`true`, `false` or a schema", |v| v.is_boolean() || v.is_object()),
        _ => return None,
    };
    Some(kind)
}

fn value_kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(n) => format!("`{n}`"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

/// From how many root schemas [`check`] walks on two threads.
const PARALLEL_ROOTS: usize = 256;

struct Walker<'a> {
    spec: &'a Spec,
    found: Deferred,
    with_example: Vec<String>,
    tuples: Vec<String>,
    located: crate::model::schemas::Schemas,
}

impl Walker<'_> {
    fn report(&mut self, pointer: &str, diagnostic: Diagnostic) {
        self.found.report(pointer, diagnostic);
    }

    fn walk(&mut self, pointer: &str, schema: &Value, role: Role) {
        let spec = self.spec;
        let Value::Object(map) = schema else { return };
        let written_default = self.located.insert(spec, pointer, map).default_written().map(str::to_owned);
        if map.contains_key("$ref") {
            return;
        }
        if map.contains_key("example") {
            self.with_example.push(pointer.to_owned());
        }
        if let Some(value) = map.get("type") {
            self.check_type(pointer, value);
        }
        self.integer_default(pointer, map, written_default.as_deref());
        self.untyped_object(pointer, map);
        for (key, value) in map {
            let child = || push_token(pointer, key);
            if KEYWORDS.contains(&key.as_str()) {
                self.check_keyword_value(pointer, key, value);
            }
            match key.as_str() {
                "properties" => {
                    if let Value::Object(properties) = value {
                        let child = child();
                        if properties.get("$ref").is_some_and(Value::is_string) {
                            self.properties_by_ref(&child);
                        }
                        for (name, property) in properties {
                            self.walk(&push_token(&child, name), property, Role::Property);
                        }
                    }
                }
                "items" => match value {
                    Value::Array(items) => {
                        let child = child();
                        self.tuple(pointer, &child);
                        for (i, item) in items.iter().enumerate() {
                            self.walk(&format!("{child}/{i}"), item, Role::Items);
                        }
                    }
                    _ => self.walk(&child(), value, Role::Items),
                },
                "additionalProperties" => self.walk(&child(), value, Role::AdditionalProperties),
                "allOf" | "anyOf" | "oneOf" => {
                    if let Value::Array(members) = value {
                        let child = child();
                        for (i, member) in members.iter().enumerate() {
                            self.walk(&format!("{child}/{i}"), member, Role::Member);
                        }
                    }
                }
                "not" => self.walk(&child(), value, Role::Not),
                // Draft 4's companion of a tuple: read with it (the tuple is reported).
                "additionalItems" if map.get("items").is_some_and(Value::is_array) => {}
                k if KEYWORDS.contains(&k) || TOLERATED.contains(&k) || k.starts_with("x-") => {}
                _ => {
                    let guessed = looks_like_schema(value);
                    self.unknown_keyword(pointer, key, guessed, role);
                    if guessed {
                        self.walk(&child(), value, Role::Guessed);
                    }
                }
            }
        }
    }

    /// An object schema with a `title` but no members: the title names a structure the document
    /// does not describe (Matrix's `/sync` `device_lists`, whose members only the prose
    /// gives), so every member is untyped JSON in the generated code.
    fn untyped_object(&mut self, pointer: &str, map: &Map<String, Value>) {
        const MEMBERS: [&str; 7] =
            ["properties", "additionalProperties", "patternProperties", "allOf", "anyOf", "oneOf", "not"];
        let Some(title) = map.get("title").and_then(Value::as_str) else { return };
        if map.get("type").and_then(Value::as_str) != Some("object") || MEMBERS.iter().any(|k| map.contains_key(*k)) {
            return;
        }
        let at = push_token(pointer, "title");
        self.report(
            &at,
            Diagnostic::warning(
                codes::UNTYPED_OBJECT,
                format!("object schema `{}` declares no members: they are untyped JSON", title.escape_debug()),
            )
            .at(self.spec.value_location(&at))
            .label("titled, but without `properties`")
            .help("describe its members with `properties` (in an overlay, when the spec is vendored), or drop `title` if any object is meant"),
        );
    }

    /// An integer schema's `default` that its integers cannot hold (32 bits for `int32`, else
    /// 64): a warning, the very one lowering gives for the field's Rust type (identical
    /// diagnostics are shown once), so `lint` says it too.
    /// `written` is the default as its file writes it, when a plain number.
    fn integer_default(&mut self, pointer: &str, map: &Map<String, Value>, written: Option<&str>) {
        if map.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        let Some(Value::Number(number)) = map.get("default") else { return };
        let (rust, range) = match map.get("format").and_then(Value::as_str) {
            Some("int32") => ("i32", i64::from(i32::MIN)..=i64::from(i32::MAX)),
            _ => ("i64", i64::MIN..=i64::MAX),
        };
        if number.as_i64().is_some_and(|n| range.contains(&n)) {
            return;
        }
        let at = push_token(pointer, "default");
        let text = written.map_or_else(|| number.to_string(), str::to_owned);
        self.report(
            &at,
            Diagnostic::warning(
                codes::INVALID_KEYWORD_VALUE,
                format!("invalid `default` `{text}`: it does not fit the field's Rust type `{rust}`"),
            )
            .at(self.spec.value_location(&at))
            .label(format!("not an `{rust}`"))
            .help("use a default the schema's `type` and `format` allow; the docs show it as written"),
        );
    }

    /// A keyword whose value is of the wrong kind (`pattern: 0`), reported at the value.
    /// The value of `keyword` of the schema at `schema`.
    fn check_keyword_value(&mut self, schema: &str, keyword: &str, value: &Value) {
        let Some((kind, fits)) = keyword_kind(keyword) else { return };
        if fits(value) {
            return;
        }
        let at = &push_token(schema, keyword);
        self.report(
            at,
            Diagnostic::error(
                codes::INVALID_KEYWORD_VALUE,
                format!("invalid value for `{keyword}`: expected {kind}, found {}", value_kind(value)),
            )
            .at(self.spec.value_location(at))
            .label(format!("expected {kind}"))
            .help(format!("`{keyword}` takes {kind}")),
        );
    }

    /// `properties: {$ref: ...}`: a reference standing for the whole map of properties, which
    /// OpenAPI reads as a property named `$ref` whose schema is a string (resolvers that
    /// replace every `$ref` object accept it: DigitalOcean's spec has six).
    fn properties_by_ref(&mut self, properties: &str) {
        let at = &push_token(properties, "$ref");
        self.report(
            at,
            Diagnostic::error(
                codes::INVALID_KEYWORD_VALUE,
                "invalid value for `properties`: a `$ref` in place of the properties",
            )
            .at(self.spec.key_location(at))
            .label("a reference stands for one schema, not for a map of properties")
            .help("name each property here, its schema a `$ref` if shared, or take the properties of a whole schema with `allOf: [{$ref: ...}]`"),
        );
    }

    /// `items: [A, B]`: JSON Schema draft 4's tuple, which neither Swagger 2.0 nor OpenAPI 3.0
    /// has (their `items` is one schema). It is read as the tuple it was meant to be; written
    /// as OpenAPI 3.1's `prefixItems`, it is no mistake.
    fn tuple(&mut self, pointer: &str, at: &str) {
        self.tuples.push(pointer.to_owned());
        // OpenAPI 3.1's `prefixItems`, which upgrade writes so: the tuple as the document means it.
        if self.spec.map.origin(at).is_some_and(|(_, origin)| origin.ends_with("/prefixItems")) {
            return;
        }
        let version = match self.spec.source_version.as_str() {
            "2.0" => "Swagger 2.0",
            v if v.starts_with("3.1") => "OpenAPI 3.1",
            _ => "OpenAPI 3.0",
        };
        self.report(
            at,
            Diagnostic::warning(
                codes::INVALID_KEYWORD_VALUE,
                "invalid value for `items`: expected a schema, found a list of schemas",
            )
            .at(self.spec.key_location(at))
            .label("a JSON Schema draft 4 tuple")
            .help(format!(
                "{version} takes one schema for `items`; the list is read as a tuple, one schema per position (OpenAPI 3.1 writes it `prefixItems`)"
            )),
        );
    }

    fn check_type(&mut self, pointer: &str, value: &Value) {
        if value.as_str().is_some_and(|t| TYPES.contains(&t)) {
            return;
        }
        let at = format!("{pointer}/type");
        let location = self.spec.value_location(&at);
        let invalid = |shown: &str| {
            Diagnostic::error(codes::INVALID_TYPE, format!("invalid schema type `{shown}`"))
                .at(location.clone())
                .label("not a schema type")
        };
        let all_types = format!("a schema's `type` is one of {}", list(TYPES));
        let open_api_30 = self.spec.source_version.starts_with("3.0");
        let set = |pairs: &[(&str, Value)]| -> Map<String, Value> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
        };
        let fix = |edit: Edit| super::fix_at(self.spec, pointer, edit);
        let diagnostic = match value {
            Value::String(t) if t == "file" && self.spec.source_version == "2.0" => {
                Diagnostic::error(codes::UNSUPPORTED, "schema type `file` is not supported yet")
                    .at(location.clone())
                    .label("file type")
                    .help("describe a file as `type: string` with `format: binary`")
            }
            Value::String(t) if t == "file" => invalid(t)
                .help("`file` is a Swagger 2.0 type; in OpenAPI 3.0 a file is `type: string` with `format: binary`"),
            Value::String(t) if t == "null" => {
                let edit = Edit::Replace { remove: vec!["type".into()], set: set(&[("nullable", Value::Bool(true))]) };
                invalid(t)
                    .help("OpenAPI 3.0 has no `null` type; add `nullable: true` to the schema instead")
                    .fix(if open_api_30 { fix(edit) } else { None })
            }
            Value::String(t) if t == "date" || t == "date-time" => {
                invalid(t).help(format!("a date is `type: string` with `format: {t}`"))
            }
            Value::String(t) => match nearest(t, TYPES) {
                Some(near) => invalid(t)
                    .help(format!("did you mean `{near}`?"))
                    .fix(fix(Edit::Replace { remove: Vec::new(), set: set(&[("type", near.into())]) })),
                None => match alias(t) {
                    Some(near) => invalid(t).help(format!("did you mean `{near}`?")),
                    None => invalid(t).help(all_types),
                },
            },
            Value::Array(types) => {
                let named: Vec<&str> = types.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
                let help = match named.as_slice() {
                    [one] if types.len() == 2 => {
                        format!("OpenAPI 3.0 takes a single type: write `type: {one}` with `nullable: true`")
                    }
                    [one] if types.len() == 1 => format!("OpenAPI 3.0 takes a single type: write `type: {one}`"),
                    _ => "OpenAPI 3.0 takes a single type; use `oneOf` for a value of several types".to_owned(),
                };
                invalid(&value.to_string()).help(help)
            }
            other => invalid(&other.to_string()).help(all_types),
        };
        self.report(&at, diagnostic);
    }

    fn unknown_keyword(&mut self, pointer: &str, key: &str, guessed: bool, role: Role) {
        let at = push_token(pointer, key);
        let help = match role {
            Role::AdditionalProperties if guessed => Some(
                "`additionalProperties` takes a schema; did you mean an object schema with these as `properties`?"
                    .to_owned(),
            ),
            Role::Items if guessed => {
                Some("`items` takes a schema; did you mean an object schema with these as `properties`?".to_owned())
            }
            _ if guessed => Some(format!("did you mean to declare `{key}` under `properties`?")),
            _ => nearest(key, KEYWORDS).map(|k| format!("did you mean `{k}`?")),
        };
        let help = help.unwrap_or_else(|| {
            "a schema takes the keywords of the OpenAPI 3.0 Schema Object; extensions start with `x-`".to_owned()
        });
        // A schema where a schema of an object's members was meant: they become its properties.
        let into_properties = guessed && matches!(role, Role::AdditionalProperties | Role::Items);
        let fix = into_properties.then(|| super::fix_at(self.spec, pointer, Edit::IntoProperties { key: key.into() }));
        let diagnostic = Diagnostic::warning(codes::UNKNOWN_KEYWORD, format!("unknown schema keyword `{key}`"))
            .at(self.spec.key_location(&at))
            .label("not a schema keyword")
            .help(help)
            .fix(fix.flatten());
        self.report(&at, diagnostic);
    }
}

/// The document as the `openapiv3` model reads it: the same, but for each tuple's list of
/// schemas (`items: [A, B]`, which the model has no place for), given as the `anyOf` of
/// `items` (`items: {anyOf: [A, B]}`, each item is one of them), so the model checks and
/// holds every member. Lowering reads the list in the document and the members in the model.
pub fn model_view<'v>(document: &'v Value, tuples: &[String]) -> std::borrow::Cow<'v, Value> {
    if tuples.is_empty() {
        return std::borrow::Cow::Borrowed(document);
    }
    let mut view = document.clone();
    for pointer in tuples {
        if let Some(Value::Object(schema)) = view.pointer_mut(pointer) {
            if let Some(items @ Value::Array(_)) = schema.get_mut("items") {
                let members = std::mem::take(items);
                *items = serde_json::json!({ "anyOf": members });
            }
        }
    }
    std::borrow::Cow::Owned(view)
}

/// Names other languages and tools use for the schema types.
fn alias(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "int" | "int32" | "int64" | "long" | "short" => "integer",
        "float" | "double" | "decimal" => "number",
        "bool" => "boolean",
        "str" | "text" => "string",
        "list" => "array",
        "map" | "dict" | "hash" => "object",
        _ => return None,
    })
}

/// An object whose keys are all schema keywords, among them one only schemas have.
pub fn looks_like_schema(value: &Value) -> bool {
    let Value::Object(map) = value else { return false };
    is_schema_like(map)
}

fn is_schema_like(map: &Map<String, Value>) -> bool {
    !map.is_empty()
        && map.keys().all(|k| KEYWORDS.contains(&k.as_str()) || k.starts_with("x-"))
        && map.keys().any(|k| SCHEMA_MARKERS.contains(&k.as_str()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::{model_view, unproductive_cycles};

    #[test]
    fn the_model_reads_a_tuple_as_the_any_of_of_its_items_and_the_document_is_unchanged() {
        let document = json!({"a": {"type": "array", "items": [{"type": "integer"}, {"$ref": "#/x"}]}, "b": {}});
        assert!(matches!(model_view(&document, &[]), std::borrow::Cow::Borrowed(_)));
        let view = model_view(&document, &["/a".to_owned()]);
        assert_eq!(view["a"]["items"], json!({"anyOf": [{"type": "integer"}, {"$ref": "#/x"}]}));
        assert_eq!(view["b"], document["b"]);
        assert!(document["a"]["items"].is_array());
    }

    /// A subtype extending its discriminated base with `allOf` is no cycle when reporting
    /// (the base's `oneOf` is read by the tag), though validation still skips it; a plain
    /// `$ref` back to the base still is one.
    #[test]
    fn extending_a_discriminated_base_is_no_cycle() {
        let document = json!({"components": {"schemas": {
            "Pet": {"discriminator": {"propertyName": "t"}, "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
            "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"c": {}}}]},
            "Dog": {"$ref": "#/components/schemas/Pet"},
        }}});
        let all = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<BTreeSet<_>>();
        assert_eq!(unproductive_cycles(&document, false), all(&["Cat", "Dog", "Pet"]));
        assert_eq!(unproductive_cycles(&document, true), all(&["Dog", "Pet"]));
    }
}
