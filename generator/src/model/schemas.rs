//! The schemas of the upgraded document as located nodes: every schema position lint's schema
//! walk visits (the named schemas of `components.schemas`, the schemas of parameters, headers
//! and media types, and below each its `properties`, `items`, `additionalProperties`,
//! `allOf`/`anyOf`/`oneOf` members and `not`), by JSON Pointer.
//!
//! Each node holds the facts lowering needs that the `openapiv3` model loses: whether `items` was written as a list (a draft 4 tuple) and
//! `additionalItems: false` beside it, how a numeric `default` is written, where each `enum`
//! value, the `format`, the `not` and the `$ref` are. Built in lint's one walk over the schemas
//! ([`crate::lint`]'s schema check), handed to lowering in [`crate::model::Model::schemas`];
//! lowering looks a schema up once by the pointer it converts and reads the rest from the node.
//! Nodes store locations and short texts, never the JSON values. Where a node itself is
//! written is found when asked ([`Schemas::key_location`]): only a diagnostic reads it, and
//! finding it for each of a large spec's hundred thousand schemas cost more than the rest of
//! the walk.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diagnostics::Location;
use crate::source::{push_token, Spec};

/// The schemas of a document, by pointer.
#[derive(Debug, Clone, Default)]
pub struct Schemas {
    nodes: BTreeMap<String, Schema>,
}

impl Schemas {
    /// The schema at `pointer` of the upgraded document, if lint's walk reached it.
    pub fn get(&self, pointer: &str) -> Option<&Schema> {
        self.nodes.get(pointer)
    }

    /// Every schema with its pointer, in pointer order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.nodes.iter().map(|(pointer, schema)| (pointer.as_str(), schema))
    }

    /// How many schemas there are.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Adds the node of the schema `map` at `pointer` (once: a position met again is the same
    /// schema), and gives it.
    /// Adds the schemas of `other` (found at other positions).
    pub fn append(&mut self, mut other: Schemas) {
        self.nodes.append(&mut other.nodes);
    }

    /// Where the key naming the schema at `pointer` is written (for a member of a list, the
    /// member itself); `None` when the walk did not reach a schema there.
    pub fn key_location(&self, spec: &Spec, pointer: &str) -> Option<Location> {
        self.nodes.get(pointer)?;
        spec.key_location(pointer)
    }

    pub fn insert(&mut self, spec: &Spec, pointer: &str, map: &Map<String, Value>) -> &Schema {
        self.nodes.entry(pointer.to_owned()).or_insert_with(|| Schema::new(spec, pointer, map))
    }
}

/// One schema position (its pointer is its key in [`Schemas`]).
#[derive(Debug, Clone)]
pub struct Schema {
    /// What only some schemas have; `None` for most. Kept apart so that a node is small: a
    /// large spec has a hundred thousand schema positions.
    facts: Option<Box<Facts>>,
}

/// The facts of a schema that most schemas do not have.
#[derive(Debug, Clone, Default)]
struct Facts {
    /// Where its `$ref` key is written, when it is a reference (whose siblings are ignored:
    /// a reference has no other facts).
    reference: Option<Option<Location>>,
    /// `items` written as a list of schemas (a draft 4 tuple).
    tuple: Option<Tuple>,
    /// The text of a numeric `default` as the file writes it (`99999999999999999999`, which
    /// JSON reading makes `1e20`), when it is written as a plain number.
    default_written: Option<String>,
    /// Where each value of its `enum` is written, in order.
    enum_locations: Vec<Option<Location>>,
    /// Where the value of its `format` is written.
    format_location: Option<Location>,
    /// Where its `not` key is written.
    not_location: Option<Location>,
    /// Where its `discriminator` key is written.
    discriminator_location: Option<Location>,
    /// Where each member of its `allOf`, `anyOf` and `oneOf` is written.
    members: Members,
}

impl Facts {
    fn is_empty(&self) -> bool {
        self.reference.is_none()
            && self.tuple.is_none()
            && self.default_written.is_none()
            && self.enum_locations.is_empty()
            && self.format_location.is_none()
            && self.not_location.is_none()
            && self.discriminator_location.is_none()
            && self.members.all_of.is_empty()
            && self.members.any_of.is_empty()
            && self.members.one_of.is_empty()
    }
}

/// `items: [A, B]`: what lowering needs to read the tuple.
#[derive(Debug, Clone)]
pub struct Tuple {
    /// How many schemas the list holds.
    pub len: usize,
    /// Where the `items` key is written.
    pub location: Option<Location>,
    /// Whether `additionalItems: false` closes it.
    pub closed: bool,
}

/// The locations of the members of a schema's composition keywords.
#[derive(Debug, Clone, Default)]
struct Members {
    all_of: Vec<Option<Location>>,
    any_of: Vec<Option<Location>>,
    one_of: Vec<Option<Location>>,
}

impl Members {
    /// Where member `index` of `keyword` (`allOf`, `anyOf`, `oneOf`) is written.
    fn location(&self, keyword: &str, index: usize) -> Option<&Location> {
        let list = match keyword {
            "allOf" => &self.all_of,
            "anyOf" => &self.any_of,
            "oneOf" => &self.one_of,
            _ => return None,
        };
        list.get(index)?.as_ref()
    }
}

impl Schema {
    fn new(spec: &Spec, pointer: &str, map: &Map<String, Value>) -> Schema {
        let key = |keyword: &str| spec.key_location(&push_token(pointer, keyword));
        let mut facts = Facts::default();
        if map.contains_key("$ref") {
            facts.reference = Some(key("$ref"));
        } else {
            let each = |keyword: &str, located: fn(&Spec, &str) -> Option<Location>| match map.get(keyword) {
                Some(Value::Array(list)) => {
                    (0..list.len()).map(|i| located(spec, &format!("{pointer}/{keyword}/{i}"))).collect()
                }
                _ => Vec::new(),
            };
            if let Some(Value::Array(items)) = map.get("items") {
                facts.tuple = Some(Tuple {
                    len: items.len(),
                    location: key("items"),
                    closed: map.get("additionalItems") == Some(&Value::Bool(false)),
                });
            }
            if let Some(Value::Number(_)) = map.get("default") {
                facts.default_written = spec
                    .written(&push_token(pointer, "default"))
                    .filter(|text| is_plain_number(text))
                    .map(str::to_owned);
            }
            facts.enum_locations = each("enum", Spec::value_location);
            if map.contains_key("format") {
                facts.format_location = spec.value_location(&push_token(pointer, "format"));
            }
            if map.contains_key("not") {
                facts.not_location = key("not");
            }
            if map.contains_key("discriminator") {
                facts.discriminator_location = key("discriminator");
            }
            facts.members = Members {
                all_of: each("allOf", Spec::key_location),
                any_of: each("anyOf", Spec::key_location),
                one_of: each("oneOf", Spec::key_location),
            };
        }
        let facts = (!facts.is_empty()).then(|| Box::new(facts));
        Schema { facts }
    }

    /// Whether it is a reference (`$ref`), whose siblings are ignored.
    pub fn is_reference(&self) -> bool {
        self.facts.as_ref().is_some_and(|facts| facts.reference.is_some())
    }

    /// Where its `$ref` key is written, when it is a reference.
    pub fn reference_location(&self) -> Option<&Location> {
        self.facts.as_ref()?.reference.as_ref()?.as_ref()
    }

    /// `items` written as a list of schemas (a draft 4 tuple).
    pub fn tuple(&self) -> Option<&Tuple> {
        self.facts.as_ref()?.tuple.as_ref()
    }

    /// The text of a numeric `default` as the file writes it (`99999999999999999999`, which
    /// JSON reading makes `1e20`), when it is written as a plain number.
    pub fn default_written(&self) -> Option<&str> {
        self.facts.as_ref()?.default_written.as_deref()
    }

    /// Where each value of its `enum` is written, in order.
    pub fn enum_locations(&self) -> &[Option<Location>] {
        self.facts.as_ref().map_or(&[], |facts| &facts.enum_locations)
    }

    /// Where the value of its `format` is written.
    pub fn format_location(&self) -> Option<&Location> {
        self.facts.as_ref()?.format_location.as_ref()
    }

    /// Where its `not` key is written.
    pub fn not_location(&self) -> Option<&Location> {
        self.facts.as_ref()?.not_location.as_ref()
    }

    /// Where its `discriminator` key is written.
    pub fn discriminator_location(&self) -> Option<&Location> {
        self.facts.as_ref()?.discriminator_location.as_ref()
    }

    /// Where member `index` of `keyword` (`allOf`, `anyOf`, `oneOf`) is written.
    pub fn member_location(&self, keyword: &str, index: usize) -> Option<&Location> {
        self.facts.as_ref()?.members.location(keyword, index)
    }
}

/// Whether `text` is a number as a file writes it (`99999999999999999999`, `1e3`), not some
/// other spelling of one (a YAML tag, quotes).
pub fn is_plain_number(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || "+-.eE_".contains(c))
}

#[cfg(test)]
mod tests {
    fn at(location: Option<&crate::diagnostics::Location>) -> Option<(usize, usize)> {
        location.map(|l| (l.line, l.column))
    }

    #[test]
    fn schemas_carry_pointers_locations_and_what_openapiv3_loses() {
        let (checked, _, path) = crate::checked_spec(
            "facts",
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /rooms:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: 99999999999999999999}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Room'}
components:
  schemas:
    Room:
      type: object
      properties:
        kind:
          type: string
          enum: [big, small]
        pair:
          type: array
          minItems: 2
          items: [{type: integer}, {type: string, format: uuid}]
          additionalItems: false
        either:
          oneOf:
            - {$ref: '#/components/schemas/Other'}
            - {type: string}
        never:
          not: {type: string}
    Other: {type: object, properties: {a: {type: string}}}
",
        );
        let _ = std::fs::remove_dir_all(path.with_file_name(""));
        let (schemas, spec) = (&checked.model.schemas, &checked.spec);
        let room = schemas.get("/components/schemas/Room").expect("a named schema");
        assert!(schemas.iter().any(|(pointer, _)| pointer == "/components/schemas/Room"));
        assert_eq!(at(schemas.key_location(spec, "/components/schemas/Room").as_ref()), Some((16, 5)));
        assert_eq!(schemas.key_location(spec, "/components/schemas/Nowhere"), None);
        assert!(!room.is_reference() && room.tuple().is_none());

        let kind = schemas.get("/components/schemas/Room/properties/kind").unwrap();
        assert_eq!(at(schemas.key_location(spec, "/components/schemas/Room/properties/kind").as_ref()), Some((19, 9)));
        let values: Vec<_> = kind.enum_locations().iter().map(|l| at(l.as_ref())).collect();
        assert_eq!(values, [Some((21, 18)), Some((21, 23))]);

        let pair = schemas.get("/components/schemas/Room/properties/pair").unwrap();
        let tuple = pair.tuple().expect("a list of schemas");
        assert_eq!((tuple.len, tuple.closed), (2, true));
        assert_eq!(at(tuple.location.as_ref()), Some((25, 11)));
        let member = schemas.get("/components/schemas/Room/properties/pair/items/1").unwrap();
        assert_eq!(at(member.format_location()), Some((25, 59)));

        let either = schemas.get("/components/schemas/Room/properties/either").unwrap();
        assert_eq!(at(either.member_location("oneOf", 1)), Some((30, 15)));
        assert_eq!(either.member_location("anyOf", 0), None);
        let branch = schemas.get("/components/schemas/Room/properties/either/oneOf/0").unwrap();
        assert_eq!(at(branch.reference_location()), Some((29, 16)));

        let never = schemas.get("/components/schemas/Room/properties/never").unwrap();
        assert_eq!(at(never.not_location()), Some((32, 11)));
        assert!(schemas.get("/components/schemas/Room/properties/never/not").is_some());

        let limit = schemas.get("/paths/~1rooms/get/parameters/0/schema").expect("a parameter's schema");
        assert_eq!(limit.default_written(), Some("99999999999999999999"));
        assert!(schemas.get("/paths/~1rooms/get/responses/200/content/application~1json/schema").is_some());
        assert!(schemas.get("/components/schemas/Other/properties/a").is_some());
    }
}
