//! Unions: `oneOf`, `anyOf` (and the `anyOf` that type lists are read as) become Rust enums
//! with one newtype variant per branch (decision 26).
//!
//! In: the branches of a schema, met by [`super::types::Lowerer`]. Out: a
//! [`TypeKind::Union`] entry of the type space. A discriminated `oneOf` (OpenAPI 3's
//! `discriminator`, or a base schema with a `discriminator` that other schemas extend with
//! `allOf`, as Swagger 2.0 writes it) is read by its tag; any other union is untagged and tried
//! most specific branch first ([`order`]). Variants are named once types are ([`finish`]):
//! from the `$ref`'d type, the branch's `title`, or what the branch is (`String`, `Object`).

use std::cmp::Reverse;

use openapiv3::{Discriminator, ReferenceOr, Schema, SchemaData, SchemaKind, Type};

use super::names;
use super::types::{Ctx, Lowerer, Rest, Ty, TypeKind, TypeSpace};
use crate::diagnostics::{codes, Diagnostic};
use crate::model::schemas::Schema as Located;

/// A schema lowering kept as untyped JSON (`serde_json::Value`), or merged with fewer members
/// than it declares, although the spec gives it a shape; one per warning that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untyped {
    /// The construct: `not`, `$ref` (to what is not a schema), `tuple` (`items` as a list that
    /// no Rust tuple holds), `allOf` (a part that is not an object schema, or a ref to none).
    pub construct: &'static str,
    /// The pointer of the schema (or keyword) in the upgraded document.
    pub pointer: String,
}

impl Untyped {
    /// The record of a `not supported` warning about `what` at `pointer`.
    pub fn new(what: &str, pointer: &str) -> Self {
        let construct = if what.starts_with("`not`") {
            "not"
        } else if what.starts_with("`$ref`") {
            "$ref"
        } else if what.starts_with("`items`") {
            "tuple"
        } else if what.contains("`allOf`") {
            "allOf"
        } else {
            "other"
        };
        Untyped { construct, pointer: pointer.to_owned() }
    }
}

/// An enum of the branches of a `oneOf` or `anyOf`.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The keyword it was written with: `oneOf`, `anyOf` (type lists too, decision 22), or
    /// `discriminator` (a Swagger 2.0 base and the schemas that extend it).
    pub keyword: String,
    /// The discriminating property: the enum is read by that member's value. `None`:
    /// untagged, each variant tried in turn.
    pub tag: Option<String>,
    pub variants: Vec<UnionVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust name; empty until [`finish`] decides it.
    pub rust: String,
    /// What the name is made of.
    pub basis: VariantBasis,
    /// The values of the tag that select this variant (the first is the one written); empty
    /// for an untagged union.
    pub tags: Vec<String>,
    /// Whether the branch's own type declares the tag property (then it reads and writes the
    /// tag itself; otherwise the enum removes it before reading and adds it when writing).
    pub declares_tag: bool,
    pub ty: Ty,
}

/// What a variant's name is made of, strongest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariantBasis {
    /// A `$ref` branch: the name of the type it refers to.
    Ref,
    /// An inline branch's `title`.
    Title(String),
    /// An inline branch: named by what it is (`String`, `Integer`, `Object`).
    Shape,
}

/// The word that names an inline branch by its schema, for its type's context name too.
fn shape_word(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => "Object",
        SchemaKind::Any(any) => match any.typ.as_deref() {
            Some("string") => "String",
            Some("integer") => "Integer",
            Some("number") => "Number",
            Some("boolean") => "Boolean",
            Some("array") => "Array",
            Some("object") => "Object",
            _ if !any.properties.is_empty() || any.additional_properties.is_some() => "Object",
            _ => "Value",
        },
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => "Value",
    }
}

/// The one part of an `allOf` that gives a shape, when the others only annotate it (a schema
/// of no keyword but `nullable`, `description` and the like, as OpenAI writes `allOf: [{$ref:
/// Union}, {nullable: true}]`) and it is a ref or a schema that is not an object (objects
/// merge into a struct of the `allOf`'s own): its index, itself, and whether an annotation
/// says `nullable`.
pub(super) fn lone_part(all_of: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>, bool)> {
    let annotates = |part: &ReferenceOr<Schema>| matches!(part, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if *any == Default::default());
    let mut shaping = all_of.iter().enumerate().filter(|(_, part)| !annotates(part));
    let (i, part) = shaping.next()?;
    if shaping.next().is_some() {
        return None;
    }
    if let ReferenceOr::Item(schema) = part {
        if object_with(schema, "").is_some() {
            return None;
        }
    }
    let nullable = all_of.iter().any(|p| matches!(p, ReferenceOr::Item(s) if annotates(p) && s.schema_data.nullable));
    Some((i, part, nullable))
}

/// Whether `schema` is `{not: {}}`, which no value matches (as `additionalProperties`, the
/// same as `false`).
pub(super) fn admits_nothing(schema: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = schema else { return false };
    let SchemaKind::Not { not } = &schema.schema_kind else { return false };
    matches!(&**not, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if *any == Default::default())
}

/// The component key a `#/components/schemas/...` ref names.
fn component_key(reference: &str) -> Option<String> {
    reference.strip_prefix("#/components/schemas/").map(crate::source::unescape_token)
}

/// Whether `schema` describes objects (so a tag can be read from and written into its values),
/// and whether it declares `property`.
fn object_with(schema: &Schema, property: &str) -> Option<bool> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(o.properties.contains_key(property)),
        SchemaKind::AllOf { .. } => Some(false),
        SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") && any.one_of.is_empty() => {
            Some(any.properties.contains_key(property))
        }
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// The component schema a ref names, if it is one.
    fn component(&self, reference: &str) -> Option<(String, &'a Schema)> {
        let key = component_key(reference)?;
        let schema = self.api.components.as_ref()?.schemas.get(&key)?;
        match schema {
            ReferenceOr::Item(schema) => Some((key, schema)),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// Whether the component `key` (or one of the `allOf` parts it merges) declares `property`.
    fn declares(&self, key: &str, property: &str, depth: usize) -> bool {
        let Some((_, schema)) = self.component(&format!("#/components/schemas/{}", crate::source::escape_token(key)))
        else {
            return false;
        };
        // A base with a `oneOf` of its subtypes declares its properties all the same.
        let own = match &schema.schema_kind {
            SchemaKind::Any(any) => any.properties.contains_key(property),
            _ => object_with(schema, property) == Some(true),
        };
        if own {
            return true;
        }
        let parts = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.as_slice(),
            SchemaKind::Any(any) => any.all_of.as_slice(),
            _ => &[],
        };
        depth < 32
            && parts.iter().any(|part| match part {
                ReferenceOr::Reference { reference } => {
                    component_key(reference).is_some_and(|k| self.declares(&k, property, depth + 1))
                }
                ReferenceOr::Item(schema) => object_with(schema, property) == Some(true),
            })
    }

    /// The components that extend the component `key` with `allOf`, or extend one that does,
    /// in the spec's order; not through one that is a discriminated base itself (its
    /// subtypes are its own union's, decision 36).
    fn subtypes(&self, key: &str) -> Vec<String> {
        let Some(components) = self.api.components.as_ref().map(|c| &c.schemas) else { return Vec::new() };
        let extends = |schema: &ReferenceOr<Schema>, bases: &[String]| {
            let parts = match schema {
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::AllOf { all_of }, .. }) => all_of.as_slice(),
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) => any.all_of.as_slice(),
                _ => &[],
            };
            parts.iter().any(|p| match p {
                ReferenceOr::Reference { reference } => component_key(reference).is_some_and(|k| bases.contains(&k)),
                ReferenceOr::Item(_) => false,
            })
        };
        let discriminated =
            |k: &str| matches!(components.get(k), Some(ReferenceOr::Item(s)) if s.schema_data.discriminator.is_some());
        // `bases`: what a member extends to join; a discriminated member joins, but what
        // extends it is its own union's.
        let mut family = vec![key.to_owned()];
        let mut bases = vec![key.to_owned()];
        loop {
            let more: Vec<String> = components
                .iter()
                .filter(|(k, s)| !family.contains(k) && extends(s, &bases))
                .map(|(k, _)| k.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            bases.extend(more.iter().filter(|k| !discriminated(k)).cloned());
            family.extend(more);
        }
        components.keys().filter(|k| *k != key && family.contains(k)).cloned().collect()
    }

    /// The branches and discriminator of the component `key` when it is a discriminated base:
    /// a `discriminator` beside a `oneOf` of refs, or (Swagger 2.0) beside the components that
    /// extend it. Such a base is abstract: the enum of its branches.
    fn base_branches(&self, key: &str) -> Option<(Vec<String>, &'a Discriminator)> {
        let (_, schema) = self.component(&format!("#/components/schemas/{}", crate::source::escape_token(key)))?;
        let discriminator = schema.schema_data.discriminator.as_ref()?;
        let one_of = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => one_of.as_slice(),
            SchemaKind::Any(any) => any.one_of.as_slice(),
            _ => &[],
        };
        let branches: Vec<String> = if one_of.is_empty() {
            object_with(schema, &discriminator.property_name)?;
            self.subtypes(key)
        } else {
            one_of
                .iter()
                .map(|b| match b {
                    ReferenceOr::Reference { reference } => component_key(reference),
                    ReferenceOr::Item(_) => None,
                })
                .collect::<Option<_>>()?
        };
        (!branches.is_empty()).then_some((branches, discriminator))
    }

    /// The tag values that select the branch `key` of a union read by `discriminator`, and
    /// whether the branch reads the tag itself. A branch that is a discriminated base by the
    /// same property is selected by every value its own union reads, and reads the tag.
    fn branch_tags(&self, discriminator: &Discriminator, key: &str, seen: &mut Vec<String>) -> (Vec<String>, bool) {
        let reference = format!("#/components/schemas/{}", crate::source::escape_token(key));
        let mut tags: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| **target == reference || **target == key)
            .map(|(value, _)| value.clone())
            .collect();
        seen.push(key.to_owned());
        let inner = self.base_branches(key).filter(|(_, d)| d.property_name == discriminator.property_name);
        if let Some((branches, inner)) = inner {
            for branch in branches.iter().filter(|b| !seen.contains(b)).collect::<Vec<_>>() {
                for tag in self.branch_tags(inner, branch, seen).0 {
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
            }
            if !tags.is_empty() {
                return (tags, true);
            }
        }
        if tags.is_empty() {
            tags.push(key.to_owned());
        }
        // A base by another property hands the value on whole: its branches read this tag
        // when they all declare it.
        let declares = match self.base_branches(key) {
            Some((branches, _)) => branches.iter().all(|b| self.declares(b, &discriminator.property_name, 0)),
            None => self.declares(key, &discriminator.property_name, 0),
        };
        (tags, declares)
    }

    /// The tag values of each branch, when `discriminator` can be honoured: every branch a ref
    /// to an object component or to a discriminated base. `None` (with a warning) when it
    /// cannot. A value two branches claim selects the first.
    fn tags(
        &mut self,
        branches: &[ReferenceOr<Schema>],
        discriminator: &Discriminator,
        keyword: &str,
        node: Option<&Located>,
    ) -> Option<Vec<(Vec<String>, bool)>> {
        let mut out: Vec<(Vec<String>, bool)> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let target = match branch {
                ReferenceOr::Reference { reference } => self.component(reference).filter(|(key, s)| {
                    object_with(s, &discriminator.property_name).is_some() || self.base_branches(key).is_some()
                }),
                ReferenceOr::Item(_) => None,
            };
            let Some((key, _)) = target else {
                // The branches of a base's subtypes are not written: its `discriminator` is.
                let at = node.and_then(|node| match keyword {
                    "discriminator" => node.discriminator_location(),
                    _ => node.member_location(keyword, i),
                });
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::UNSUPPORTED,
                        "a `discriminator` over a branch that is not a `$ref` to an object schema is not supported yet; the union is read untagged",
                    )
                    .at(at.cloned())
                    .label("not a `$ref` to an object schema")
                    .help("each branch is tried in turn, most specific first; make every branch a `$ref` to an object schema to read the union by its tag"),
                );
                return None;
            };
            let (mut tags, declares) = self.branch_tags(discriminator, &key, &mut Vec::new());
            tags.retain(|tag| !out.iter().any(|(earlier, _)| earlier.contains(tag)));
            out.push((tags, declares));
        }
        Some(out)
    }

    /// An enum of `branches` (of `keyword`, `oneOf` or `anyOf`), read by the tag
    /// `discriminator` names when it can be.
    pub(super) fn union(
        &mut self,
        branches: &[ReferenceOr<Schema>],
        keyword: &str,
        discriminator: Option<&Discriminator>,
        data: &SchemaData,
        node: Option<&Located>,
        ctx: &Ctx,
    ) -> Ty {
        let tags = discriminator.and_then(|d| self.tags(branches, d, keyword, node));
        let mut variants = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let (basis, word) = match branch {
                ReferenceOr::Reference { .. } => (VariantBasis::Ref, String::new()),
                ReferenceOr::Item(schema) => match schema.schema_data.title.as_deref().map(names::camel) {
                    Some(title) if !title.is_empty() => (VariantBasis::Title(title.clone()), title),
                    _ => (VariantBasis::Shape, shape_word(schema).to_owned()),
                },
            };
            let ty = self.convert(branch, &ctx.child(&word, &format!("/{keyword}/{i}")));
            let (tags, declares_tag) = tags.as_ref().map_or((Vec::new(), false), |t| t[i].clone());
            variants.push(UnionVariant { rust: String::new(), basis, tags, declares_tag, ty });
        }
        let tag = tags.is_some().then(|| discriminator.map(|d| d.property_name.clone())).flatten();
        if discriminator.is_some() && tag.is_none() {
            self.space.untyped.push(Untyped { construct: "discriminator", pointer: ctx.pointer.clone() });
        }
        let union = Union { keyword: keyword.to_owned(), tag, variants };
        Ty::Named(self.named(TypeKind::Union(union), data, ctx))
    }

    /// A component with a `discriminator` and no `oneOf`, that other components extend with
    /// `allOf` (Swagger 2.0's polymorphism): the union of those components (and of those that
    /// extend them in turn, unless through a discriminated base of their own), read by the tag.
    /// `None` when no component extends it.
    pub(super) fn subtypes_union(&mut self, key: &str, schema: &Schema, ctx: &Ctx) -> Option<Ty> {
        let discriminator = schema.schema_data.discriminator.as_ref()?;
        // Only an object base: its subtypes' values carry the tag.
        object_with(schema, &discriminator.property_name)?;
        let branches: Vec<ReferenceOr<Schema>> = self
            .subtypes(key)
            .iter()
            .map(|k| ReferenceOr::Reference {
                reference: format!("#/components/schemas/{}", crate::source::escape_token(k)),
            })
            .collect();
        if branches.is_empty() {
            return None;
        }
        let node = self.schemas.get(&ctx.pointer);
        Some(self.union(&branches, "discriminator", Some(discriminator), &schema.schema_data, node, ctx))
    }
}

/// Names every variant once types are named, and orders the variants of untagged unions most
/// specific first. Runs after naming and cycle breaking, when every type's shape is known.
pub fn finish(space: &mut TypeSpace) {
    close_enums_beside_strings(space);
    for i in 0..space.entries.len() {
        let TypeKind::Union(union) = &space.entries[i].kind else { continue };
        let mut union = union.clone();
        let mut taken = std::collections::BTreeSet::new();
        for (n, variant) in union.variants.iter_mut().enumerate() {
            let wanted = match &variant.basis {
                VariantBasis::Ref => match inner(&variant.ty) {
                    Ty::Named(id) => space.get(*id).name.clone(),
                    other => shape_of(other, space).to_owned(),
                },
                VariantBasis::Title(title) => title.clone(),
                VariantBasis::Shape => shape_of(&variant.ty, space).to_owned(),
            };
            let wanted = if wanted.is_empty() { format!("V{}", n + 1) } else { wanted };
            variant.rust = names::unique(wanted, &mut taken, "");
        }
        if union.tag.is_none() {
            union.variants.sort_by_cached_key(|v| order(&v.ty, space));
        }
        space.entries[i].kind = TypeKind::Union(union);
    }
}

/// An open string enum (decision 28) reads every string, so in an untagged union beside a
/// branch that reads strings it would take them all and the string branch none. Such an enum
/// is closed: the union's string branch is its catch-all, a listed value is still read as
/// the enum. The enum is one type, so it is closed wherever else it is used too.
fn close_enums_beside_strings(space: &mut TypeSpace) {
    let mut close = Vec::new();
    for entry in &space.entries {
        let TypeKind::Union(union) = &entry.kind else { continue };
        let reads_strings = |ty: &Ty| matches!(inner(ty), Ty::String | Ty::Format(_));
        if union.tag.is_some() || !union.variants.iter().any(|v| reads_strings(&v.ty)) {
            continue;
        }
        for variant in &union.variants {
            if let Ty::Named(id) = inner(&variant.ty) {
                if matches!(&space.get(*id).kind, TypeKind::Enum(e) if e.other.is_some()) {
                    close.push(*id);
                }
            }
        }
    }
    for id in close {
        if let TypeKind::Enum(e) = &mut space.entries[id.0].kind {
            e.other = None;
        }
    }
}

/// `ty` without the boxes and options around it.
fn inner(ty: &Ty) -> &Ty {
    match ty {
        Ty::Boxed(inner) | Ty::Nullable(inner) => self::inner(inner),
        other => other,
    }
}

/// What a value of `ty` is, as a variant name.
fn shape_of(ty: &Ty, space: &TypeSpace) -> &'static str {
    match inner(ty) {
        Ty::String => "String",
        Ty::Bool => "Boolean",
        Ty::I32 | Ty::I64 => "Integer",
        Ty::F64 => "Number",
        Ty::Json => "Value",
        Ty::JsonObject | Ty::Map(_) => "Object",
        Ty::Vec(_) | Ty::Tuple(_) => "Array",
        Ty::Named(id) => match &space.get(*id).kind {
            TypeKind::Struct(_) => "Object",
            TypeKind::Enum(_) => "String",
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => shape_of(ty, space),
            TypeKind::Union(_) | TypeKind::Pending => "Value",
        },
        // Bytes and dates are strings on the wire.
        Ty::Format(format) if format.is_string() => "String",
        Ty::Format(_) => "IntOrString",
        Ty::Boxed(_) | Ty::Nullable(_) => "Value",
    }
}

/// Where an untagged variant of `ty` goes: serde tries the variants in order and takes the
/// first that reads, so a value that several can read goes to the most specific. JSON kinds
/// are apart, but within one a narrower type comes first: a string enum before a string,
/// `i32` before `i64` before `f64`, typed arrays before untyped, objects with more required
/// properties first (then those that refuse unknown members, then those with more
/// properties), then maps, then any object, then any value.
fn order(ty: &Ty, space: &TypeSpace) -> (u8, Reverse<usize>, bool, Reverse<usize>) {
    let group = |g: u8| (g, Reverse(0), false, Reverse(0));
    match inner(ty) {
        Ty::Bool => group(0),
        Ty::I32 => group(3),
        Ty::I64 => group(4),
        Ty::F64 => group(5),
        Ty::String => group(2),
        Ty::Tuple(_) => group(6),
        Ty::Vec(item) if matches!(**item, Ty::Json) => group(8),
        Ty::Vec(_) => group(7),
        Ty::Map(_) => group(11),
        Ty::JsonObject => group(12),
        Ty::Json => group(13),
        Ty::Named(id) => match &space.get(*id).kind {
            // An open enum reads any string, as `String` does.
            TypeKind::Enum(e) if e.other.is_some() => group(2),
            TypeKind::Enum(_) => group(1),
            TypeKind::Struct(s) => {
                let required = s.fields.iter().filter(|f| f.required).count();
                (9, Reverse(required), matches!(s.rest, Rest::Kept { .. }), Reverse(s.fields.len()))
            }
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => order(ty, space),
            TypeKind::Union(_) | TypeKind::Pending => group(10),
        },
        // Strings of a format read fewer strings than `String` does; an integer or a string,
        // more.
        Ty::Format(format) if format.is_string() => group(1),
        Ty::Format(_) => group(2),
        Ty::Boxed(_) | Ty::Nullable(_) => group(13),
    }
}
