//! Emits a union ([`Union`]) as an enum of newtype variants, with `From` for each variant
//! whose type no other variant shares (decision 26).
//!
//! An untagged union derives serde's `untagged` representation, its variants in the order
//! lowering chose. A tagged one is read by its tag's value and written as its branch writes
//! itself, the tag added when the branch does not declare it: a branch that declares the tag
//! (as OpenAPI asks) reads and writes it as one of its own fields, so serde's internally
//! tagged representation, which takes the tag away from the branch and writes it again beside
//! the branch's own, would lose it on reading and repeat it on writing.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::types::{ident, ty_tokens, Place};
use crate::lower::types::{Ty, TypeKind, TypeSpace};
use crate::lower::unions::Union;

/// The union's items, each behind `gate` (its `#[cfg]`, or nothing).
pub fn union(
    name: &Ident,
    doc: TokenStream,
    gate: &TokenStream,
    u: &Union,
    space: &TypeSpace,
    module: &[String],
) -> TokenStream {
    let place = Place::In(module);
    let variants = u.variants.iter().map(|v| {
        let rust = ident(&v.rust);
        let ty = ty_tokens(&v.ty, space, place);
        quote!(#rust(#ty),)
    });
    let froms = u.variants.iter().enumerate().filter_map(|(i, v)| {
        let unique =
            u.variants.iter().enumerate().all(|(j, w)| j == i || resolved(&w.ty, space) != resolved(&v.ty, space));
        if !unique {
            return None;
        }
        let rust = ident(&v.rust);
        let ty = ty_tokens(&v.ty, space, place);
        Some(quote! {
            #gate
            impl ::std::convert::From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#rust(value)
                }
            }
        })
    });
    let Some(tag) = &u.tag else {
        return quote! {
            #gate
            #doc
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
            #(#froms)*
        };
    };
    let write = u.variants.iter().map(|v| {
        let rust = ident(&v.rust);
        let wire = v.tags.first().cloned().unwrap_or_default();
        quote!(Self::#rust(value) => (#wire, ::serde_json::to_value(value)),)
    });
    // A variant whose every value an earlier one claims is never read by its tag.
    let read = u.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
        let rust = ident(&v.rust);
        let tags = &v.tags;
        let strip = (!v.declares_tag).then(|| {
            quote! {
                if let ::serde_json::Value::Object(members) = &mut value {
                    members.remove(#tag);
                }
            }
        });
        quote! {
            #(#tags)|* => {
                #strip
                ::serde_json::from_value(value).map(Self::#rust).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    });
    let all: Vec<&String> = u.variants.iter().flat_map(|v| &v.tags).collect();
    quote! {
        #gate
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
        #(#froms)*
        #gate
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let (tag, value) = match self {
                    #(#write)*
                };
                let mut value = value.map_err(<S::Error as ::serde::ser::Error>::custom)?;
                if let ::serde_json::Value::Object(members) = &mut value {
                    members.entry(#tag).or_insert_with(|| ::serde_json::Value::from(tag));
                }
                ::serde::Serialize::serialize(&value, serializer)
            }
        }
        #gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #[allow(unused_mut)]
                let mut value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = match value.get(#tag) {
                    ::std::option::Option::Some(::serde_json::Value::String(tag)) => tag.clone(),
                    _ => return ::std::result::Result::Err(<D::Error as ::serde::de::Error>::missing_field(#tag)),
                };
                match tag.as_str() {
                    #(#read)*
                    other => ::std::result::Result::Err(<D::Error as ::serde::de::Error>::unknown_variant(other, &[#(#all),*])),
                }
            }
        }
    }
}

/// `ty` as Rust sees it, through aliases: two variants whose types are one Rust type cannot
/// both have `From`.
fn resolved(ty: &Ty, space: &TypeSpace) -> Ty {
    match ty {
        Ty::Named(id) => match &space.get(*id).kind {
            TypeKind::Alias(inner) => resolved(inner, space),
            _ => ty.clone(),
        },
        Ty::Vec(inner) => Ty::Vec(Box::new(resolved(inner, space))),
        Ty::Map(inner) => Ty::Map(Box::new(resolved(inner, space))),
        Ty::Boxed(inner) => Ty::Boxed(Box::new(resolved(inner, space))),
        Ty::Nullable(inner) => Ty::Nullable(Box::new(resolved(inner, space))),
        Ty::Tuple(members) => Ty::Tuple(members.iter().map(|m| resolved(m, space)).collect()),
        other => other.clone(),
    }
}
