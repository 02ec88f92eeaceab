//! The type space: the one place that decides Rust names and shapes.
//!
//! An ordered list of entries indexed by [`TypeId`]. Ids of named component schemas are
//! assigned before any schema is converted, so forward and cyclic refs resolve; a schema met
//! in two places (a ref inlined twice) is one type; each entry records what its name can be
//! made of ([`NameBasis`]), and [`super::naming`] names them all once every type is known;
//! cycles are broken by boxing in a pass of their own ([`TypeSpace::break_cycles`]); each
//! entry keeps the file and JSON Pointer it came from.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, ObjectType, ReferenceOr, Schema, SchemaKind, StringType, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::names;
use super::naming::NameBasis;
use crate::diagnostics::{codes, Diagnostic, Diagnostics, Location};
use crate::model::schemas::{Schema as Located, Schemas};
use crate::upgrade::Spec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A Rust type as the generated code spells it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    String,
    Bool,
    I32,
    I64,
    /// Every `number`, whatever its `format` (decision 21): an `f32` would turn `0.1` into
    /// `0.10000000149011612` on the way back.
    F64,
    /// Any JSON value (`serde_json::Value`).
    Json,
    /// A string `format`'s own type (decision 29).
    Format(super::formats::FormatTy),
    /// A JSON object with unconstrained values (`serde_json::Map<String, Value>`).
    JsonObject,
    Vec(Box<Ty>),
    /// A map from string keys (`BTreeMap<String, T>`).
    Map(Box<Ty>),
    Named(TypeId),
    /// `Box<T>`, set by cycle breaking.
    Boxed(Box<Ty>),
    /// `Option<T>` for `nullable` schemas.
    Nullable(Box<Ty>),
    /// `(A, B)`: an array whose `items` is a list of schemas, one per position (a JSON
    /// Schema draft 4 tuple) and that holds exactly that many items.
    Tuple(Vec<Ty>),
}

/// Where a type came from: the file (relative to the spec's folder) and the pointer in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub pointer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeEntry {
    pub name: String,
    /// The module below `types` that holds the type (`["api", "core", "v1"]`); empty for
    /// `types` itself. Set by [`TypeSpace::assign_modules`].
    pub module: Vec<String>,
    pub doc: Option<String>,
    pub origin: Option<Origin>,
    pub kind: TypeKind,
    /// What the name is made of; [`super::naming`] decides it.
    pub basis: NameBasis,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// Not filled yet (only while lowering).
    Pending,
    Struct(Struct),
    Enum(StringEnum),
    /// `pub type Name = Ty;` for a named schema that is not an object or enum.
    Alias(Ty),
    /// `pub struct Name(pub Ty);`, serialized as the `Ty` it holds: a schema that would be an
    /// alias, but whose type contains itself (`pub type M = BTreeMap<String, M>;` is E0391).
    Newtype(Ty),
    /// An enum of the branches of a `oneOf` or `anyOf` ([`super::unions`]).
    Union(super::unions::Union),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// What becomes of the members the schema does not declare.
    pub rest: Rest,
}

/// The members of an object beyond its declared properties (decision 20).
#[derive(Debug, Clone, PartialEq)]
pub enum Rest {
    /// Kept in a flattened map field named `rust` (`additional_properties`, unless a property
    /// has that name), of values `ty`: `serde_json::Value` when `additionalProperties` is
    /// absent or `true`, the schema's type when it is a schema. A value written back is the
    /// value read.
    Kept { rust: String, ty: Ty },
    /// `additionalProperties: false`: a value with other members is refused
    /// (`deny_unknown_fields`), never read with members dropped.
    Refused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire: String,
    pub rust: String,
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
    /// The schema's `default` as the docs show it ([`Lowerer::default_text`]).
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StringEnum {
    pub variants: Vec<Variant>,
    /// The catch-all variant holding a value the spec does not list (an open enum, decision
    /// 27): `Other`, unless a listed value took that name; `None` for a closed enum.
    pub other: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub wire: String,
    pub rust: String,
}

#[derive(Debug, Default, Clone)]
pub struct TypeSpace {
    pub entries: Vec<TypeEntry>,
    /// Anonymous types by the file and pointer their schema is written at, and shape: a
    /// schema placed twice (a `$ref` outside schemas is inlined) is one type.
    pub(super) same_schema: BTreeMap<(usize, String), Vec<(TypeKind, TypeId)>>,
    /// `#/components/schemas/X` → id.
    pub(super) components: BTreeMap<String, TypeId>,
    /// The components whose schema is `nullable` (also from `x-nullable` and a `null` type or
    /// branch): the type is the value's shape, and each use of it is an `Option` of it.
    pub(super) nullable_components: BTreeSet<TypeId>,
    /// Every schema that lowering kept as untyped JSON (or as fewer members than it declares)
    /// although it gives a shape, with why: what `cargo xtask stats` counts.
    pub untyped: Vec<super::unions::Untyped>,
    /// The doc of each module below `types` that [`TypeSpace::assign_modules`] made, by path.
    pub module_docs: BTreeMap<Vec<String>, ModuleDoc>,
}

/// The doc of a module of `types`, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleDoc {
    /// On the module's `pub mod` line: a namespace's one line (`The types of the namespace
    /// `api.core`.`).
    Declaration(String),
    /// At the top of the module's own file (`//!`): a root document's title, what a reader of
    /// the file meets first.
    File(String),
}

impl TypeSpace {
    pub fn get(&self, id: TypeId) -> &TypeEntry {
        &self.entries[id.0]
    }

    pub fn ids(&self) -> impl Iterator<Item = TypeId> {
        (0..self.entries.len()).map(TypeId)
    }

    /// Adds a type under its provisional name (the one its context gives it); names are
    /// decided, and made unique, by [`super::naming`].
    fn add(&mut self, name: String, doc: Option<String>, origin: Option<Origin>, basis: NameBasis) -> TypeId {
        self.entries.push(TypeEntry { name, module: Vec::new(), doc, origin, kind: TypeKind::Pending, basis });
        TypeId(self.entries.len() - 1)
    }

    /// Puts every type in its module below `types` (decision 25). A type's module depends only
    /// on its own place (and, for a dotted key, on the keys of its own document), so adding a
    /// root, an operation or a schema elsewhere never moves a type that is already there.
    ///
    /// - **Several root documents** (`roots`, one a root, as lowering names their endpoint
    ///   modules): a type whose origin is a root document goes in that root's module
    ///   (`types::sync::Rooms`, `types::room_state::...`); a type from a file that is not a root
    ///   (`definitions/*.yaml`, `../../event-schemas/...`), one a root only refers to, stays in
    ///   `types` itself. Schemas a root declares under dotted keys go in their namespace's
    ///   modules below the root's module ([`TypeSpace::namespaces`], the shared prefix taken
    ///   among that root's keys only); keys resolve gave to bundled files are not namespaces.
    /// - **One root** (`roots` empty or of one): the schemas whose keys are dotted namespaces,
    ///   declared or bundled, go in the namespace's modules; every other type stays in `types`.
    ///
    /// Names are then made unique within each module: naming made them unique in the crate,
    /// and only a dotted key's shortened name can meet another.
    pub fn assign_modules(&mut self, roots: &[super::EndpointModule]) {
        if roots.len() < 2 {
            let keys = self.components.iter().map(|(key, &id)| (key.clone(), id)).collect();
            self.namespaces(keys, &[]);
        } else {
            for root in roots {
                let declared: Vec<(String, TypeId)> = self
                    .components
                    .iter()
                    .filter(|(_, &id)| {
                        self.entries[id.0].origin.as_ref().is_some_and(|o| {
                            o.file == root.origin
                                && matches!(
                                    crate::source::parent_pointer(&o.pointer),
                                    "/definitions" | "/components/schemas"
                                )
                        })
                    })
                    .map(|(key, &id)| (key.clone(), id))
                    .collect();
                self.namespaces(declared, std::slice::from_ref(&root.name));
            }
            for entry in &mut self.entries {
                let Some(origin) = entry.origin.as_ref().filter(|_| entry.module.is_empty()) else { continue };
                if let Some(root) = roots.iter().find(|root| root.origin == origin.file) {
                    entry.module = vec![root.name.clone()];
                }
            }
            for root in roots {
                let from =
                    format!("The types written in `{}`; those of the files it refers to are in `types`.", root.file);
                let doc = match root.title.as_deref().map(str::trim) {
                    Some(title) if !title.is_empty() => format!("{title}\n\n{from}"),
                    _ => from,
                };
                self.module_docs.insert(vec![root.name.clone()], ModuleDoc::File(doc));
            }
        }
        let mut taken: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
        for entry in &mut self.entries {
            let names = taken.entry(entry.module.clone()).or_default();
            entry.name = names::unique(std::mem::take(&mut entry.name), names, "");
        }
    }

    /// Puts the schemas of `keys` (key and id) that are dotted namespaces
    /// (`io.k8s.api.core.v1.Pod`) in modules below `base` named by the namespace without the
    /// prefix every such key shares (`api::core::v1`), and names each by its last segment
    /// (`Pod`), as people write such crates (k8s-openapi). Types defined inside such a schema
    /// go in its module, under the names they have. Fewer than two dotted keys make no module.
    fn namespaces(&mut self, keys: Vec<(String, TypeId)>, base: &[String]) {
        let mut dotted: Vec<(TypeId, Vec<String>)> = Vec::new();
        for (key, id) in keys {
            let segments: Vec<String> = key.split('.').map(str::to_owned).collect();
            let usable = segments.len() >= 2
                && segments.iter().all(|s| s.chars().any(|c| c.is_alphanumeric()))
                && segments.last().is_some_and(|s| s.starts_with(char::is_alphabetic));
            if usable {
                dotted.push((id, segments));
            }
        }
        if dotted.len() < 2 {
            return;
        }
        // The namespace prefix every dotted key shares, kept short enough that every key
        // still has a namespace of its own.
        let namespaces = dotted.iter().map(|(_, s)| &s[..s.len() - 1]);
        let shortest = namespaces.clone().map(<[String]>::len).min().unwrap_or(0);
        let first = &dotted[0].1;
        let shared =
            (0..shortest.saturating_sub(1)).take_while(|&i| dotted.iter().all(|(_, s)| s[i] == first[i])).count();
        // (where the schema is, its module, its old name, its new name)
        let mut homes: Vec<(Option<Origin>, Vec<String>, String, String)> = Vec::new();
        for (id, segments) in &dotted {
            let namespace: Vec<String> = segments[shared..segments.len() - 1].iter().map(|s| names::snake(s)).collect();
            for depth in 1..=namespace.len() {
                let doc = format!("The types of the namespace `{}`.", namespace[..depth].join("."));
                self.module_docs.insert([base, &namespace[..depth]].concat(), ModuleDoc::Declaration(doc));
            }
            let module = [base, &namespace].concat();
            let entry = &mut self.entries[id.0];
            let new = names::camel(segments.last().map_or("", String::as_str));
            let old = std::mem::replace(&mut entry.name, new.clone());
            entry.module = module.clone();
            homes.push((entry.origin.clone(), module, old, new));
        }
        // Inline types follow the schema they are defined in, their names shortened with it
        // (`IoK8sApiCoreV1PodSpec` is `PodSpec` beside `Pod`).
        for entry in &mut self.entries {
            if !entry.module.is_empty() {
                continue;
            }
            let Some(origin) = &entry.origin else { continue };
            let home = homes.iter().find(|(home, ..)| {
                home.as_ref().is_some_and(|h| {
                    h.file == origin.file && origin.pointer.strip_prefix(&h.pointer).is_some_and(|r| r.starts_with('/'))
                })
            });
            if let Some((_, module, old, new)) = home {
                entry.module = module.clone();
                if let Some(rest) = entry.name.strip_prefix(old.as_str()) {
                    entry.name = format!("{new}{rest}");
                }
            }
        }
    }

    /// The modules below `types` that hold types, each once, parents before children.
    pub fn modules(&self) -> Vec<Vec<String>> {
        let mut all = BTreeSet::new();
        for entry in &self.entries {
            for depth in 1..=entry.module.len() {
                all.insert(entry.module[..depth].to_vec());
            }
        }
        all.into_iter().collect()
    }

    /// Makes every alias whose type mentions itself, directly or through other aliases, a
    /// newtype: a type alias cannot name itself, a struct can. One newtype per cycle is
    /// enough; the aliases are visited in id order, so which one it is is deterministic.
    pub fn wrap_recursive_aliases(&mut self) {
        for id in self.ids().collect::<Vec<_>>() {
            let TypeKind::Alias(ty) = &self.entries[id.0].kind else { continue };
            if self.alias_reaches(ty, id, &mut BTreeSet::new()) {
                self.entries[id.0].kind = TypeKind::Newtype(ty.clone());
            }
        }
    }

    /// Whether `ty` names `target`, anywhere inside it or inside the aliases it names.
    fn alias_reaches(&self, ty: &Ty, target: TypeId, seen: &mut BTreeSet<TypeId>) -> bool {
        match ty {
            Ty::Named(id) if *id == target => true,
            Ty::Named(id) => match &self.entries[id.0].kind {
                TypeKind::Alias(inner) if seen.insert(*id) => self.alias_reaches(inner, target, seen),
                _ => false,
            },
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => {
                self.alias_reaches(inner, target, seen)
            }
            Ty::Tuple(members) => members.iter().any(|m| self.alias_reaches(m, target, seen)),
            Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Json | Ty::JsonObject | Ty::Format(_) => false,
        }
    }

    /// Boxes every field (and newtype content) whose type contains, without a `Vec` or map in
    /// between, a type that leads back to the struct holding it.
    pub fn break_cycles(&mut self) {
        for id in self.ids().collect::<Vec<_>>() {
            if let TypeKind::Newtype(ty) = &self.entries[id.0].kind {
                if self.direct_refs(ty).iter().any(|&r| r == id || self.reaches(r, id, &mut BTreeSet::new())) {
                    self.entries[id.0].kind = TypeKind::Newtype(boxed(ty.clone()));
                }
                continue;
            }
            if let TypeKind::Union(union) = &self.entries[id.0].kind {
                let mut union = union.clone();
                for variant in &mut union.variants {
                    if self
                        .direct_refs(&variant.ty)
                        .iter()
                        .any(|&r| r == id || self.reaches(r, id, &mut BTreeSet::new()))
                    {
                        variant.ty = boxed(variant.ty.clone());
                    }
                }
                self.entries[id.0].kind = TypeKind::Union(union);
                continue;
            }
            let TypeKind::Struct(s) = &self.entries[id.0].kind else { continue };
            let mut fields = s.fields.clone();
            for field in &mut fields {
                if self.direct_refs(&field.ty).iter().any(|&r| r == id || self.reaches(r, id, &mut BTreeSet::new())) {
                    field.ty = boxed(field.ty.clone());
                }
            }
            if let TypeKind::Struct(s) = &mut self.entries[id.0].kind {
                s.fields = fields;
            }
        }
    }

    /// Named types stored inline (not behind a `Vec`, map or box) by a value of `ty`.
    fn direct_refs(&self, ty: &Ty) -> Vec<TypeId> {
        let mut refs = Vec::new();
        self.collect_direct_refs(ty, &mut refs);
        refs
    }

    fn collect_direct_refs(&self, ty: &Ty, refs: &mut Vec<TypeId>) {
        match ty {
            Ty::Named(id) if !refs.contains(id) => {
                refs.push(*id);
                if let TypeKind::Alias(inner) = &self.entries[id.0].kind {
                    self.collect_direct_refs(inner, refs);
                }
            }
            Ty::Nullable(inner) => self.collect_direct_refs(inner, refs),
            Ty::Tuple(members) => members.iter().for_each(|m| self.collect_direct_refs(m, refs)),
            _ => {}
        }
    }

    fn reaches(&self, from: TypeId, to: TypeId, seen: &mut BTreeSet<TypeId>) -> bool {
        if !seen.insert(from) {
            return false;
        }
        let next: Vec<TypeId> = match &self.entries[from.0].kind {
            TypeKind::Struct(s) => s.fields.iter().flat_map(|f| self.direct_refs(&f.ty)).collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => self.direct_refs(ty),
            TypeKind::Union(u) => u.variants.iter().flat_map(|v| self.direct_refs(&v.ty)).collect(),
            _ => Vec::new(),
        };
        next.into_iter().any(|n| n == to || self.reaches(n, to, seen))
    }
}

fn boxed(ty: Ty) -> Ty {
    match ty {
        Ty::Nullable(inner) => Ty::Nullable(Box::new(boxed(*inner))),
        other => Ty::Boxed(Box::new(other)),
    }
}

/// Where a schema sits, for names, docs and diagnostics.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The name an anonymous type here gets (before making it unique).
    pub name: String,
    /// The pointer of the schema in the upgraded document.
    pub pointer: String,
    /// A component id to fill instead of creating a new type.
    pub reserved: Option<TypeId>,
}

impl Ctx {
    pub(super) fn child(&self, name_part: &str, pointer_part: &str) -> Ctx {
        Ctx {
            name: format!("{}{}", self.name, names::camel(name_part)),
            pointer: format!("{}{pointer_part}", self.pointer),
            reserved: None,
        }
    }
}

/// Converts schemas into the type space.
pub struct Lowerer<'a> {
    pub space: TypeSpace,
    pub spec: &'a Spec,
    pub api: &'a openapiv3::OpenAPI,
    /// The schemas lint located, by pointer: where things are written, and what the `openapiv3`
    /// model does not keep (looked up once per schema converted).
    pub schemas: &'a Schemas,
    pub diagnostics: &'a mut Diagnostics,
    /// The spec's root folder, for origins relative to it.
    pub root_dir: std::path::PathBuf,
    /// Inline schemas already converted, by pointer: `allOf` copies the properties of a
    /// component into each struct that merges it, and each copy must give the same type.
    converted: BTreeMap<String, Ty>,
    /// Inline schemas being converted; one met again contains itself (through `allOf`).
    in_progress: BTreeSet<String>,
    /// Ids handed out for inline schemas that contain themselves, to fill when they finish.
    pending: BTreeMap<String, TypeId>,
    /// What the config says about enums and formats.
    pub options: super::formats::TypeOptions,
}

impl<'a> Lowerer<'a> {
    pub fn new(
        spec: &'a Spec,
        api: &'a openapiv3::OpenAPI,
        schemas: &'a Schemas,
        diagnostics: &'a mut Diagnostics,
    ) -> Self {
        let root_dir = spec.sources.files.first().and_then(|f| f.path.parent()).map(Into::into).unwrap_or_default();
        Lowerer {
            space: TypeSpace::default(),
            spec,
            api,
            schemas,
            diagnostics,
            root_dir,
            converted: BTreeMap::new(),
            in_progress: BTreeSet::new(),
            pending: BTreeMap::new(),
            options: Default::default(),
        }
    }

    /// `example`, unless lint found it does not match its schema (`node`, the model's node of
    /// it; an example lint did not check has none).
    pub fn valid_example(
        &self,
        node: Option<&crate::model::examples::Example>,
        example: Option<&Value>,
    ) -> Option<Value> {
        if node.is_some_and(|node| !node.valid) {
            return None;
        }
        example.cloned()
    }

    pub fn origin(&self, pointer: &str) -> Option<Origin> {
        let (file, p) = self.spec.map.origin(pointer)?;
        Some(Origin { file: self.shown_file(file), pointer: p })
    }

    /// A file as [`Origin::file`] shows it: relative to the (first) root's folder, `../` and
    /// all, as the spec's own refs are written; never a path of this machine, so the output is
    /// the same everywhere.
    pub fn shown_file(&self, file: crate::source::FileId) -> String {
        let shown = crate::config::relative_path(&self.root_dir, &self.spec.sources.get(file).path);
        shown.to_string_lossy().replace('\\', "/")
    }

    /// Assigns ids to every component schema, then converts each.
    pub fn components(&mut self) {
        let Some(components) = &self.api.components else { return };
        let ids: Vec<(String, TypeId)> = components
            .schemas
            .keys()
            .map(|key| {
                let pointer = crate::source::push_token("/components/schemas", key);
                let id = self.add_type(names::camel(key), &pointer);
                let rust = self.space.get(id).name.clone();
                self.name_changed("schema", key, &rust, |this| this.key_location(&pointer));
                self.space.components.insert(key.clone(), id);
                let basis = &mut self.space.entries[id.0].basis;
                basis.key = Some(key.clone());
                if let ReferenceOr::Item(schema) = &components.schemas[key] {
                    basis.title.clone_from(&schema.schema_data.title);
                    if schema.schema_data.nullable {
                        self.space.nullable_components.insert(id);
                    }
                }
                (key.clone(), id)
            })
            .collect();
        for (key, id) in ids {
            let schema = &components.schemas[&key];
            let ctx = Ctx {
                name: self.space.get(id).name.clone(),
                pointer: crate::source::push_token("/components/schemas", &key),
                reserved: Some(id),
            };
            let subtypes = match schema {
                ReferenceOr::Item(item) => self.subtypes_union(&key, item, &ctx),
                ReferenceOr::Reference { .. } => None,
            };
            let ty = match subtypes {
                Some(ty) => ty,
                None => self.convert(schema, &ctx),
            };
            // A component that did not become a struct or enum is an alias of what it is; of a
            // nullable one, of its shape, as its uses are `Option`s of it.
            if self.space.entries[id.0].kind == TypeKind::Pending {
                let ty = match ty {
                    Ty::Nullable(inner) if self.space.nullable_components.contains(&id) => *inner,
                    ty => ty,
                };
                self.space.entries[id.0].kind = TypeKind::Alias(ty);
                if self.space.entries[id.0].doc.is_none() {
                    self.space.entries[id.0].doc = schema_doc(schema);
                }
            }
        }
    }

    /// Warns when the Rust name of `wire` (a `what`: "schema", "property", ...) cannot keep
    /// all its letters and digits ([`names::loss`]).
    ///
    /// `at` finds where the name is written, only for a name that changed: finding a key's
    /// location is a source-map and a span lookup, and most names keep every character.
    pub fn name_changed(
        &mut self,
        what: &str,
        wire: &str,
        rust: &str,
        at: impl FnOnce(&Self) -> Option<crate::diagnostics::Location>,
    ) {
        let Some(loss) = names::loss(wire) else { return };
        let at = at(self);
        self.diagnostics.push(
            Diagnostic::warning(
                codes::NAME_CHANGED,
                format!("{what} `{}` is named `{rust}`: {loss}", names::shown(wire)),
            )
            .at(at)
            .label("renamed")
            .help("the wire name is kept; rename it in the spec or an overlay for a clearer Rust name"),
        );
    }

    /// How the `default` of the schema at `pointer` is shown in docs: a number as the spec
    /// writes it (`99999999999999999999`, which JSON reading made `1e20`), anything else as
    /// JSON. An integer default that the field's Rust type cannot hold is a warning (lint's).
    pub fn default_text(&self, default: &Value, pointer: &str) -> String {
        let Value::Number(number) = default else { return default.to_string() };
        let written = self.schemas.get(pointer).and_then(|node| node.default_written());
        written.map_or_else(|| number.to_string(), str::to_owned)
    }

    /// Where the key naming the schema at `pointer` is written.
    fn key_location(&self, pointer: &str) -> Option<Location> {
        self.schemas.key_location(self.spec, pointer)
    }

    /// Adds a type for the schema at `pointer`, whose context names it `wanted` for now.
    fn add_type(&mut self, wanted: String, pointer: &str) -> TypeId {
        let basis = NameBasis { context: wanted.clone(), pointer: pointer.to_owned(), ..NameBasis::default() };
        self.space.add(wanted, None, self.origin(pointer), basis)
    }

    /// Converts a schema or a ref to one (`openapiv3` boxes the schemas of properties and items).
    pub fn convert<S: Borrow<Schema>>(&mut self, schema: &ReferenceOr<S>, ctx: &Ctx) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, ctx),
            ReferenceOr::Item(schema) => self.inline(schema.borrow(), ctx),
        }
    }

    /// Converts a schema written in place, once per place in the spec.
    fn inline(&mut self, schema: &Schema, ctx: &Ctx) -> Ty {
        if ctx.reserved.is_some() {
            return self.schema(schema, ctx);
        }
        if let Some(ty) = self.converted.get(&ctx.pointer) {
            return ty.clone();
        }
        if self.in_progress.contains(&ctx.pointer) {
            // The schema contains itself: refer to the type being built (boxed later).
            if let Some(&id) = self.pending.get(&ctx.pointer) {
                return Ty::Named(id);
            }
            let id = self.add_type(ctx.name.clone(), &ctx.pointer);
            self.pending.insert(ctx.pointer.clone(), id);
            return Ty::Named(id);
        }
        self.in_progress.insert(ctx.pointer.clone());
        let ty = self.schema(schema, ctx);
        self.in_progress.remove(&ctx.pointer);
        // A pending id the schema did not fill (it was not a struct or enum) names what it is.
        if let Some(id) = self.pending.remove(&ctx.pointer) {
            if self.space.entries[id.0].kind == TypeKind::Pending {
                self.space.entries[id.0].kind = TypeKind::Alias(ty.clone());
            }
        }
        self.converted.insert(ctx.pointer.clone(), ty.clone());
        ty
    }

    fn reference(&mut self, reference: &str, ctx: &Ctx) -> Ty {
        let key = reference.strip_prefix("#/components/schemas/").map(crate::source::unescape_token);
        match key.and_then(|k| self.space.components.get(&k).copied()) {
            Some(id) if self.space.nullable_components.contains(&id) => Ty::Nullable(Box::new(Ty::Named(id))),
            Some(id) => Ty::Named(id),
            None => {
                let at = self.schemas.get(&ctx.pointer).and_then(|node| node.reference_location().cloned());
                self.unsupported(
                    &format!("`$ref` `{reference}`"),
                    &format!("{}/$ref", ctx.pointer),
                    at,
                    "only refs to schemas can be typed",
                );
                Ty::Json
            }
        }
    }

    /// Warns that `what` (at `pointer`, written at `at`) is kept as untyped JSON.
    pub(super) fn unsupported(&mut self, what: &str, pointer: &str, at: Option<Location>, help: &str) {
        self.space.untyped.push(super::unions::Untyped::new(what, pointer));
        self.diagnostics.push(
            Diagnostic::warning(
                codes::UNSUPPORTED,
                format!("{what} is not supported yet; the value is kept as untyped JSON"),
            )
            .at(at)
            .label("typed as `serde_json::Value`")
            .help(help),
        );
    }

    fn schema(&mut self, schema: &Schema, ctx: &Ctx) -> Ty {
        let node = self.schemas.get(&ctx.pointer);
        let ty = self.schema_kind(schema, node, ctx);
        // A `$ref` to a nullable component is an `Option` already.
        if schema.schema_data.nullable && !matches!(ty, Ty::Nullable(_)) {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// The type of `schema`, whose located node is `node`.
    fn schema_kind(&mut self, schema: &Schema, node: Option<&Located>, ctx: &Ctx) -> Ty {
        let data = &schema.schema_data;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => self.string(s, data, node, ctx),
            // `float` too: see `Ty::F64`.
            SchemaKind::Type(Type::Number(_)) => Ty::F64,
            SchemaKind::Type(Type::Integer(i)) => match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                _ => Ty::I64,
            },
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(a)) => self.array(a.items.as_ref(), a.min_items, a.max_items, node, ctx),
            SchemaKind::Type(Type::Object(o)) => {
                self.object(&o.properties, &o.required, o.additional_properties.as_ref(), &[], data, ctx)
            }
            SchemaKind::AllOf { all_of } => {
                // `allOf` of a single ref, or of one schema that is not an object (a union, a
                // string), beside parts that only annotate (`{nullable: true}`) is that type.
                if let Some((i, part, nullable)) = super::unions::lone_part(all_of) {
                    let ty = self.convert(part, &ctx.child("", &format!("/allOf/{i}")));
                    return match ty {
                        Ty::Nullable(_) => ty,
                        ty if nullable => Ty::Nullable(Box::new(ty)),
                        ty => ty,
                    };
                }
                self.object(&Default::default(), &[], None, all_of, data, ctx)
            }
            SchemaKind::Any(any) => self.any(any, data, node, ctx),
            SchemaKind::OneOf { one_of } => self.union(one_of, "oneOf", data.discriminator.as_ref(), data, node, ctx),
            SchemaKind::AnyOf { any_of } => self.union(any_of, "anyOf", None, data, node, ctx),
            SchemaKind::Not { .. } => {
                self.unsupported(
                    "`not`",
                    &format!("{}/not", ctx.pointer),
                    node.and_then(|node| node.not_location().cloned()),
                    "remove `not`; its constraint cannot be expressed as a Rust type",
                );
                Ty::Json
            }
        }
    }

    /// A schema `openapiv3` could not classify: mixed keywords, or no `type`.
    fn any(&mut self, any: &AnySchema, data: &openapiv3::SchemaData, node: Option<&Located>, ctx: &Ctx) -> Ty {
        if !any.one_of.is_empty() {
            return self.union(&any.one_of, "oneOf", data.discriminator.as_ref(), data, node, ctx);
        }
        if !any.any_of.is_empty() {
            return self.union(&any.any_of, "anyOf", None, data, node, ctx);
        }
        let is_object = any.typ.as_deref() == Some("object") || !any.properties.is_empty() || !any.all_of.is_empty();
        if is_object || any.typ.is_none() && any.additional_properties.is_some() {
            return self.object(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                &any.all_of,
                data,
                ctx,
            );
        }
        match any.typ.as_deref() {
            Some("string") => Ty::String,
            Some("integer") => match any.format.as_deref() {
                Some("int32") => Ty::I32,
                _ => Ty::I64,
            },
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("array") => self.array(any.items.as_ref(), any.min_items, any.max_items, node, ctx),
            _ => Ty::Json,
        }
    }

    /// An array: `Vec<T>` of its `items`, or a tuple when `items` is a list of schemas.
    fn array(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        min: Option<usize>,
        max: Option<usize>,
        node: Option<&Located>,
        ctx: &Ctx,
    ) -> Ty {
        if let Some(tuple) = node.and_then(|node| node.tuple()) {
            return self.tuple(items, tuple, min, max, ctx);
        }
        match items {
            Some(items) => Ty::Vec(Box::new(self.convert(items, &ctx.child("Item", "/items")))),
            None => Ty::Vec(Box::new(Ty::Json)),
        }
    }

    /// `items: [A, B]`, a JSON Schema draft 4 tuple (lint warns that Swagger 2.0 and OpenAPI
    /// 3.0 do not have it). Lint hands lowering the members as the `anyOf` of `items`
    /// (`lint::schema::model_view`). The tuple `(A, B)` holds exactly as many items as there
    /// are schemas, so it is the type only when the schema says so too (`minItems` and
    /// `maxItems`, or `additionalItems: false`); otherwise the items are untyped JSON.
    fn tuple(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        tuple: &crate::model::schemas::Tuple,
        min: Option<usize>,
        max: Option<usize>,
        ctx: &Ctx,
    ) -> Ty {
        let len = tuple.len;
        let members = match items {
            Some(ReferenceOr::Item(schema)) => match &schema.schema_kind {
                SchemaKind::AnyOf { any_of } if any_of.len() == len => Some(any_of),
                _ => None,
            },
            _ => None,
        };
        let exact = min.is_some_and(|m| m >= len) && (max.is_some_and(|m| m <= len) || tuple.closed);
        match members {
            // Rust implements `Default`, `PartialEq` and serde's traits for tuples of up to 12.
            Some(members) if exact && (1..=12).contains(&len) => Ty::Tuple(
                members
                    .iter()
                    .enumerate()
                    .map(|(i, member)| {
                        self.convert(member, &ctx.child(&format!("Item{}", i + 1), &format!("/items/{i}")))
                    })
                    .collect(),
            ),
            _ => {
                let help = if len == 0 || len > 12 {
                    "a tuple of 1 to 12 items can be typed; a list of schemas of another length cannot".to_owned()
                } else if tuple.closed {
                    // `additionalItems: false` (3.1's `items: false`) already bounds it above.
                    format!(
                        "a Rust tuple holds exactly {len} items: add `minItems: {len}` if that is what the array holds"
                    )
                } else {
                    format!("a Rust tuple holds exactly {len} items: add `minItems: {len}` and `maxItems: {len}` if that is what the array holds")
                };
                self.unsupported(
                    "`items` as a list of schemas",
                    &format!("{}/items", ctx.pointer),
                    tuple.location.clone(),
                    &help,
                );
                Ty::Vec(Box::new(Ty::Json))
            }
        }
    }

    fn string(&mut self, s: &StringType, data: &openapiv3::SchemaData, node: Option<&Located>, ctx: &Ctx) -> Ty {
        // Each value with its index in `enum`, `null`s counted (they are not variants).
        let values: Vec<(usize, &String)> =
            s.enumeration.iter().enumerate().filter_map(|(i, v)| Some((i, v.as_ref()?))).collect();
        if values.is_empty() {
            let format = match &s.format {
                VariantOrUnknownOrEmpty::Item(known) => serde_json::to_value(known).ok(),
                VariantOrUnknownOrEmpty::Unknown(format) => Some(Value::String(format.clone())),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            let at = node.and_then(|node| node.format_location());
            let format = format.as_ref().and_then(Value::as_str).and_then(|f| self.options.format(f, &ctx.pointer, at));
            return format.map_or(Ty::String, Ty::Format);
        }
        let mut taken = BTreeSet::new();
        let mut variants: Vec<Variant> = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, value) in values {
            if !seen.insert(value.clone()) {
                continue;
            }
            let wanted = names::camel(value);
            let rust = names::unique(wanted.clone(), &mut taken, "");
            let at = node.and_then(|node| node.enum_locations().get(i).cloned().flatten());
            if rust != wanted {
                let first = variants.iter().find(|v| v.rust == wanted).map_or(String::new(), |v| names::shown(&v.wire));
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::NAME_CLASH,
                        format!("enum values `{first}` and `{}` both want the variant name `{wanted}`; this one is named `{rust}`", names::shown(value)),
                    )
                    .at(at.clone())
                    .label("renamed")
                    .help("the wire value is kept with `#[serde(rename)]`; an overlay can change one of the values if the variant names matter"),
                );
            }
            self.name_changed("enum value", value, &rust, |_| at);
            variants.push(Variant { wire: value.clone(), rust });
        }
        let other =
            self.options.open_enums.then(|| names::unique(super::formats::OTHER_VARIANT.into(), &mut taken, ""));
        let kind = TypeKind::Enum(StringEnum { variants, other });
        Ty::Named(self.named(kind, data, ctx))
    }

    /// Creates (or reuses, for the same schema placed twice) the named type for `ctx`.
    pub(super) fn named(&mut self, kind: TypeKind, data: &openapiv3::SchemaData, ctx: &Ctx) -> TypeId {
        let doc = data.description.clone().or_else(|| data.title.clone());
        if let Some(id) = ctx.reserved.or_else(|| self.pending.remove(&ctx.pointer)) {
            let entry = &mut self.space.entries[id.0];
            entry.kind = kind;
            entry.doc = doc;
            entry.basis.title.clone_from(&data.title);
            return id;
        }
        let same = self.spec.map.origin(&ctx.pointer);
        let found = same.as_ref().and_then(|key| self.space.same_schema.get(key)?.iter().find(|(k, _)| *k == kind));
        if let Some(&(_, id)) = found {
            // Named from the first of its places in the document, whichever was met first.
            let basis = &mut self.space.entries[id.0].basis;
            if ctx.pointer < basis.pointer {
                (basis.pointer, basis.context) = (ctx.pointer.clone(), ctx.name.clone());
            }
            return id;
        }
        let id = self.add_type(ctx.name.clone(), &ctx.pointer);
        if let Some(key) = same {
            self.space.same_schema.entry(key).or_default().push((kind.clone(), id));
        }
        let entry = &mut self.space.entries[id.0];
        entry.doc = doc;
        entry.kind = kind;
        entry.basis.title.clone_from(&data.title);
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        all_of: &[ReferenceOr<Schema>],
        data: &openapiv3::SchemaData,
        ctx: &Ctx,
    ) -> Ty {
        // Collect the properties of every `allOf` part first, then this schema's own.
        // Each property keeps the name of the schema that declares it, for naming inline types.
        let mut props: Vec<Prop> = Vec::new();
        let mut required: BTreeSet<String> = required.iter().cloned().collect();
        for (i, part) in all_of.iter().enumerate() {
            let part_pointer = format!("{}/allOf/{i}", ctx.pointer);
            self.collect_part(part, &part_pointer, &ctx.name, &mut props, &mut required, 0);
        }
        for (name, schema) in properties {
            let pointer = crate::source::push_token(&format!("{}/properties", ctx.pointer), name);
            props.retain(|p| p.wire != *name);
            props.push(Prop { wire: name.clone(), schema: schema.clone(), pointer, owner: ctx.name.clone() });
        }
        // The members the schema does not declare: JSON Schema allows any unless
        // `additionalProperties` says otherwise, and they are kept (decision 20).
        let rest_ty = match additional {
            // `{not: {}}` admits no value: `false` (OpenAI writes it so).
            Some(AdditionalProperties::Schema(schema)) if super::unions::admits_nothing(schema) => None,
            Some(AdditionalProperties::Schema(schema)) => Some(self.convert(
                schema,
                &ctx.child(if props.is_empty() { "Value" } else { "Extra" }, "/additionalProperties"),
            )),
            Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) | None => Some(Ty::Json),
        };
        if props.is_empty() {
            return match (additional, rest_ty) {
                (Some(AdditionalProperties::Schema(_)), Some(ty)) => Ty::Map(Box::new(ty)),
                _ => Ty::JsonObject,
            };
        }
        let mut taken = BTreeSet::new();
        let mut fields = Vec::new();
        for Prop { wire, schema, pointer, owner } in props {
            let wanted = names::snake(&wire);
            let rust = names::unique(wanted.clone(), &mut taken, "_");
            let at = |this: &Self| this.key_location(&pointer);
            self.name_changed("property", &wire, &rust, at);
            if rust != wanted {
                self.diagnostics.push(
                    Diagnostic::warning(codes::NAME_CLASH, format!("two properties want the field name `{wanted}`; `{wire}` is named `{rust}`"))
                        .at(at(self))
                        .label("renamed")
                        .help("the wire name is kept with `#[serde(rename)]`; rename one property in the spec or an overlay for a clearer field name"),
                );
            }
            let field_pointer = pointer.clone();
            let field_ctx = Ctx { name: format!("{owner}{}", names::camel(&wire)), pointer, reserved: None };
            let ty = self.convert(&schema, &field_ctx);
            let item = match &schema {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(Field {
                required: required.contains(&wire),
                doc: item.and_then(|s| s.schema_data.description.clone().or_else(|| s.schema_data.title.clone())),
                default: item
                    .and_then(|s| s.schema_data.default.as_ref())
                    .map(|default| self.default_text(default, &field_pointer)),
                wire,
                rust,
                ty,
            });
        }
        // The map's field takes a name no property has (`additional_properties_2` beside a
        // property `additional_properties`).
        let rest = match rest_ty {
            Some(ty) => Rest::Kept { rust: names::unique(REST_FIELD.to_owned(), &mut taken, "_"), ty },
            None => Rest::Refused,
        };
        Ty::Named(self.named(TypeKind::Struct(Struct { fields, rest }), data, ctx))
    }

    /// Adds the properties an `allOf` part contributes, following refs to components.
    fn collect_part(
        &mut self,
        part: &ReferenceOr<Schema>,
        pointer: &str,
        owner: &str,
        props: &mut Vec<Prop>,
        required: &mut BTreeSet<String>,
        depth: usize,
    ) {
        let api = self.api;
        let (schema, base) = match part {
            ReferenceOr::Item(schema) => (schema, pointer.to_owned()),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix("#/components/schemas/").map(crate::source::unescape_token);
                let target = key.as_ref().and_then(|k| api.components.as_ref()?.schemas.get(k).map(|s| (k.clone(), s)));
                match target {
                    // A ref chain longer than the number of components is a cycle of allOf refs.
                    Some((key, target)) if depth <= api.components.as_ref().map_or(0, |c| c.schemas.len()) => {
                        let target_pointer = crate::source::push_token("/components/schemas", &key);
                        let target_owner = self
                            .space
                            .components
                            .get(&key)
                            .map(|&id| self.space.get(id).name.clone())
                            .unwrap_or_default();
                        return self.collect_part(target, &target_pointer, &target_owner, props, required, depth + 1);
                    }
                    _ => {
                        self.unsupported(
                            &format!("`allOf` part `{reference}`"),
                            pointer,
                            self.key_location(pointer),
                            "refer to a schema in `components/schemas` (or `definitions`)",
                        );
                        return;
                    }
                }
            }
        };
        let (own, own_required, nested): (Option<&indexmap::IndexMap<_, _>>, &[String], &[ReferenceOr<Schema>]) =
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(ObjectType { properties, required, .. })) => {
                    (Some(properties), required, &[])
                }
                SchemaKind::AllOf { all_of } => (None, &[], all_of),
                SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") => {
                    (Some(&any.properties), &any.required, &any.all_of)
                }
                _ => {
                    self.unsupported(
                        "an `allOf` part that is not an object",
                        pointer,
                        self.key_location(pointer),
                        "every part of `allOf` must be an object schema to merge them into one struct",
                    );
                    return;
                }
            };
        for (i, nested_part) in nested.iter().enumerate() {
            self.collect_part(nested_part, &format!("{base}/allOf/{i}"), owner, props, required, depth + 1);
        }
        required.extend(own_required.iter().cloned());
        for (name, schema) in own.into_iter().flatten() {
            let prop_pointer = crate::source::push_token(&format!("{base}/properties"), name);
            props.retain(|p| p.wire != *name);
            props.push(Prop {
                wire: name.clone(),
                schema: schema.clone(),
                pointer: prop_pointer,
                owner: owner.to_owned(),
            });
        }
    }
}

/// The name of the field that keeps the members a struct does not declare.
pub const REST_FIELD: &str = "additional_properties";

/// A property gathered for a struct: from the schema itself or from one of its `allOf` parts.
struct Prop {
    wire: String,
    schema: ReferenceOr<Box<Schema>>,
    /// Pointer of the property's schema in the document.
    pointer: String,
    /// Rust name of the schema that declares it.
    owner: String,
}

fn schema_doc(schema: &ReferenceOr<Schema>) -> Option<String> {
    match schema {
        ReferenceOr::Item(s) => s.schema_data.description.clone().or_else(|| s.schema_data.title.clone()),
        ReferenceOr::Reference { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::EndpointModule;

    /// A type space of structs named `name`, each from `file#pointer`, with the component
    /// keys of those whose pointer is a `definitions` entry.
    fn space(types: &[(&str, &str, &str)]) -> TypeSpace {
        let mut space = TypeSpace::default();
        for &(name, file, pointer) in types {
            let origin = Some(Origin { file: file.to_owned(), pointer: pointer.to_owned() });
            let id = space.add(name.to_owned(), None, origin, NameBasis::default());
            if let Some(key) = pointer.strip_prefix("/definitions/").filter(|key| !key.contains('/')) {
                space.components.insert(key.to_owned(), id);
            }
        }
        space
    }

    fn root(name: &str, file: &str) -> EndpointModule {
        EndpointModule {
            name: name.to_owned(),
            file: file.to_owned(),
            origin: file.to_owned(),
            title: Some(format!("The {name} API")),
            description: None,
        }
    }

    /// Each type's module and name, as `a::b::Name`.
    fn paths(space: &TypeSpace) -> Vec<String> {
        space.entries.iter().map(|e| e.module.iter().chain([&e.name]).cloned().collect::<Vec<_>>().join("::")).collect()
    }

    const SYNC: (&str, &str, &str) = ("Rooms", "sync.yaml", "/paths/~1sync/get/responses/200/schema/properties/rooms");
    const STATE: (&str, &str, &str) = ("SetStateBody", "room_state.yaml", "/paths/~1state/put/parameters/0/schema");
    const SHARED: (&str, &str, &str) = ("ClientEvent", "definitions/client_event.yaml", "");
    const EVENT: (&str, &str, &str) = ("RoomMember", "../../event-schemas/schema/m.room.member.yaml", "");

    /// Of several roots, a type written in a root is in that root's module, one from a shared
    /// file in `types`, and each root's module has its title for a doc.
    #[test]
    fn of_several_roots_types_go_in_the_module_of_the_root_they_are_written_in() {
        let mut space = space(&[SYNC, STATE, SHARED, EVENT]);
        space.assign_modules(&[root("sync", "sync.yaml"), root("room_state", "room_state.yaml")]);
        assert_eq!(paths(&space), ["sync::Rooms", "room_state::SetStateBody", "ClientEvent", "RoomMember"]);
        assert_eq!(space.modules(), [vec!["room_state".to_owned()], vec!["sync".to_owned()]]);
        let ModuleDoc::File(doc) = &space.module_docs[&vec!["sync".to_owned()]] else { panic!("a file doc") };
        assert!(doc.starts_with("The sync API\n\nThe types written in `sync.yaml`"), "{doc}");
    }

    /// The warnings and notes `yaml` lowers with, as `line:column message`.
    fn lowering_diagnostics(name: &str, yaml: &str) -> Vec<String> {
        let (checked, _, path) = crate::checked_spec(&format!("lower-types-{name}"), yaml);
        let mut diagnostics = crate::Diagnostics::default();
        let config = crate::Config::new(&path, path.with_file_name("out"), "t");
        super::super::lower(&checked, &config, &mut diagnostics).expect("the spec lowers");
        let _ = std::fs::remove_dir_all(path.with_file_name(""));
        diagnostics
            .iter()
            .map(|d| {
                let at = d.location.as_ref().map_or(String::new(), |l| format!("{}:{}", l.line, l.column));
                format!("{at} {}", d.message)
            })
            .collect()
    }

    /// What lowering cannot type is reported where lint's located schemas say it is written:
    /// an `allOf` part (in place, or the component a ref names), a discriminated base's
    /// subtype (at the base's `discriminator`), `not`, a tuple, enum values and a format.
    #[test]
    fn lowering_reports_at_the_located_schemas() {
        let diagnostics = lowering_diagnostics(
            "located",
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      discriminator: {propertyName: kind}
      properties: {kind: {type: string}}
    Cat:
      allOf: [{$ref: '#/components/schemas/Pet'}]
      oneOf: [{type: object}, {type: string}]
    Mixed:
      allOf:
        - type: string
        - properties: {a: {type: string}}
    Pair:
      allOf:
        - $ref: '#/components/schemas/Word'
        - properties: {b: {type: string}}
    Word: {type: string}
    Never: {not: {type: string}}
    Tuple: {type: array, items: [{type: string}]}
    Kinds: {type: string, enum: [a-b, a_b]}
    Stamp: {type: string, format: weird}
",
        );
        let expected = [
            "8:7 a `discriminator` over a branch that is not a `$ref` to an object schema is not supported yet; the union is read untagged",
            "15:11 an `allOf` part that is not an object is not supported yet; the value is kept as untyped JSON",
            "21:5 an `allOf` part that is not an object is not supported yet; the value is kept as untyped JSON",
            "22:13 `not` is not supported yet; the value is kept as untyped JSON",
            "23:26 `items` as a list of schemas is not supported yet; the value is kept as untyped JSON",
            "24:39 enum values `a-b` and `a_b` both want the variant name `AB`; this one is named `AB2`",
            "25:35 string format `weird` has no Rust type of its own; its values are `String`",
        ];
        assert_eq!(diagnostics, expected);
    }

    /// A diagnostic about an enum value points at that value, `null`s before it counted (they
    /// were not, and a clash was shown at the value before the one it is about).
    #[test]
    fn enum_values_after_a_null_are_located_at_themselves() {
        let diagnostics = lowering_diagnostics(
            "enum-null",
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Kinds: {type: string, nullable: true, enum: [null, a-b, a_b]}
",
        );
        assert_eq!(
            diagnostics,
            ["6:61 enum values `a-b` and `a_b` both want the variant name `AB`; this one is named `AB2`"]
        );
    }

    /// A single root keeps every type in `types`, whatever its file.
    #[test]
    fn a_single_root_keeps_its_types_in_types() {
        for roots in [vec![], vec![root("sync", "sync.yaml")]] {
            let mut space = space(&[SYNC, SHARED]);
            space.assign_modules(&roots);
            assert_eq!(paths(&space), ["Rooms", "ClientEvent"]);
            assert!(space.modules().is_empty() && space.module_docs.is_empty());
        }
    }

    /// Adding a root (before the others, with a type of its own) moves no type.
    #[test]
    fn adding_a_root_moves_no_type() {
        let mut before = space(&[SYNC, STATE, SHARED]);
        before.assign_modules(&[root("sync", "sync.yaml"), root("room_state", "room_state.yaml")]);
        let mut after = space(&[("Capabilities", "capabilities.yaml", "/paths/~1c/get"), SYNC, STATE, SHARED]);
        after.assign_modules(&[
            root("capabilities", "capabilities.yaml"),
            root("sync", "sync.yaml"),
            root("room_state", "room_state.yaml"),
        ]);
        assert_eq!(paths(&after)[1..], paths(&before)[..]);
        assert_eq!(paths(&after)[0], "capabilities::Capabilities");
    }

    /// Dotted keys: of one root, namespaces as always, bundled files' keys too; of several,
    /// a root's declared keys are namespaces below its module, with the prefix shared by that
    /// root's keys only, and a bundled file's dotted key (`m.room.member`) is not one.
    #[test]
    fn dotted_keys_are_namespaces_below_the_module_of_their_root() {
        let pod = ("IoK8sApiCoreV1Pod", "core.yaml", "/definitions/io.k8s.api.core.v1.Pod");
        let spec = ("IoK8sApiCoreV1PodSpec", "core.yaml", "/definitions/io.k8s.api.core.v1.Pod/properties/spec");
        let meta =
            ("IoK8sApimachineryMetaV1ObjectMeta", "core.yaml", "/definitions/io.k8s.apimachinery.meta.v1.ObjectMeta");
        let other = ("OrgExampleV1Thing", "other.yaml", "/definitions/org.example.v1.Thing");
        let member = ("MRoomMember", "../event-schemas/m.room.member.yaml", "/definitions/m.room.member");
        let name = ("MRoomName", "../event-schemas/m.room.name.yaml", "/definitions/m.room.name");

        let mut one = space(&[pod, spec, meta]);
        one.assign_modules(&[]);
        assert_eq!(paths(&one), ["api::core::v1::Pod", "api::core::v1::PodSpec", "apimachinery::meta::v1::ObjectMeta"]);
        let mut bundled = space(&[member, name]);
        bundled.assign_modules(&[root("core", "core.yaml")]);
        assert_eq!(paths(&bundled), ["room::Member", "room::Name"]);

        let mut several = space(&[pod, spec, meta, other, member, name]);
        several.assign_modules(&[root("core", "core.yaml"), root("other", "other.yaml")]);
        assert_eq!(
            paths(&several),
            [
                "core::api::core::v1::Pod",
                "core::api::core::v1::PodSpec",
                "core::apimachinery::meta::v1::ObjectMeta",
                // One dotted key in its root: no namespace, the root's module.
                "other::OrgExampleV1Thing",
                "MRoomMember",
                "MRoomName",
            ]
        );
        let doc =
            |path: &[&str]| several.module_docs[&path.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()].clone();
        assert_eq!(
            doc(&["core", "api", "core"]),
            ModuleDoc::Declaration("The types of the namespace `api.core`.".into())
        );
        assert_eq!(
            doc(&["core"]),
            ModuleDoc::File(
                "The core API\n\nThe types written in `core.yaml`; those of the files it refers to are in `types`."
                    .into()
            )
        );
    }
}
