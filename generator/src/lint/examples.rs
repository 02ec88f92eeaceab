//! Example checks: every example is validated against its schema, and a property the
//! schema does not declare is pointed out.
//!
//! Covered: `example` and `examples.*.value` of media types, parameters and headers
//! (Swagger 2.0 `x-example` arrives as `example`), and the `example` of any schema. Each
//! becomes a node of the model's [`Examples`], with the schema it was checked against and
//! whether it matched, which lowering reads to keep invalid examples out of test data.
//!
//! Validation uses the `jsonschema` crate with draft 4 semantics (the JSON Schema both
//! Swagger 2.0 and OpenAPI 3.0 derive from) on a copy of the schema that says what OpenAPI
//! 3.0 means by it: `nullable: true` adds `null` to the type (and to `enum`), keywords draft 4
//! would read differently or OpenAPI does not have are left out, and a `type` lint already
//! reported as invalid is dropped so it is not reported twice. Where OpenAPI is looser than
//! draft 4, the copy is too: a `readOnly` or `writeOnly` property is not required (an
//! example does not say whether it is a request or a response), and the `oneOf` of a schema
//! with a `discriminator` is read as `anyOf`. Each `$ref` becomes a ref to a copy of its
//! target under `definitions` of the validator's root; a ref resolve could not follow
//! becomes the empty schema, so validation never reaches for a file or the network. A
//! schema defined in terms of itself (reported by the schema checks) is not validated
//! against, as validation would never end.
//!
//! An undeclared property is one of an object whose schema (with its `allOf` parts) lists
//! `properties` and says nothing else about other properties (no `additionalProperties`,
//! `patternProperties`, `anyOf` or `oneOf`). JSON Schema allows it, and the generated type
//! keeps it (decision 20), so the example is still test data; only one whose name is a likely
//! typo of a declared property (`limitted` beside `limited`) is a warning. Open objects are
//! how APIs such as Matrix describe their events, and their examples carry such members by
//! design.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::{json, Map, Value};

use super::schema::{Schemas, TYPES};
use super::suggest::{list, nearest};
use super::{Deferred, Reporter, Sites};
use crate::diagnostics::{codes, Diagnostic, Edit};
use crate::model::examples::{Example, Examples, Site};
use crate::source::Spec;
use crate::source::{escape_token, push_token, unescape_token};

const SCHEMAS_REF: &str = "#/components/schemas/";

/// Draft 4 keywords that mean the same in OpenAPI 3.0 and constrain a value on their own.
const CONSTRAINTS: [&str; 14] = [
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
    "format",
];

/// Checks every example, and returns them as the model's nodes.
pub fn check(spec: &Spec, sites: &Sites<'_>, schemas: &Schemas, reporter: &mut Reporter) -> Examples {
    let checker = Checker { spec, cyclic: &schemas.cyclic };
    let owners = sites.media_types.iter().map(|(pointer, value)| Owner::Media(pointer, value));
    let owners = owners.chain(sites.parameters.iter().chain(&sites.headers).map(|(p, value)| Owner::Other(p, value)));
    let owners: Vec<Owner<'_>> = owners.chain(schemas.with_example.iter().map(|p| Owner::Schema(p))).collect();
    // Owners are independent, but many share a schema (GitHub's responses name the same
    // components again and again), and compiling a validator costs some 60 times running it:
    // the owners of one schema (by its JSON text) are checked together, by one thread, which
    // compiles it when an example first needs it and drops it when the group is done (kept
    // to the end, GitHub's validators weighed 50 MB). Groups differ widely in cost (a schema
    // reaching a hundred others compiles a validator a hundred times larger): the largest go
    // first, both threads take the next as they finish, and the results are joined in the
    // owners' order.
    let mut by_schema: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, owner) in owners.iter().enumerate() {
        by_schema.entry(checker.schema_of(owner).map(Value::to_string).unwrap_or_default()).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_schema.into_values().collect();
    groups.sort_by_key(|members| std::cmp::Reverse(members.len()));
    let results = crate::parallel::map_in_order(&groups, |members| {
        let compiled = OnceCell::new();
        members.iter().map(|&i| (i, checker.check(&owners[i], &compiled))).collect::<Vec<_>>()
    });
    let mut slots: Vec<Option<(Examples, Deferred)>> = owners.iter().map(|_| None).collect();
    for (i, checked) in results.into_iter().flatten() {
        slots[i] = Some(checked);
    }
    let (mut examples, mut found) = (Examples::default(), Deferred::default());
    for (more, more_found) in slots.into_iter().flatten() {
        examples.append(more);
        found.extend(more_found);
    }
    reporter.replay(found);
    examples
}

/// What holds examples.
enum Owner<'a> {
    /// A media type: its pointer and value.
    Media(&'a str, &'a Value),
    /// A parameter or a header.
    Other(&'a str, &'a Value),
    /// A schema with an `example`, by its pointer.
    Schema(&'a str),
}

struct Checker<'a> {
    spec: &'a Spec,
    /// Schemas defined in terms of themselves (reported by the schema checks): examples
    /// that reach one are not validated, as validation would never end.
    cyclic: &'a BTreeSet<String>,
}

/// What an example's schema compiles to, or the compiler's refusal with the aliases of the
/// components the root holds (to find the part refused).
type Compilation = Result<Compiled, Box<(ValidationError<'static>, Aliases)>>;

enum Compiled {
    /// It reaches a schema defined in terms of itself: nothing is checked.
    Cyclic,
    Validator(Validator),
}

impl<'a> Checker<'a> {
    /// The schema the examples of `owner` are checked against.
    fn schema_of<'v>(&self, owner: &Owner<'v>) -> Option<&'v Value>
    where
        'a: 'v,
    {
        match *owner {
            Owner::Media(_, value) | Owner::Other(_, value) => value.get("schema"),
            Owner::Schema(pointer) => crate::source::lookup(&self.spec.document, pointer),
        }
    }

    /// The examples of `owner`, in order, and what checking them found; `compiled` is its
    /// schema's validator, shared with the other owners of that schema.
    fn check(&self, owner: &Owner<'_>, compiled: &OnceCell<Compilation>) -> (Examples, Deferred) {
        let (mut examples, mut found) = (Examples::default(), Deferred::default());
        match *owner {
            Owner::Media(pointer, value) => {
                self.examples_of(pointer, value, compiled, &mut found, true, &mut examples);
            }
            Owner::Other(pointer, value) => {
                self.examples_of(pointer, value, compiled, &mut found, false, &mut examples);
            }
            Owner::Schema(pointer) => {
                if let Some((schema, example)) = self.schema_of(owner).and_then(|s| Some((s, s.get("example")?))) {
                    let at = format!("{pointer}/example");
                    let valid = self.validate(pointer, schema, compiled, &at, example, &mut found);
                    examples.push(self.node(pointer, Site::Schema, at, pointer, valid));
                }
            }
        }
        (examples, found)
    }

    /// The node of the example at `pointer` of `owner`, checked against the schema at `schema`.
    fn node(&self, owner: &str, site: Site, pointer: String, schema: &str, valid: bool) -> Example {
        Example {
            owner: owner.to_owned(),
            site,
            location: self.spec.value_location(&pointer),
            pointer,
            schema: schema.to_owned(),
            valid,
        }
    }

    /// The `example` and `examples.*.value` of a media type, parameter or header, checked
    /// and added to `found`.
    fn examples_of(
        &self,
        owner: &str,
        value: &Value,
        compiled: &OnceCell<Compilation>,
        reporter: &mut Deferred,
        is_media: bool,
        found: &mut Examples,
    ) {
        let Some(schema) = value.get("schema") else { return };
        let schema_at = format!("{owner}/schema");
        if let Some(value) = value.get("example") {
            let example = format!("{owner}/example");
            let unparsed = is_media && self.unparsed_json(owner, value, schema, &example, reporter);
            let valid = !unparsed && self.validate(&schema_at, schema, compiled, &example, value, reporter);
            found.push(self.node(owner, Site::Example, example, &schema_at, valid));
        }
        if let Some(Value::Object(examples)) = value.get("examples") {
            for (name, entry) in examples {
                if let Some(value) = entry.get("value") {
                    let at = format!("{}/value", push_token(&format!("{owner}/examples"), name));
                    let valid = self.validate(&schema_at, schema, compiled, &at, value, reporter);
                    found.push(self.node(owner, Site::Entry(name.clone()), at, &schema_at, valid));
                }
            }
        }
    }

    /// Reports an example of a JSON media type written as JSON text that does not parse
    /// (upgrade reads the text that does). Returns whether it did.
    fn unparsed_json(&self, media: &str, example: &Value, schema: &Value, at: &str, reporter: &mut Deferred) -> bool {
        let Value::String(text) = example else { return false };
        let mime = crate::source::tokens(media).last().cloned().unwrap_or_default();
        let looks_like_json = text.trim_start().starts_with(['{', '[']);
        if !crate::spec::is_json(&mime)
            || !looks_like_json
            || schema.get("type").and_then(Value::as_str) == Some("string")
        {
            return false;
        }
        let Err(error) = serde_json::from_str::<Value>(text) else { return false };
        reporter.report(
            at,
            Diagnostic::warning(codes::EXAMPLE_STRING, "invalid example: its JSON text does not parse")
                .at(self.spec.value_location(at))
                .label("not valid JSON")
                .help(format!("fix the JSON text: {error} (counted from the start of the example)")),
        );
        true
    }

    /// Validates `example`, at pointer `at`, against `schema`, at pointer `schema_at`, with
    /// its validator `compiled` (compiled here for the first example that needs it); returns
    /// whether it was not found invalid (one that cannot be checked is not).
    fn validate(
        &self,
        schema_at: &str,
        schema: &Value,
        compiled: &OnceCell<Compilation>,
        at: &str,
        example: &Value,
        reporter: &mut Deferred,
    ) -> bool {
        let mut valid = true;
        match compiled.get_or_init(|| self.compile(schema)) {
            Ok(Compiled::Cyclic) => return true,
            Ok(Compiled::Validator(validator)) => {
                for error in validator.iter_errors(example) {
                    valid = false;
                    self.report(&error, at, reporter);
                }
            }
            Err(refused) => {
                let (error, aliases) = refused.as_ref();
                // The root's parts keep the shape of the schemas they were made from, so the
                // part the validator rejects is found in the spec by the same path.
                let path = error.instance_path.as_str();
                let culprit = match path.strip_prefix("/allOf/0") {
                    Some(rest) => Some(format!("{schema_at}{rest}")),
                    None => path.strip_prefix("/definitions/").and_then(|rest| {
                        let (alias, rest) = rest.split_once('/').unwrap_or((rest, ""));
                        let name = aliases.order.iter().find(|(_, a)| a == alias).map(|(n, _)| n)?;
                        let tail = if rest.is_empty() { String::new() } else { format!("/{rest}") };
                        Some(format!("{}{tail}", push_token("/components/schemas", name)))
                    }),
                };
                let place = culprit
                    .and_then(|p| self.spec.value_location(&p))
                    .map_or_else(String::new, |l| format!(" at {}:{}:{}", l.file, l.line, l.column));
                reporter.report(
                    at,
                    Diagnostic::warning(codes::EXAMPLE_INVALID, "example not checked: its schema cannot be compiled")
                        .at(self.spec.value_location(at))
                        .label("not checked")
                        .help(format!("the validator rejects the schema{place}: {}", describe(error))),
                );
            }
        }
        // A property the schema does not declare survives a trip through the generated type
        // (it is kept beside the declared fields), so the example stays test data.
        self.undeclared(vec![schema], example, at, reporter);
        valid
    }

    fn report(&self, error: &ValidationError, at: &str, reporter: &mut Deferred) {
        let pointer = format!("{at}{}", error.instance_path.as_str());
        if let ValidationErrorKind::AdditionalProperties { unexpected } = &error.kind {
            for name in unexpected {
                let key = push_token(&pointer, name);
                reporter.report(
                    &key,
                    Diagnostic::warning(
                        codes::EXAMPLE_INVALID,
                        format!("invalid example: property `{name}` is not allowed"),
                    )
                    .at(self.spec.key_location(&key))
                    .label("not declared by the schema")
                    .help("the schema sets `additionalProperties: false`"),
                );
            }
            return;
        }
        reporter.report(
            &pointer,
            Diagnostic::warning(codes::EXAMPLE_INVALID, format!("invalid example: {}", describe(error)))
                .at(self.spec.value_location(&pointer))
                .label("does not match the schema"),
        );
    }

    /// Compiles the validator of `schema`.
    fn compile(&self, schema: &Value) -> Compilation {
        let Some((root, aliases)) = self.validation_root(schema) else { return Ok(Compiled::Cyclic) };
        match jsonschema::options().with_draft(Draft::Draft4).build(&root) {
            Ok(validator) => Ok(Compiled::Validator(validator)),
            Err(error) => Err(Box::new((error, aliases))),
        }
    }

    /// `{"allOf": [schema], "definitions": {...}}` with the schema and everything it refers to
    /// rewritten for draft 4; `None` when it reaches a schema defined in terms of itself.
    fn validation_root(&self, schema: &Value) -> Option<(Value, Aliases)> {
        let mut aliases = Aliases::default();
        let document = &self.spec.document;
        let main = sanitize(schema, document, &mut aliases);
        let mut definitions = Map::new();
        let mut next = 0;
        while let Some((name, alias)) = aliases.order.get(next).cloned() {
            next += 1;
            if self.cyclic.contains(&name) {
                return None;
            }
            let target = document.pointer(&format!("/components/schemas/{}", escape_token(&name)));
            let value = target.map_or_else(|| json!({}), |t| sanitize(t, document, &mut aliases));
            definitions.insert(alias, value);
        }
        let mut root = Map::new();
        root.insert("allOf".into(), Value::Array(vec![main]));
        if !definitions.is_empty() {
            root.insert("definitions".into(), Value::Object(definitions));
        }
        Some((Value::Object(root), aliases))
    }

    /// Warns about properties of an example object that its schema does not declare.
    fn undeclared(&self, schemas: Vec<&Value>, instance: &Value, at: &str, reporter: &mut Deferred) {
        let mut flat = Vec::new();
        let mut seen = BTreeSet::new();
        for schema in schemas {
            self.flatten(schema, &mut flat, &mut seen);
        }
        if flat.is_empty() {
            return;
        }
        match instance {
            Value::Object(map) => {
                let properties: Vec<&Map<String, Value>> =
                    flat.iter().filter_map(|s| s.get("properties").and_then(Value::as_object)).collect();
                let open = flat.iter().any(|s| {
                    ["additionalProperties", "patternProperties", "anyOf", "oneOf"].iter().any(|k| s.get(*k).is_some())
                });
                let other_type = flat.iter().any(|s| s.get("type").is_some_and(|t| t != "object"));
                let closed = !properties.is_empty() && !open && !other_type;
                let declared: BTreeSet<&str> = properties.iter().flat_map(|p| p.keys()).map(String::as_str).collect();
                for (key, child) in map {
                    let child_at = push_token(at, key);
                    if closed && !declared.contains(key.as_str()) {
                        self.warn_undeclared(key, &declared, &child_at, reporter);
                    }
                    let mut next: Vec<&Value> = properties.iter().filter_map(|p| p.get(key)).collect();
                    if next.is_empty() {
                        next = flat
                            .iter()
                            .filter_map(|s| s.get("additionalProperties"))
                            .filter(|a| a.is_object())
                            .collect();
                    }
                    if !next.is_empty() {
                        self.undeclared(next, child, &child_at, reporter);
                    }
                }
            }
            Value::Array(items) => {
                let next: Vec<&Value> = flat.iter().filter_map(|s| s.get("items")).filter(|i| i.is_object()).collect();
                if next.is_empty() {
                    return;
                }
                for (i, item) in items.iter().enumerate() {
                    self.undeclared(next.clone(), item, &format!("{at}/{i}"), reporter);
                }
            }
            _ => {}
        }
    }

    /// Warns about an undeclared property whose name is a likely typo of a declared one, or
    /// that is a `$ref` (a reference the example is read without: decision 24); any other is
    /// a member of an open object, which JSON Schema allows.
    fn warn_undeclared(&self, key: &str, declared: &BTreeSet<&str>, at: &str, reporter: &mut Deferred) {
        let mut fix = None;
        let help = if key == "$ref" {
            "example values are data as written; set `examples: {refs: resolve}` in the config \
             (`--example-refs resolve` for lint) to read this as a reference"
                .to_owned()
        } else {
            let Some(near) = nearest(key, declared.iter().copied()) else { return };
            let edit = Edit::Rename { from: key.to_owned(), to: near.to_owned() };
            fix = super::fix_at(self.spec, crate::source::parent_pointer(at), edit);
            format!("did you mean `{near}`?")
        };
        reporter.report(
            at,
            Diagnostic::warning(
                codes::EXAMPLE_UNDECLARED,
                format!("example property `{key}` is not declared by its schema"),
            )
            .at(self.spec.key_location(at))
            .label("undeclared property")
            .help(help)
            .fix(fix),
        );
    }

    /// The schema and its `allOf` members, through refs (each followed once).
    fn flatten<'s>(&'s self, schema: &'s Value, out: &mut Vec<&'s Value>, seen: &mut BTreeSet<String>) {
        let Value::Object(map) = schema else { return };
        if let Some(reference) = map.get("$ref") {
            let Some(pointer) = reference.as_str().and_then(|r| r.strip_prefix('#')) else { return };
            if seen.insert(pointer.to_owned()) {
                if let Some(target) = self.spec.document.pointer(pointer) {
                    self.flatten(target, out, seen);
                }
            }
            return;
        }
        out.push(schema);
        if let Some(Value::Array(members)) = map.get("allOf") {
            for member in members {
                self.flatten(member, out, seen);
            }
        }
    }
}

/// Names of the copies of referenced schemas under the validator root's `definitions`.
#[derive(Default)]
struct Aliases {
    by_name: BTreeMap<String, String>,
    order: Vec<(String, String)>,
}

impl Aliases {
    /// `#/components/schemas/Name/rest` → `#/definitions/sN/rest`; `None` for other refs.
    fn rewrite(&mut self, reference: &str) -> Option<String> {
        let rest = reference.strip_prefix(SCHEMAS_REF)?;
        let (token, tail) = rest.split_once('/').map_or((rest, ""), |(t, tail)| (t, tail));
        let name = unescape_token(token);
        let alias = match self.by_name.get(&name) {
            Some(alias) => alias.clone(),
            None => {
                let alias = format!("s{}", self.order.len());
                self.by_name.insert(name.clone(), alias.clone());
                self.order.push((name, alias.clone()));
                alias
            }
        };
        let tail: String = tail.split('/').filter(|t| !t.is_empty()).map(|t| format!("/{}", encode(t))).collect();
        Some(format!("#/definitions/{alias}{tail}"))
    }
}

/// Percent-encodes what may not stand in a URI fragment.
fn encode(token: &str) -> String {
    let mut out = String::new();
    for byte in token.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The schema as draft 4 should read it (see the module documentation); `document` holds
/// the targets of its refs.
fn sanitize(schema: &Value, document: &Value, aliases: &mut Aliases) -> Value {
    let Value::Object(map) = schema else { return json!({}) };
    if let Some(reference) = map.get("$ref") {
        return match reference.as_str().and_then(|r| aliases.rewrite(r)) {
            Some(reference) => json!({ "$ref": reference }),
            None => json!({}),
        };
    }
    let mut out = Map::new();
    for (key, value) in map {
        let kept = match (key.as_str(), value) {
            ("type", Value::String(t)) if TYPES.contains(&t.as_str()) => Some(value.clone()),
            ("properties", Value::Object(properties)) => Some(Value::Object(
                properties.iter().map(|(name, p)| (name.clone(), sanitize(p, document, aliases))).collect(),
            )),
            ("items", Value::Object(_)) | ("not", Value::Object(_)) => Some(sanitize(value, document, aliases)),
            ("items", Value::Array(items)) => {
                Some(Value::Array(items.iter().map(|i| sanitize(i, document, aliases)).collect()))
            }
            ("additionalProperties", Value::Bool(_)) => Some(value.clone()),
            ("additionalProperties", Value::Object(_)) => Some(sanitize(value, document, aliases)),
            ("allOf" | "anyOf" | "oneOf", Value::Array(members)) if !members.is_empty() => {
                Some(Value::Array(members.iter().map(|m| sanitize(m, document, aliases)).collect()))
            }
            ("required", Value::Array(names)) => {
                let names: Vec<Value> =
                    names.iter().filter(|n| !n.as_str().is_some_and(|n| one_way(map, n, document))).cloned().collect();
                (!names.is_empty()).then_some(Value::Array(names))
            }
            ("enum", Value::Array(list)) if !list.is_empty() => Some(value.clone()),
            (k, _) if CONSTRAINTS.contains(&k) => Some(value.clone()),
            _ => None,
        };
        if let Some(kept) = kept {
            out.insert(key.clone(), kept);
        }
    }
    // With a discriminator, the branch is chosen by name, and branches may overlap.
    if map.contains_key("discriminator") && !out.contains_key("anyOf") {
        if let Some(members) = out.remove("oneOf") {
            out.insert("anyOf".into(), members);
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".into(), json!([t, "null"]));
        }
        if let Some(Value::Array(options)) = out.get_mut("enum") {
            if !options.contains(&Value::Null) {
                options.push(Value::Null);
            }
        }
        // Without a `type` to widen (`allOf: [$ref]`, say), `null` is one more alternative.
        let composed = ["allOf", "anyOf", "oneOf", "not", "$ref"].iter().any(|k| out.contains_key(*k));
        if !out.contains_key("type") && composed {
            return json!({ "anyOf": [{ "type": "null" }, Value::Object(out)] });
        }
    }
    Value::Object(out)
}

/// Whether the property `name` of the schema `map` is `readOnly` or `writeOnly` (itself or
/// the schema its `$ref` names): OpenAPI 3.0 requires such a property in one direction only,
/// and an example does not say which direction it is for.
fn one_way(map: &Map<String, Value>, name: &str, document: &Value) -> bool {
    let Some(property) = map.get("properties").and_then(|p| p.get(name)) else { return false };
    let target = property
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| document.pointer(p));
    [Some(property), target]
        .into_iter()
        .flatten()
        .any(|s| s.get("readOnly") == Some(&Value::Bool(true)) || s.get("writeOnly") == Some(&Value::Bool(true)))
}

/// What is wrong, in our words.
fn describe(error: &ValidationError) -> String {
    let shown = shown(&error.instance);
    match &error.kind {
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<String> = match kind {
                TypeKind::Single(t) => vec![t.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
            };
            format!("expected {}, found `{}`", or_list(&expected), json_type(&error.instance))
        }
        ValidationErrorKind::Required { property } => {
            format!(
                "missing required property `{}`",
                property.as_str().map_or_else(|| property.to_string(), str::to_owned)
            )
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = match options {
                Value::Array(list) => list.iter().map(Value::to_string).collect(),
                other => vec![other.to_string()],
            };
            format!("{shown} is not one of {}", list(options.iter().map(String::as_str)))
        }
        ValidationErrorKind::AnyOf => format!("{shown} matches none of the `anyOf` schemas"),
        ValidationErrorKind::OneOfNotValid => format!("{shown} matches none of the `oneOf` schemas"),
        ValidationErrorKind::OneOfMultipleValid => format!("{shown} matches more than one of the `oneOf` schemas"),
        ValidationErrorKind::Not { .. } => format!("{shown} matches the `not` schema"),
        ValidationErrorKind::Format { format } => format!("{shown} is not a valid `{format}`"),
        ValidationErrorKind::Pattern { pattern } => format!("{shown} does not match the pattern `{pattern}`"),
        _ => error.masked_with(shown).to_string(),
    }
}

fn or_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// A value as messages show it: short scalars in backticks, anything else by its kind.
fn shown(value: &Value) -> String {
    match value {
        Value::Object(_) => "the object".into(),
        Value::Array(_) => "the array".into(),
        scalar => {
            let text = scalar.to_string();
            if text.chars().count() > 40 {
                format!("the {}", json_type(value))
            } else {
                format!("`{text}`")
            }
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_reads_nullable_and_drops_what_draft_4_must_not_see() {
        let mut aliases = Aliases::default();
        let schema = json!({
            "type": "object",
            "nullable": true,
            "x-thing": 1,
            "id": "http://example.com/s.json",
            "properties": {
                "id": {"type": "string."},
                "kind": {"type": "string", "enum": ["a"], "nullable": true},
                "other": {"$ref": "#/components/schemas/Other Thing/properties/x", "description": "d"},
                "far": {"$ref": "far.json"}
            },
            "required": []
        });
        assert_eq!(
            sanitize(&schema, &Value::Null, &mut aliases),
            json!({
                "type": ["object", "null"],
                "properties": {
                    "id": {},
                    "kind": {"type": ["string", "null"], "enum": ["a", null]},
                    "other": {"$ref": "#/definitions/s0/properties/x"},
                    "far": {}
                }
            })
        );
        assert_eq!(aliases.order, [("Other Thing".to_owned(), "s0".to_owned())]);
    }

    #[test]
    fn one_way_properties_are_not_required_and_discriminated_branches_may_overlap() {
        let document = json!({"components": {"schemas": {"Id": {"type": "string", "readOnly": true}}}});
        let schema = json!({
            "type": "object",
            "required": ["id", "secret", "name"],
            "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "secret": {"type": "string", "writeOnly": true},
                "name": {"type": "string"}
            },
            "discriminator": {"propertyName": "name"},
            "oneOf": [{"type": "object"}]
        });
        let sanitized = sanitize(&schema, &document, &mut Aliases::default());
        assert_eq!(sanitized["required"], json!(["name"]));
        assert_eq!(sanitized["anyOf"], json!([{"type": "object"}]));
        assert!(sanitized.get("oneOf").is_none());
    }

    #[test]
    fn descriptions() {
        let validator = jsonschema::options().with_draft(Draft::Draft4).build(&json!({"type": "integer"})).unwrap();
        let instance = json!("3");
        let error = validator.iter_errors(&instance).next().unwrap();
        assert_eq!(describe(&error), "expected `integer`, found `string`");
    }
}
