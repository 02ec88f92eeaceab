//! The `#[cfg(feature = ...)]` attributes and the `[features]` entries of a crate generated
//! with per-tag features (decision 33; the sets are [`crate::lower::features`]'s). Without
//! them every function here adds nothing, so such a crate is printed as before.

use proc_macro2::TokenStream;
use quote::quote;

use crate::lower::features::Features;
use crate::lower::operations::Operation;
use crate::lower::types::TypeId;
use crate::lower::Model;

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]`; nothing for none.
fn cfg(features: &[&str]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// The attribute gating the items of `op`: its endpoint module, `Api` method, route and tests.
pub fn operation(model: &Model, op: &Operation) -> TokenStream {
    let feature = model.features.as_ref().and_then(|f| f.of_operation(op));
    cfg(feature.as_slice())
}

/// The attribute gating the type `id`.
pub fn type_item(features: Option<&Features>, id: TypeId) -> TokenStream {
    match features.and_then(|f| f.of_type(id)) {
        Some(names) => cfg(&names),
        None => TokenStream::new(),
    }
}

/// The attribute gating an item used by each of `users` (types): nothing if one of them is
/// always compiled, else any of their features.
pub fn any_type(features: Option<&Features>, users: impl IntoIterator<Item = TypeId>) -> TokenStream {
    let Some(features) = features else { return TokenStream::new() };
    let mut names = std::collections::BTreeSet::new();
    for id in users {
        match features.of_type(id) {
            Some(of) => names.extend(of),
            None => return TokenStream::new(),
        }
    }
    cfg(&names.into_iter().collect::<Vec<_>>())
}

/// The attribute gating an item used by the tests of each of `users` (operations).
pub fn any_operation<'a>(model: &Model, users: impl IntoIterator<Item = &'a Operation>) -> TokenStream {
    let Some(features) = &model.features else { return TokenStream::new() };
    let names: std::collections::BTreeSet<&str> =
        users.into_iter().filter_map(|op| features.of_operation(op)).collect();
    cfg(&names.into_iter().collect::<Vec<_>>())
}

/// The body of `server::router` when routes are gated: a method chain cannot carry
/// `#[cfg]`, so each route is a statement of its own, in the order given.
pub fn router_body(model: &Model, routes: Vec<(&Operation, TokenStream)>) -> TokenStream {
    let steps = routes.into_iter().map(|(op, route)| {
        let cfg = operation(model, op);
        quote! {
            #cfg
            let router = router #route;
        }
    });
    quote! {
        let router = ::specgen_runtime::server::Router::new(api, crate::ERROR_FORMAT);
        #(#steps)*
        router
    }
}

/// The `[features]` entries beyond `server` and `client`: `default` turns `all` on, and
/// `all` every tag's feature, so a plain `cargo build` compiles the whole crate.
pub fn manifest_entries(features: &Features) -> Vec<(String, toml::Value)> {
    let list = |items: &[String]| toml::Value::Array(items.iter().map(|s| toml::Value::from(s.as_str())).collect());
    let mut out = vec![("default".to_owned(), list(&["all".to_owned()])), ("all".to_owned(), list(&features.names))];
    out.extend(features.names.iter().map(|name| (name.clone(), list(&[]))));
    out
}

/// The crate doc's paragraph on the tag features.
pub fn usage(features: &Features) -> String {
    let first = features.names.first().map(String::as_str).unwrap_or("a_tag");
    format!(
        "Each tag of the spec is a feature (`Cargo.toml` lists them), gating its operations and the types only they use; `default` turns them all on. A crate that needs one group depends on this one with `default-features = false, features = [\"{first}\"]`."
    )
}
