//! Emits what the config's type options add to `types.rs`: open string enums (decision 28)
//! and the types of string formats (decision 29).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::doc_attrs;
use super::types::ident;
use crate::lower::formats::FormatTy;
use crate::lower::types::StringEnum;

/// How a format's type is spelled.
pub fn format_tokens(format: FormatTy) -> TokenStream {
    match format {
        FormatTy::Bytes => quote!(::specgen_runtime::Base64),
        FormatTy::IntOrString => quote!(::specgen_runtime::IntOrString),
        FormatTy::ChronoDateTime => quote!(::chrono::DateTime<::chrono::FixedOffset>),
        FormatTy::ChronoDate => quote!(::chrono::NaiveDate),
        FormatTy::TimeDateTime => quote!(::specgen_runtime::formats::Rfc3339),
        FormatTy::TimeDate => quote!(::time::Date),
    }
}

/// An open string enum: the listed values, and `other`, which holds any value the spec does
/// not list, so a server that adds a value does not break a client reading it.
///
/// What the enum alone knows is written out: its variants, `ALL` and `as_str`. What every
/// open enum shares (`known`, reading, writing, comparing, hashing, `normalized`) is the
/// runtime's `open_enum!` over them: on GitHub's REST API those impls were a fifth of
/// `types.rs`, and read the same for each of its 1,981 open enums.
///
/// Each item is behind `gate` (the enum's `#[cfg]`, or nothing).
pub fn open_enum(name: &Ident, doc: TokenStream, gate: &TokenStream, e: &StringEnum, other: &str) -> TokenStream {
    let other = ident(other);
    let variants = e.variants.iter().map(|v| {
        let ident = ident(&v.rust);
        let doc = doc_attrs(&format!("`{}`", v.wire));
        quote! { #doc #ident, }
    });
    let idents: Vec<Ident> = e.variants.iter().map(|v| ident(&v.rust)).collect();
    let wires: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
    let string = quote!(::std::string::String);
    let other_doc = doc_attrs(&format!(
        "A value the spec does not list, as it was read. A listed value is never read as\n`{other}`; one built as `{other}` is the same value as its variant: written,\ncompared and hashed by its wire value."
    ));
    quote! {
        #gate
        #doc
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#variants)*
            #other_doc
            #other(#string),
        }

        #gate
        impl #name {
            /// Every listed value, in the order the spec lists them.
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::#other(value) => value,
                }
            }
        }

        #gate
        ::specgen_runtime::open_enum!(#name, #other);
    }
}
