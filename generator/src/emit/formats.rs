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
/// A value is one of the listed variants whenever it can be: reading, `FromStr` and `From`
/// map a listed value to its variant, never to `other`. A value built by hand as
/// `Other("a".into())` for a listed `a` is the same value as the variant: it is written as
/// `a`, and equality, hashing and ordering compare the wire value (`as_str`), so the two
/// cannot silently differ; [`Self::normalized`] gives the variant itself.
pub fn open_enum(name: &Ident, doc: TokenStream, e: &StringEnum, other: &str) -> TokenStream {
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
        #doc
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#variants)*
            #other_doc
            #other(#string),
        }

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

            /// The listed variant a value is, if any: `None` for a value the spec does not list.
            pub fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    #(#wires => ::std::option::Option::Some(Self::#idents),)*
                    _ => ::std::option::Option::None,
                }
            }

            /// The value, a listed one built as the catch-all variant made its own variant.
            pub fn normalized(self) -> Self {
                match self {
                    Self::#other(value) => Self::from(value),
                    known => known,
                }
            }

            /// The position of a listed value, after every listed one for another: the order
            /// of the derived `Ord` of a closed enum, a value the spec does not list last.
            fn rank(&self) -> (usize, &str) {
                let value = self.as_str();
                let position = Self::ALL.iter().position(|known| known.as_str() == value).unwrap_or(Self::ALL.len());
                (position, value)
            }
        }

        impl ::std::cmp::PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for #name {}

        impl ::std::hash::Hash for #name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state)
            }
        }

        impl ::std::cmp::PartialOrd for #name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(::std::cmp::Ord::cmp(self, other))
            }
        }

        impl ::std::cmp::Ord for #name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.rank().cmp(&other.rank())
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::#other(::std::borrow::ToOwned::to_owned(value)))
            }
        }

        impl ::std::convert::From<#string> for #name {
            fn from(value: #string) -> Self {
                Self::known(&value).unwrap_or(Self::#other(value))
            }
        }

        // Every string is a value of an open enum.
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, <Self as ::std::str::FromStr>::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <#string as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
