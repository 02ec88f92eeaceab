//! `x-nullable: true`, the Swagger 2.0 vendor extension go-swagger and Docker write where
//! OpenAPI 3.0 writes `nullable: true`, read as `nullable` (decision 27).
//!
//! Every schema is visited, `additionalProperties` values and array items included, so a
//! map whose values may be `null` (`BTreeMap<String, Option<Vec<T>>>`) reads them. A `$ref`
//! beside `x-nullable` becomes `allOf: [{$ref}]` with `nullable: true`, as OpenAPI 3.0 has a
//! ref take no siblings. `nullable` written beside it wins; `x-nullable: false` says nothing.

use serde_json::{json, Value};

use super::openapi31::{moved, schemas_in};
use crate::source::Spec;

/// Reads `x-nullable: true` as `nullable: true` in every schema of the upgraded document.
pub(super) fn x_nullable(spec: &mut Spec) {
    let keep: super::openapi31::Keep = |schema| schema.get("x-nullable") == Some(&Value::Bool(true));
    let pointers = schemas_in(&spec.document, keep);
    for pointer in pointers {
        let Some(Value::Object(object)) = spec.document.pointer_mut(&pointer) else { continue };
        if object.get("x-nullable") != Some(&Value::Bool(true)) || object.contains_key("nullable") {
            continue;
        }
        object.insert("nullable".into(), json!(true));
        if let Some(reference) = object.remove("$ref") {
            object.insert("allOf".into(), json!([{ "$ref": reference }]));
            moved(&mut spec.map, &format!("{pointer}/allOf/0"), &pointer);
            moved(&mut spec.map, &format!("{pointer}/allOf/0/$ref"), &format!("{pointer}/$ref"));
        }
        moved(&mut spec.map, &format!("{pointer}/nullable"), &format!("{pointer}/x-nullable"));
    }
}
