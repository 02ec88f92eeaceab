//! OpenAPI 3.1 read as 3.0: the schemas of 3.1 (JSON Schema 2020-12) written the way
//! OpenAPI 3.0 (and `openapiv3`) spells the same thing.
//!
//! `type: [T, 'null']` becomes `type: T` with `nullable: true`; a `null` member of `oneOf`
//! or `anyOf` becomes `nullable` too; `const` becomes a one-value `enum`; a schema's
//! `examples` list gives its `example`; numeric `exclusiveMinimum`/`exclusiveMaximum` become
//! the bound plus the boolean; boolean schemas become `{}` and `{not: {}}`; `patternProperties`
//! becomes the map 3.0 can say, `additionalProperties` ([`pattern_properties`]). An operation
//! without `responses` gets an empty one, and `mutualTLS` schemes (a matter of the
//! connection) are dropped. `prefixItems` is the draft 4 tuple lowering reads, checks that say
//! nothing of a value's shape are dropped, and `unevaluatedProperties` without composition is
//! `additionalProperties`. What 3.0 cannot say (`if`/`then`/`else`, `dependentSchemas`, ...)
//! is left for lint to report.
//!
//! Swagger 2.0 and OpenAPI 3.0 documents that write `type` as a list anyway get the same
//! reading of it, with a warning ([`type_lists`]).

use serde_json::{json, Map, Value};

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::source::{push_escaped, push_token, SourceMap, Spec};

/// Rewrites `document` in place; moved values keep their place in the source map.
pub(super) fn downgrade(document: &mut Value, map: &mut SourceMap) {
    if let Value::Object(root) = document {
        root.insert("openapi".into(), json!("3.0.3"));
        // 3.1 lets a document have only webhooks or components.
        root.entry("paths").or_insert_with(|| json!({}));
    }
    operations_without_responses(document);
    mutual_tls(document);
    walk(document, "", map);
}

/// 3.1 makes an operation's `responses` optional; 3.0 requires the field.
fn operations_without_responses(document: &mut Value) {
    let Some(Value::Object(paths)) = document.get_mut("paths") else { return };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for method in crate::spec::METHODS {
            if let Some(Value::Object(operation)) = item.get_mut(method) {
                operation.entry("responses").or_insert_with(|| json!({}));
            }
        }
    }
}

/// A `mutualTLS` scheme (new in 3.1) is a matter of the TLS connection, not of the HTTP
/// request: it is dropped, with its mentions in security requirements.
fn mutual_tls(document: &mut Value) {
    let Some(Value::Object(schemes)) = document.pointer_mut("/components/securitySchemes") else { return };
    let names: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").is_some_and(|t| t == "mutualTLS"))
        .map(|(n, _)| n.clone())
        .collect();
    if names.is_empty() {
        return;
    }
    schemes.retain(|name, _| !names.contains(name));
    let forget = |requirements: &mut Value| {
        if let Value::Array(list) = requirements {
            for requirement in list.iter_mut() {
                if let Value::Object(requirement) = requirement {
                    requirement.retain(|name, _| !names.contains(name));
                }
            }
        }
    };
    if let Some(security) = document.get_mut("security") {
        forget(security);
    }
    if let Some(Value::Object(paths)) = document.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut() {
                if let Some(security) = operation.get_mut("security") {
                    forget(security);
                }
            }
        }
    }
}

/// Finds the schemas of the document: every `schema`, and the entries of `components.schemas`.
fn walk(value: &mut Value, pointer: &str, map: &mut SourceMap) {
    match value {
        Value::Object(object) => {
            let names = crate::spec::keys_are_names(pointer);
            for (key, child) in object.iter_mut() {
                let child_pointer = push_token(pointer, key);
                if crate::spec::holds_data(pointer, key, false) {
                    continue;
                }
                if key == "schema" && !names {
                    schema(child, &child_pointer, map);
                } else if pointer == "/components" && key == "schemas" {
                    if let Value::Object(schemas) = child {
                        for (name, s) in schemas.iter_mut() {
                            schema(s, &push_token(&child_pointer, name), map);
                        }
                    }
                } else {
                    walk(child, &child_pointer, map);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{pointer}/{i}"), map);
            }
        }
        _ => {}
    }
}

/// Records that what is now at `new` was written at `old`.
pub(super) fn moved(map: &mut SourceMap, new: &str, old: &str) {
    if let Some((file, origin)) = map.origin(old) {
        map.mount(new, file, &origin);
    }
}

fn schema(value: &mut Value, pointer: &str, map: &mut SourceMap) {
    let object = match value {
        Value::Bool(true) => {
            *value = json!({});
            return;
        }
        Value::Bool(false) => {
            *value = json!({ "not": {} });
            return;
        }
        Value::Object(object) => object,
        _ => return,
    };
    types(object);
    null_members(object, pointer, map);
    if let Some(constant) = object.remove("const") {
        // `const: thing` says its type too; 3.0's `enum` without `type` is of any type.
        let ty = match &constant {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        let typed = ["type", "anyOf", "oneOf", "allOf", "$ref"].iter().any(|k| object.contains_key(*k));
        if let (Some(ty), false, false) = (ty, typed, object.contains_key("enum")) {
            object.insert("type".into(), json!(ty));
        }
        object.entry("enum").or_insert_with(|| Value::Array(vec![constant]));
    }
    if let Some(Value::Array(examples)) = object.get("examples") {
        if let Some(first) = examples.first().cloned() {
            object.entry("example").or_insert(first);
            moved(map, &format!("{pointer}/example"), &format!("{pointer}/examples/0"));
        }
        object.remove("examples");
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(n @ Value::Number(_)) = object.get(exclusive).cloned() {
            object.insert(bound.into(), n);
            object.insert(exclusive.into(), json!(true));
        }
    }
    // Annotations 3.0 has no word for, and checks of 2020-12 that say nothing about the
    // value's shape (which members a present one requires, what a list must contain, what
    // names a map's keys match), as 3.0's own checks (`minLength`, ...) say nothing of it.
    for annotation in [
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$comment",
        "contentMediaType",
        "contentEncoding",
        "dependentRequired",
        "contains",
        "minContains",
        "maxContains",
        "propertyNames",
    ] {
        object.remove(annotation);
    }
    // Without composition, the members no keyword evaluates are the members `properties`
    // does not name: `additionalProperties`.
    let composed = ["allOf", "anyOf", "oneOf", "$ref"].iter().any(|k| object.contains_key(*k));
    if !composed && !object.contains_key("additionalProperties") {
        if let Some(rest) = object.remove("unevaluatedProperties") {
            object.insert("additionalProperties".into(), rest);
            moved(map, &push_token(pointer, "additionalProperties"), &push_token(pointer, "unevaluatedProperties"));
        }
    }
    prefix_items(object, pointer, map);
    pattern_properties(object, pointer, map);
    subschemas(object, pointer, map);
}

/// `prefixItems: [A, B]`, a schema per position, is what draft 4 wrote `items: [A, B]`, with
/// `items: false` its `additionalItems: false`: written so, it is read as the tuple lowering
/// knows (lint does not report it, its `items` having been written `prefixItems`).
fn prefix_items(object: &mut Map<String, Value>, pointer: &str, map: &mut SourceMap) {
    let Some(prefix @ Value::Array(_)) = object.remove("prefixItems") else { return };
    let rest = object.remove("items");
    let closed = matches!(rest, Some(Value::Bool(false)));
    match rest {
        // Items past the prefix of another schema: only an untyped list holds them all.
        Some(rest) if !closed && rest != Value::Bool(true) && rest != json!({}) => {
            object.insert("items".into(), json!({}));
            moved(map, &push_token(pointer, "items"), &push_token(pointer, "prefixItems"));
            return;
        }
        _ => {}
    }
    object.insert("items".into(), prefix);
    moved(map, &push_token(pointer, "items"), &push_token(pointer, "prefixItems"));
    if closed {
        object.insert("additionalItems".into(), json!(false));
    }
}

/// `patternProperties`, whose keys are patterns of names (Matrix's `^@`, a user ID): a map of
/// values of the one schema every pattern gives, `additionalProperties: S`, the pattern left
/// unchecked, as a map keyed by any name reads every such object. Patterns with different
/// schemas, or beside an `additionalProperties` schema of another shape, make a map of any
/// JSON value, which keeps whatever is sent. Left as written beside `properties`, which a
/// pattern may also match: lint reports it there.
fn pattern_properties(object: &mut Map<String, Value>, pointer: &str, map: &mut SourceMap) {
    if object.contains_key("properties") {
        return;
    }
    let Some(Value::Object(patterns)) = object.get("patternProperties") else { return };
    let Some((first, schema)) = patterns.iter().next() else {
        object.remove("patternProperties");
        return;
    };
    let same = patterns.values().all(|other| other == schema);
    let closed = matches!(object.get("additionalProperties"), None | Some(Value::Bool(false)));
    let (value, from) = match object.get("additionalProperties") {
        _ if !same => (json!({}), None),
        Some(other) if !closed && other != schema => (json!({}), None),
        _ => (schema.clone(), Some(push_token(&push_token(pointer, "patternProperties"), first))),
    };
    object.remove("patternProperties");
    object.insert("additionalProperties".into(), value);
    if let Some(from) = from {
        moved(map, &push_token(pointer, "additionalProperties"), &from);
    }
}

/// `type: [T, 'null']` → `type: T, nullable: true`; several types → `anyOf` of each.
fn types(object: &mut Map<String, Value>) {
    let Some(Value::Array(list)) = object.get("type") else {
        if object.get("type").and_then(Value::as_str) == Some("null") {
            object.remove("type");
            object.insert("nullable".into(), json!(true));
        }
        return;
    };
    let nullable = list.iter().any(|t| t == "null");
    let named: Vec<Value> = list.iter().filter(|t| *t != "null").cloned().collect();
    object.remove("type");
    match named.as_slice() {
        [] => {}
        [one] => {
            object.insert("type".into(), one.clone());
        }
        several => {
            let members: Vec<Value> = several.iter().map(|t| json!({ "type": t })).collect();
            object.insert("anyOf".into(), Value::Array(members));
        }
    }
    if nullable {
        object.insert("nullable".into(), json!(true));
    }
}

/// `oneOf: [{type: 'null'}, X]` → `allOf: [X]` with `nullable: true`.
fn null_members(object: &mut Map<String, Value>, pointer: &str, map: &mut SourceMap) {
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = object.get(keyword) else { continue };
        let is_null =
            |m: &Value| m.get("type").is_some_and(|t| t == "null") && m.as_object().is_some_and(|o| o.len() == 1);
        if !members.iter().any(is_null) {
            continue;
        }
        let kept: Vec<(usize, Value)> =
            members.iter().enumerate().filter(|(_, m)| !is_null(m)).map(|(i, m)| (i, m.clone())).collect();
        object.insert("nullable".into(), json!(true));
        object.remove(keyword);
        match kept.as_slice() {
            [] => {}
            [(i, only)] => {
                object.insert("allOf".into(), json!([only]));
                moved(map, &format!("{pointer}/allOf/0"), &format!("{pointer}/{keyword}/{i}"));
            }
            _ => {
                for (new, (old, _)) in kept.iter().enumerate() {
                    moved(map, &format!("{pointer}/{keyword}/{new}"), &format!("{pointer}/{keyword}/{old}"));
                }
                object.insert(keyword.into(), Value::Array(kept.into_iter().map(|(_, m)| m).collect()));
            }
        }
    }
}

fn subschemas(object: &mut Map<String, Value>, pointer: &str, map: &mut SourceMap) {
    for (key, child) in object.iter_mut() {
        let child_pointer = push_token(pointer, key);
        match key.as_str() {
            "properties" | "patternProperties" | "$defs" => {
                if let Value::Object(entries) = child {
                    for (name, s) in entries.iter_mut() {
                        schema(s, &push_token(&child_pointer, name), map);
                    }
                }
            }
            "additionalProperties" | "not" => schema(child, &child_pointer, map),
            "items" if child.is_object() => schema(child, &child_pointer, map),
            "items" | "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(members) = child {
                    for (i, s) in members.iter_mut().enumerate() {
                        schema(s, &format!("{child_pointer}/{i}"), map);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `type: [a, b]` in a Swagger 2.0 or OpenAPI 3.0 document, where `type` is one type: a
/// warning at the list, which is then read as OpenAPI 3.1 reads it ([`types`]): `[T, 'null']`
/// is a nullable `T`, several types the `anyOf` of each.
pub(super) fn type_lists(spec: &mut Spec, diagnostics: &mut Diagnostics) {
    let mut found = Vec::new();
    let pointers = schemas_in(&spec.document, |schema| matches!(schema.get("type"), Some(Value::Array(_))));
    for pointer in pointers {
        // A list with anything but the schema types (and `null`) is lint's to report.
        let Some(Value::Array(list)) = spec.document.pointer(&format!("{pointer}/type")) else { continue };
        let known = |t: &Value| t.as_str().is_some_and(|t| t == "null" || crate::lint::schema::TYPES.contains(&t));
        if list.iter().all(known) && list.iter().any(|t| t != "null") {
            found.push((pointer, list.clone()));
        }
    }
    let version = if spec.source_version == "2.0" { "Swagger 2.0" } else { "OpenAPI 3.0" };
    for (pointer, list) in found {
        let at = format!("{pointer}/type");
        let named: Vec<&str> = list.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
        let (swagger, nullable) = (spec.source_version == "2.0", list.iter().any(|t| t == "null"));
        let help = match named.as_slice() {
            [one] if nullable && swagger => format!(
                "Swagger 2.0 takes a single type and has no `null`; the list is read as OpenAPI 3.1 reads it, a nullable `{one}` (`type: {one}` with the common extension `x-nullable: true` says so in Swagger 2.0)"
            ),
            [one] if nullable => format!(
                "OpenAPI 3.0 takes a single type: write `type: {one}` with `nullable: true`, which is how the list is read"
            ),
            [one] => format!("{version} takes a single type: write `type: {one}`, which is how the list is read"),
            _ if swagger => "Swagger 2.0 takes a single type; the list is read as OpenAPI 3.1 reads it, a value of any of these types (leaving `type` out says so in Swagger 2.0)".to_owned(),
            _ => "OpenAPI 3.0 takes a single type: write `anyOf` with one schema per type, which is how the list is read".to_owned(),
        };
        let shown: Vec<String> = list.iter().map(|t| t.as_str().map_or_else(|| t.to_string(), str::to_owned)).collect();
        diagnostics.push(
            Diagnostic::warning(codes::INVALID_TYPE, format!("invalid schema type `[{}]`", shown.join(", ")))
                .at(spec.value_location(&at))
                .label("a list of types")
                .help(help),
        );
        let Some(Value::Object(object)) = spec.document.pointer_mut(&pointer) else { continue };
        let own = object.remove("anyOf");
        types(object);
        if let Some(Value::Array(union)) = object.get("anyOf") {
            moved(&mut spec.map, &format!("{pointer}/anyOf"), &at);
            for i in 0..union.len() {
                moved(&mut spec.map, &format!("{pointer}/anyOf/{i}"), &at);
            }
        }
        // A schema with an `anyOf` of its own keeps it: the types go in one more `allOf` part.
        if let Some(own) = own {
            if let Some(union) = object.insert("anyOf".into(), own) {
                if let Value::Array(parts) = object.entry("allOf").or_insert_with(|| json!([])) {
                    parts.push(json!({ "anyOf": union }));
                }
            }
        }
    }
}

/// Which schemas [`schemas_in`] collects: a test of the schema object, so a pass that
/// changes few schemas looks up only those by pointer.
pub(super) type Keep = fn(&serde_json::Map<String, Value>) -> bool;

/// Pointers of the schemas `keep` accepts of a document in the OpenAPI 3.0 shape: each
/// `schema`, each entry of `components.schemas`, and the schemas they hold.
pub(super) fn schemas_in(value: &Value, keep: Keep) -> Vec<String> {
    let mut out = Vec::new();
    non_schemas(value, &mut String::new(), false, keep, &mut out);
    out
}

/// The walk of [`schemas_in`] outside schemas. `pointer` is the value's, grown and cut back
/// as the walk goes down and up, so no pointer is built but those kept; `names`, whether the
/// keys of `value` are names ([`crate::spec::keys_are_names`] of `pointer`).
fn non_schemas(value: &Value, pointer: &mut String, names: bool, keep: Keep, out: &mut Vec<String>) {
    let len = pointer.len();
    match value {
        Value::Object(object) => {
            let schemas = pointer == "/components";
            for (key, child) in object {
                if crate::spec::holds_data_among(names, pointer, key, false) {
                    continue;
                }
                pointer.push('/');
                push_escaped(pointer, key);
                if key == "schema" && !names {
                    schema_tree(child, pointer, keep, out);
                } else if schemas && key == "schemas" {
                    if let Value::Object(schemas) = child {
                        schema_entries(schemas, pointer, keep, out);
                    }
                } else {
                    non_schemas(child, pointer, crate::spec::keys_are_names_below(names, key), keep, out);
                }
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                push_index(pointer, i);
                // An item's keys are fields: no index is a name map.
                non_schemas(item, pointer, false, keep, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// The schemas of a map of them (`components.schemas`, `properties`) at `pointer`.
fn schema_entries(entries: &serde_json::Map<String, Value>, pointer: &mut String, keep: Keep, out: &mut Vec<String>) {
    let len = pointer.len();
    for (name, s) in entries {
        pointer.push('/');
        push_escaped(pointer, name);
        schema_tree(s, pointer, keep, out);
        pointer.truncate(len);
    }
}

/// `pointer` and the pointers of the schemas the schema there holds.
fn schema_tree(value: &Value, pointer: &mut String, keep: Keep, out: &mut Vec<String>) {
    let Value::Object(object) = value else { return };
    if keep(object) {
        out.push(pointer.clone());
    }
    let len = pointer.len();
    for (key, child) in object {
        match (key.as_str(), child) {
            ("properties" | "patternProperties", Value::Object(entries)) => {
                pointer.push('/');
                pointer.push_str(key);
                schema_entries(entries, pointer, keep, out);
            }
            ("items" | "additionalProperties" | "not", _) if child.is_object() => {
                pointer.push('/');
                pointer.push_str(key);
                schema_tree(child, pointer, keep, out);
            }
            ("items" | "allOf" | "anyOf" | "oneOf", Value::Array(members)) => {
                pointer.push('/');
                pointer.push_str(key);
                let with_key = pointer.len();
                for (i, s) in members.iter().enumerate() {
                    push_index(pointer, i);
                    schema_tree(s, pointer, keep, out);
                    pointer.truncate(with_key);
                }
            }
            _ => {}
        }
        pointer.truncate(len);
    }
}

/// Appends `/i` to `pointer`.
pub(super) fn push_index(pointer: &mut String, i: usize) {
    use std::fmt::Write;
    let _ = write!(pointer, "/{i}");
}
