//! Emits `types.rs`: one Rust item per entry of the type space.
//!
//! Every std, core and serde item is named by its absolute path (`::std::string::String`,
//! `::serde::Serialize`): a schema may be called `String`, `Option` or `Result`, and the
//! types module holds it beside the code that uses the real ones.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, paragraphs};
use crate::lower::types::{Field, Rest, StringEnum, Struct, Ty, TypeEntry, TypeKind, TypeSpace};

/// The identifier `name`. Lowering only hands out valid identifiers; should one not be (a
/// keyword, a character Rust does not allow), it is made one rather than panicking, and the
/// printed crate still parses.
pub fn ident(name: &str) -> Ident {
    if syn::parse_str::<Ident>(name).is_ok() {
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
pub fn is_ident(name: &str) -> bool {
    syn::parse_str::<Ident>(name).is_ok()
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

/// The file of one types module, `src/types.rs` or `src/types/<a>/<b>.rs`.
pub fn module_path(module: &[String]) -> String {
    if module.is_empty() {
        "src/types.rs".to_owned()
    } else {
        format!("src/types/{}.rs", module.join("/"))
    }
}

/// A part of a types file: the module, and which of its types (`PART` at most); the first
/// part of a file also declares its child modules and its helpers.
pub struct TypesPart {
    pub module: Vec<String>,
    pub first: bool,
    pub ids: Vec<crate::lower::types::TypeId>,
}

/// Every part of every types module, in file order.
pub fn parts(space: &TypeSpace) -> Vec<TypesPart> {
    let mut modules = vec![Vec::new()];
    modules.extend(space.modules());
    let mut out = Vec::new();
    for module in modules {
        let ids: Vec<_> = space.ids().filter(|&id| space.get(id).module == module).collect();
        let mut chunks = ids.chunks(PART).map(<[_]>::to_vec).collect::<Vec<_>>();
        if chunks.is_empty() {
            chunks.push(Vec::new());
        }
        for (i, ids) in chunks.into_iter().enumerate() {
            out.push(TypesPart { module: module.clone(), first: i == 0, ids });
        }
    }
    out
}

/// The tokens of one part of a types file.
pub fn emit_part(space: &TypeSpace, part: &TypesPart) -> TokenStream {
    let module = part.module.as_slice();
    let items = part.ids.iter().map(|&id| item(space.get(id), space, module));
    if !part.first {
        return quote!(#(#items)*);
    }
    let depth = module.len();
    let children: Vec<Vec<String>> =
        space.modules().into_iter().filter(|m| m.len() == depth + 1 && m.starts_with(module)).collect();
    let children = children.iter().map(|child| {
        let name = ident(&child[depth]);
        let doc = format!(" The types of the namespace `{}`.", child.join("."));
        quote! { #[doc = #doc] pub mod #name; }
    });
    let double_options = space.entries.iter().filter(|e| e.module == module).any(|e| match &e.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| !f.required && matches!(f.ty, Ty::Nullable(_))),
        _ => false,
    });
    let deserialize_some = double_options.then(deserialize_some);
    quote! {
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

fn item(entry: &TypeEntry, space: &TypeSpace, module: &[String]) -> TokenStream {
    let doc = type_doc(entry);
    let name = ident(&entry.name);
    match &entry.kind {
        TypeKind::Struct(s) => structure(&name, doc, s, space, module),
        TypeKind::Enum(e) => string_enum(&name, doc, e),
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(ty, space, Place::In(module));
            quote! { #doc pub type #name = #ty; }
        }
        TypeKind::Newtype(ty) => {
            let ty = ty_tokens(ty, space, Place::In(module));
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
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
            let ty = ty_tokens(ty, space, Place::In(module));
            let rest = quote! {
                /// The members the schema does not declare, kept as they were read, so the
                /// value is written back whole.
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

fn string_enum(name: &Ident, doc: TokenStream, e: &StringEnum) -> TokenStream {
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
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(#variants)*
        }

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

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // `<Self as FromStr>::Err`: a variant may be called `Err`.
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
