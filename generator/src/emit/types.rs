//! Emits `types.rs`: one Rust item per entry of the type space.
//!
//! Every std, core and serde item is named by its absolute path (`::std::string::String`,
//! `::serde::Serialize`): a schema may be called `String`, `Option` or `Result`, and the
//! types module holds it beside the code that uses the real ones.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{clean, doc_attrs, paragraphs, visible};
use crate::lower::features::Features;
use crate::lower::types::{Field, ModuleDoc, Rest, StringEnum, Struct, Ty, TypeEntry, TypeId, TypeKind, TypeSpace};

/// The identifier `name`. Lowering only hands out valid identifiers; should one not be (a
/// keyword, a character Rust does not allow), it is made one rather than panicking, and the
/// printed crate still parses.
pub fn ident(name: &str) -> Ident {
    if is_ident(name) {
        return Ident::new(name, Span::call_site());
    }
    let mut fixed: String = name.chars().map(|c| if unicode_ident::is_xid_continue(c) { c } else { '_' }).collect();
    if !fixed.starts_with(|c: char| unicode_ident::is_xid_start(c) || c == '_') {
        fixed.insert(0, '_');
    }
    if syn::parse_str::<Ident>(&fixed).is_err() {
        // A keyword, or `_` alone.
        fixed.push_str("_x");
    }
    Ident::new(&fixed, Span::call_site())
}

/// Whether `name` can be used as an identifier as it is (not a keyword, no other character).
/// An ASCII word that no edition reserves is one without asking `syn`: almost every name is,
/// and lexing each into tokens to ask was a sixtieth of the generator's time on Kubernetes.
pub fn is_ident(name: &str) -> bool {
    let word = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (word && name != "_" && !crate::lower::names::is_keyword(name)) || syn::parse_str::<Ident>(name).is_ok()
}

/// Where a type is spelled from.
#[derive(Clone, Copy)]
pub enum Place<'a> {
    /// Outside `types`; the tokens are the path to it (`crate::types::`).
    Outside(&'a TokenStream),
    /// Inside the module of `types` at this path (empty: `types` itself). Other modules are
    /// reached through `super::`, so the code reads the same wherever the crate mounts it.
    In(&'a [String]),
}

/// How a type is spelled from `place`.
pub fn ty_tokens(ty: &Ty, space: &TypeSpace, place: Place<'_>) -> TokenStream {
    match ty {
        Ty::String => quote!(::std::string::String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::Json => quote!(::serde_json::Value),
        Ty::Format(format) => super::formats::format_tokens(*format),
        Ty::JsonObject => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, space, place);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(inner, space, place);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Named(id) => {
            let entry = space.get(*id);
            let name = ident(&entry.name);
            match place {
                Place::Outside(prefix) => {
                    let module = entry.module.iter().map(|m| ident(m));
                    quote!(#prefix #(#module::)* #name)
                }
                Place::In(here) => {
                    let shared = here.iter().zip(&entry.module).take_while(|(a, b)| a == b).count();
                    let up = (shared..here.len()).map(|_| quote!(super::));
                    let down = entry.module[shared..].iter().map(|m| ident(m));
                    quote!(#(#up)* #(#down::)* #name)
                }
            }
        }
        Ty::Boxed(inner) => {
            let inner = ty_tokens(inner, space, place);
            quote!(::std::boxed::Box<#inner>)
        }
        Ty::Nullable(inner) => {
            let inner = ty_tokens(inner, space, place);
            quote!(::std::option::Option<#inner>)
        }
        Ty::Tuple(members) => {
            let members = members.iter().map(|m| ty_tokens(m, space, place));
            // A trailing comma, so a tuple of one is a tuple.
            quote!((#(#members,)*))
        }
    }
}

/// Types per file part: a module of thousands of types is printed in parts, in parallel.
const PART: usize = 300;

/// The file of one types module, `src/types.rs` or `src/types/<a>/<b>.rs` (each name as
/// [`super::endpoints::module_file`] writes it, so a name that is not ASCII has a file too).
pub fn module_path(module: &[String]) -> String {
    if module.is_empty() {
        "src/types.rs".to_owned()
    } else {
        format!("src/types/{}.rs", module_folder(module))
    }
}

/// `a/b` for the module `types::a::b`: its file without `.rs`, and the folder of its children.
fn module_folder(module: &[String]) -> String {
    let files: Vec<String> = module.iter().map(|m| super::endpoints::module_file(m)).collect();
    files.iter().map(|f| f.strip_suffix(".rs").unwrap_or(f)).collect::<Vec<_>>().join("/")
}

/// The `#[path]` of the child module `child` where its declaration needs one: rustc finds
/// the file of a module only for an ASCII name (E0754), and a file it found through `#[path]`
/// looks for its own children beside itself, so below a name that is not ASCII every module
/// is declared with its path. A path is relative to the folder of the declaring file.
fn child_path(child: &[String]) -> Option<String> {
    if child.iter().all(|m| m.is_ascii()) {
        return None;
    }
    Some(match child.len() {
        0 | 1 => format!("types/{}.rs", module_folder(child)),
        n => format!("{}.rs", module_folder(&child[n - 2..])),
    })
}

/// A part of a types file: the module, and which of its types (`PART` at most); the first
/// part of a file also declares its child modules and its helpers.
pub struct TypesPart {
    pub module: Vec<String>,
    pub first: bool,
    pub ids: Vec<crate::lower::types::TypeId>,
    /// The whole module's types, for the first part (which declares the module's helpers).
    pub all: Vec<crate::lower::types::TypeId>,
    /// The child modules, for the first part (which declares them).
    pub children: Vec<Vec<String>>,
}

/// Every part of every types module, in file order.
pub fn parts(space: &TypeSpace) -> Vec<TypesPart> {
    let modules = space.modules();
    let mut by_module: BTreeMap<&[String], Vec<TypeId>> = BTreeMap::new();
    for id in space.ids() {
        by_module.entry(space.get(id).module.as_slice()).or_default().push(id);
    }
    let mut out = Vec::new();
    for module in std::iter::once(&[][..]).chain(modules.iter().map(Vec::as_slice)) {
        let all = by_module.remove(module).unwrap_or_default();
        let depth = module.len();
        let children: Vec<Vec<String>> =
            modules.iter().filter(|m| m.len() == depth + 1 && m.starts_with(module)).cloned().collect();
        let mut chunks = all.chunks(PART).map(<[_]>::to_vec).collect::<Vec<_>>();
        if chunks.is_empty() {
            chunks.push(Vec::new());
        }
        for (i, ids) in chunks.into_iter().enumerate() {
            let first = i == 0;
            let (all, children) = if first { (all.clone(), children.clone()) } else { Default::default() };
            out.push(TypesPart { module: module.to_vec(), first, ids, all, children });
        }
    }
    out
}

/// The tokens of one part of a types file.
pub fn emit_part(space: &TypeSpace, part: &TypesPart, features: Option<&Features>) -> TokenStream {
    let module = part.module.as_slice();
    let items = part.ids.iter().map(|&id| {
        let gate = super::features::type_item(features, id);
        item(space.get(id), &gate, space, module)
    });
    if !part.first {
        return quote!(#(#items)*);
    }
    let depth = module.len();
    let children = part.children.iter().map(|child| {
        let name = ident(&child[depth]);
        let doc = match space.module_docs.get(child) {
            Some(ModuleDoc::Declaration(doc)) => doc_attrs(doc),
            Some(ModuleDoc::File(_)) | None => TokenStream::new(),
        };
        let path = child_path(child).map(|path| quote!(#[path = #path]));
        quote! { #doc #path pub mod #name; }
    });
    let double_options: Vec<TypeId> = part
        .all
        .iter()
        .copied()
        .filter(|&id| match &space.get(id).kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| !f.required && matches!(f.ty, Ty::Nullable(_))),
            _ => false,
        })
        .collect();
    let deserialize_some = (!double_options.is_empty()).then(|| {
        let cfg = super::features::any_type(features, double_options);
        let helper = deserialize_some();
        quote!(#cfg #helper)
    });
    let file_doc = match space.module_docs.get(module) {
        Some(ModuleDoc::File(doc)) => {
            let lines: Vec<String> =
                clean(doc).lines().map(|l| format!(" {}", visible(l)).trim_end().to_owned()).collect();
            quote!(#(#![doc = #lines])*)
        }
        Some(ModuleDoc::Declaration(_)) | None => TokenStream::new(),
    };
    quote! {
        #file_doc
        #(#children)*
        #(#items)*
        #deserialize_some
    }
}

fn deserialize_some() -> TokenStream {
    quote! {
        /// Reads a present value, `null` included, as `Some`, so an optional nullable field
        /// tells an absent value (`None`) from a `null` one (`Some(None)`).
        fn deserialize_some<'de, T, D>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
        where
            T: ::serde::Deserialize<'de>,
            D: ::serde::Deserializer<'de>,
        {
            T::deserialize(deserializer).map(::std::option::Option::Some)
        }
    }
}

fn type_doc(entry: &TypeEntry) -> TokenStream {
    let origin = entry.origin.as_ref().map(|o| format!("Generated from `{}#{}`.", o.file, o.pointer));
    doc_attrs(&paragraphs([entry.doc.as_deref(), origin.as_deref()]))
}

/// The items of a type, each behind `gate` (its `#[cfg]`, or nothing): an enum's impls are
/// gated with it.
fn item(entry: &TypeEntry, gate: &TokenStream, space: &TypeSpace, module: &[String]) -> TokenStream {
    let doc = type_doc(entry);
    let name = ident(&entry.name);
    match &entry.kind {
        TypeKind::Struct(s) => {
            let structure = structure(&name, doc, s, space, module);
            quote!(#gate #structure)
        }
        TypeKind::Enum(e) => string_enum(&name, doc, gate, e),
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(ty, space, Place::In(module));
            quote! { #gate #doc pub type #name = #ty; }
        }
        TypeKind::Newtype(ty) => {
            let allow = allow_complexity(complexity(ty, 1));
            let ty = ty_tokens(ty, space, Place::In(module));
            quote! {
                #gate
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(#allow pub #ty);
            }
        }
        TypeKind::Union(u) => super::unions::union(&name, doc, gate, u, space, module),
        TypeKind::Pending => TokenStream::new(),
    }
}

fn structure(name: &Ident, doc: TokenStream, s: &Struct, space: &TypeSpace, module: &[String]) -> TokenStream {
    let fields = s.fields.iter().map(|f| field(f, space, module));
    let all_optional = s.fields.iter().all(|f| !f.required);
    let default = all_optional.then(|| quote!(Default,));
    let (rest, deny) = match &s.rest {
        Rest::Kept { rust, ty } => {
            let field = ident(rust);
            let allow = allow_complexity(complexity(&Ty::Map(Box::new(ty.clone())), 1));
            let ty = ty_tokens(ty, space, Place::In(module));
            let rest = quote! {
                /// The members the schema does not declare, kept as they were read, so the
                /// value is written back whole.
                #allow
                #[serde(flatten)]
                pub #field: ::std::collections::BTreeMap<::std::string::String, #ty>,
            };
            (Some(rest), None)
        }
        // `additionalProperties: false`: other members are refused, never dropped.
        Rest::Refused => (None, Some(quote!(#[serde(deny_unknown_fields)]))),
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        #deny
        pub struct #name {
            #(#fields)*
            #rest
        }
    }
}

fn field(f: &Field, space: &TypeSpace, module: &[String]) -> TokenStream {
    let default = f.default.as_ref().map(|d| format!("Default: `{d}`."));
    let fallback = format!("`{}`", f.wire);
    let text = paragraphs([f.doc.as_deref().or(Some(fallback.as_str())), default.as_deref()]);
    let doc = doc_attrs(&text);
    let name = ident(&f.rust);
    let rename = (f.rust != f.wire).then(|| {
        let wire = &f.wire;
        quote!(#[serde(rename = #wire)])
    });
    let ty = ty_tokens(&f.ty, space, Place::In(module));
    // The optional field's `Option` counts too.
    let allow = allow_complexity(if f.required { complexity(&f.ty, 1) } else { 10 + complexity(&f.ty, 2) });
    let doc = quote!(#doc #allow);
    if f.required {
        quote! { #doc #rename pub #name: #ty, }
    } else if matches!(f.ty, Ty::Nullable(_)) {
        // `Option<Option<T>>`: absent is `None`, `null` is `Some(None)`.
        quote! {
            #doc
            #rename
            #[serde(default, deserialize_with = "deserialize_some", skip_serializing_if = "::std::option::Option::is_none")]
            pub #name: ::std::option::Option<#ty>,
        }
    } else {
        quote! {
            #doc
            #rename
            #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
            pub #name: ::std::option::Option<#ty>,
        }
    }
}

/// clippy's default `type-complexity-threshold`: a field whose type scores more is refused by
/// `clippy::type_complexity` unless allowed.
const TYPE_COMPLEXITY: u64 = 250;

/// clippy's `type_complexity` score (its `TypeComplexityVisitor`) of `ty` spelled at depth
/// `nest` (1 for a field's type):
/// every path and tuple counts ten times its depth, its generic arguments one deeper. A map of
/// maps of objects (Matrix's `failures`, user → device → error) is what the spec says, with
/// no shorter spelling the generator could choose, so such a field allows the lint.
fn complexity(ty: &Ty, nest: u64) -> u64 {
    let here = 10 * nest;
    match ty {
        Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Json | Ty::Named(_) => here,
        // `chrono::DateTime<chrono::FixedOffset>` counts its argument.
        Ty::Format(crate::lower::formats::FormatTy::ChronoDateTime) => here + 10 * (nest + 1),
        Ty::Format(_) => here,
        // `Map<String, Value>`, `BTreeMap<String, T>`.
        Ty::JsonObject => here + 2 * 10 * (nest + 1),
        Ty::Map(inner) => here + 10 * (nest + 1) + complexity(inner, nest + 1),
        Ty::Vec(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => here + complexity(inner, nest + 1),
        Ty::Tuple(members) => here + members.iter().map(|m| complexity(m, nest + 1)).sum::<u64>(),
    }
}

/// `#[allow(clippy::type_complexity)]` for a field whose type scores `score`, if it is over the
/// threshold.
fn allow_complexity(score: u64) -> Option<TokenStream> {
    (score > TYPE_COMPLEXITY).then(|| quote!(#[allow(clippy::type_complexity)]))
}

fn string_enum(name: &Ident, doc: TokenStream, gate: &TokenStream, e: &StringEnum) -> TokenStream {
    if let Some(other) = &e.other {
        return super::formats::open_enum(name, doc, gate, e, other);
    }
    let variants = e.variants.iter().map(|v| {
        let ident = ident(&v.rust);
        let wire = &v.wire;
        let doc = doc_attrs(&format!("`{wire}`"));
        let rename = (v.rust != v.wire).then(|| quote!(#[serde(rename = #wire)]));
        quote! { #doc #rename #ident, }
    });
    let idents: Vec<Ident> = e.variants.iter().map(|v| ident(&v.rust)).collect();
    let wires: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
    let unknown = quote!(::specgen_runtime::UnknownVariant);
    quote! {
        #gate
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(#variants)*
        }

        #gate
        impl #name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The value as it is written on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(Self::#idents => #wires,)*
                }
            }
        }

        #gate
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // `<Self as FromStr>::Err`: a variant may be called `Err`.
        #gate
        impl ::std::str::FromStr for #name {
            type Err = #unknown;

            fn from_str(value: &str) -> ::std::result::Result<Self, <Self as ::std::str::FromStr>::Err> {
                match value {
                    #(#wires => ::std::result::Result::Ok(Self::#idents),)*
                    _ => ::std::result::Result::Err(#unknown {
                        value: ::std::borrow::ToOwned::to_owned(value),
                        expected: &[#(#wires),*],
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::types::{Field, Rest, Struct, TypeEntry};

    /// The quick answer for ASCII words is `syn`'s answer, and every other name still gets it.
    #[test]
    fn identifiers_are_what_syn_accepts() {
        for name in [
            "pet", "Pet", "_x", "x1", "type_", "_", "type", "Self", "self", "r", "gen", "async", "try", "union",
            "café", "名前", "1x", "a-b", "", "a b", "r#type", "x\u{0}",
        ] {
            assert_eq!(is_ident(name), syn::parse_str::<Ident>(name).is_ok(), "{name}");
        }
        assert_eq!(ident("type").to_string(), "type_x");
        assert_eq!(ident("a-b").to_string(), "a_b");
        assert_eq!(ident("gen").to_string(), "gen");
    }

    fn optional(name: &str, ty: Ty) -> Field {
        Field { wire: name.into(), rust: name.into(), ty, required: false, doc: None, default: None }
    }

    /// A module whose name, or whose parent's, is not ASCII is declared with its path,
    /// relative to the declaring file's folder (a file found through `#[path]` looks for its
    /// children beside itself); the files are where [`module_path`] writes them.
    #[test]
    fn modules_below_a_name_that_is_not_ascii_are_declared_with_their_paths() {
        let module = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(child_path(&module(&["sync"])), None);
        assert_eq!(child_path(&module(&["api", "v1"])), None);
        assert_eq!(child_path(&module(&["räume"])).as_deref(), Some("types/r-e4-ume.rs"));
        assert_eq!(child_path(&module(&["räume", "a"])).as_deref(), Some("r-e4-ume/a.rs"));
        assert_eq!(child_path(&module(&["räume", "a", "b"])).as_deref(), Some("a/b.rs"));
        assert_eq!(module_path(&module(&["räume", "a", "b"])), "src/types/r-e4-ume/a/b.rs");
    }

    /// A field clippy's `type_complexity` refuses (Matrix's `failures`, a map of maps of
    /// objects, optional: 270) allows it; one a level shallower (170) does not need to.
    #[test]
    fn only_a_field_clippy_finds_too_complex_allows_it() {
        let deep = Ty::Map(Box::new(Ty::Map(Box::new(Ty::JsonObject))));
        let shallow = Ty::Map(Box::new(Ty::JsonObject));
        assert_eq!((10 + complexity(&deep, 2), 10 + complexity(&shallow, 2)), (270, 170));
        let fields = vec![optional("failures", deep), optional("others", shallow)];
        let entry = TypeEntry {
            name: "Response".into(),
            module: Vec::new(),
            doc: None,
            origin: None,
            kind: TypeKind::Struct(Struct { fields, rest: Rest::Refused }),
            basis: Default::default(),
        };
        let mut space = TypeSpace::default();
        space.entries.push(entry.clone());
        let printed = item(&entry, &TokenStream::new(), &space, &[]).to_string();
        assert_eq!(printed.matches("type_complexity").count(), 1, "{printed}");
        let allowed = printed.split("pub failures").next().unwrap_or_default();
        assert!(allowed.contains("type_complexity"), "{printed}");
    }
}
