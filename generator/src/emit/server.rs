//! Emits `server.rs` (behind the `server` feature): the `Api` trait with one method per
//! operation, each answering `501` until implemented, and the table of endpoints that
//! `specgen_runtime::server::Router` serves.
//!
//! Routing, credentials, bodies, timeouts and error bodies live in the runtime; what is
//! emitted here is what the spec determines: the methods, and one small closure per
//! operation that hands the typed request to its method.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::endpoints::endpoint_doc;
use super::types::ident;
use crate::lower::operations::Operation;
use crate::lower::Model;

pub fn emit(model: &Model) -> TokenStream {
    let methods = model.operations.iter().map(|op| {
        let cfg = super::features::operation(model, op);
        let method = trait_method(op, model);
        quote!(#cfg #method)
    });
    let order = route_order(&model.operations);
    // Per-tag features (decision 33): one statement per route, each gated.
    let (allow, body) = if model.features.is_some() {
        let routes = order.into_iter().map(|op| (op, route(op))).collect();
        (quote!(#[allow(clippy::let_and_return)]), super::features::router_body(model, routes))
    } else {
        (TokenStream::new(), chained(order.into_iter().map(route).collect()))
    };
    quote! {
        pub use ::specgen_runtime::server::Context;

        /// The API as a server implements it: one method per operation, each given the
        /// request's [`Context`] (headers, extensions, peer address), the credential its
        /// security scheme names and the typed request.
        ///
        /// Implement it with `async fn`s; a method that does not need the context names it
        /// `_: &Context`. A method left out answers `501 Not Implemented`, so a server
        /// implements only what it needs; [`router`] serves an implementation.
        pub trait Api: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }

        /// The API served by `api`: a table of its endpoints that the runtime routes.
        ///
        /// `.serve(listener)` serves it over HTTP/1.1, shedding clients that send too slowly
        /// or not at all; `.with_config(..)` changes limits and timeouts; `.into_axum()` makes
        /// an `axum::Router` of it. An unknown path is answered with `404`, a known path with
        /// another method with `405` (`HEAD` is answered like `GET`, without the body), a
        /// missing credential with `401` and a request that does not parse with `400`, each
        /// with the API's error body ([`crate::ERROR_FORMAT`]).
        #allow
        pub fn router<A: Api>(api: ::std::sync::Arc<A>) -> ::specgen_runtime::server::Router<A> {
            #body
        }
    }
}

/// How many routes one method chain adds at most. Parsing, printing and compiling a chain
/// nest one level per call: a chain of every route of a spec of thousands of operations
/// (Microsoft Graph's 5,000) overflowed the printer's stack.
const ROUTES_PER_CHAIN: usize = 256;

/// The body of `router` without gated routes: the routes as chains of at most
/// [`ROUTES_PER_CHAIN`] calls, each a statement but the last, which is the value returned.
fn chained(routes: Vec<TokenStream>) -> TokenStream {
    let mut chains = routes.chunks(ROUTES_PER_CHAIN);
    let first = chains.next().unwrap_or_default();
    let rest: Vec<&[TokenStream]> = chains.collect();
    let start = quote!(::specgen_runtime::server::Router::new(api, crate::ERROR_FORMAT));
    let Some((last, middle)) = rest.split_last() else {
        return quote!(#start #(#first)*);
    };
    quote! {
        let router = #start #(#first)*;
        #(let router = router #(#middle)*;)*
        router #(#last)*
    }
}

/// The operations in the order their routes are added: as declared, but where several share
/// a method and path (the runtime tries them in the order added), the one with more required
/// parameters and body first, so a request that fits it is not taken by a looser one.
fn route_order(operations: &[Operation]) -> Vec<&Operation> {
    let shape = |op: &Operation| {
        let mut out = String::new();
        let mut in_variable = false;
        for c in op.path.chars() {
            match c {
                '{' => {
                    in_variable = true;
                    out.push_str("{}");
                }
                '}' => in_variable = false,
                _ if in_variable => {}
                _ => out.push(c),
            }
        }
        (op.method.clone(), out)
    };
    // Fixed query pairs are required too: such an operation is tried before the one without.
    let required = |op: &Operation| {
        op.parameters.iter().filter(|p| p.required).count()
            + usize::from(op.body.as_ref().is_some_and(|b| b.required))
            + op.query.len()
    };
    let mut first: std::collections::BTreeMap<(String, String), usize> = std::collections::BTreeMap::new();
    let mut keyed: Vec<(usize, std::cmp::Reverse<usize>, usize, &Operation)> = Vec::new();
    for (i, op) in operations.iter().enumerate() {
        let group = *first.entry(shape(op)).or_insert(i);
        keyed.push((group, std::cmp::Reverse(required(op)), i, op));
    }
    keyed.sort_by_key(|(group, required, i, _)| (*group, *required, *i));
    keyed.into_iter().map(|(.., op)| op).collect()
}

fn trait_method(op: &Operation, model: &Model) -> TokenStream {
    let doc = doc_attrs(&endpoint_doc(op, model));
    let name = ident(&op.api_method);
    let wire_name = &op.api_method;
    let module = super::endpoints::module_path(op);
    let credential = op.security.as_ref().map(|s| {
        let ty = if s.is_single() {
            let ty = ident(&s.credential);
            quote!(#ty)
        } else {
            quote!(#module::Credentials)
        };
        if s.optional {
            quote!(credential: ::std::option::Option<crate::endpoints::#ty>,)
        } else {
            quote!(credential: crate::endpoints::#ty,)
        }
    });
    let unused =
        if op.security.is_some() { quote!((context, credential, request)) } else { quote!((context, request)) };
    // Clippy expects `new` and `from_*` to take no `self` and `into_*` to take `self`: an
    // operation may be called so, and its method takes `&self` like every other.
    let method = &op.api_method;
    let convention = method == "new" || method.starts_with("from_") || method.starts_with("into_");
    let allow = convention.then(|| quote!(#[allow(clippy::wrong_self_convention)]));
    quote! {
        #doc
        #allow
        fn #name(
            &self,
            context: &::specgen_runtime::server::Context,
            #credential
            request: crate::endpoints::#module::Request,
        ) -> impl ::std::future::Future<Output = ::std::result::Result<crate::endpoints::#module::Response, ::specgen_runtime::ApiError>> + ::std::marker::Send {
            let _ = #unused;
            ::specgen_runtime::server::not_implemented(crate::ERROR_FORMAT, #wire_name)
        }
    }
}

/// `.route(...)` for one operation: a closure handing the typed request, and the credential
/// the runtime matched, to the trait method.
fn route(op: &Operation) -> TokenStream {
    let name = ident(&op.api_method);
    let module = super::endpoints::module_path(op);
    let request = quote!(request: crate::endpoints::#module::Request);
    match &op.security {
        None => quote! {
            .route(|api: ::std::sync::Arc<A>, context: ::specgen_runtime::server::Context, #request| async move {
                api.#name(&context, request).await
            })
        },
        Some(s) if !s.is_single() => {
            // The variant of the alternative that matched, its credentials taken from the context.
            let arms = s.alternatives.iter().zip(super::endpoints::credential_variants(s)).enumerate().map(|(i, (alternative, variant))| {
                let variant = ident(&variant);
                let names: Vec<proc_macro2::Ident> = (0..alternative.len()).map(|j| ident(&format!("c{j}"))).collect();
                let gets = names.iter().map(|_| quote!(context.credential()));
                let somes = names.iter().map(|n| quote!(::std::option::Option::Some(#n)));
                quote! {
                    ::std::option::Option::Some(#i) => match (#(#gets,)*) {
                        (#(#somes,)*) => ::std::option::Option::Some(crate::endpoints::#module::Credentials::#variant(#(#names),*)),
                        _ => ::std::option::Option::None,
                    },
                }
            });
            let first = &s.scheme;
            let call = if s.optional {
                quote!(api.#name(&context, credential, request).await)
            } else {
                quote! {
                    match credential {
                        ::std::option::Option::Some(credential) => api.#name(&context, credential, request).await,
                        ::std::option::Option::None => ::std::result::Result::Err(::specgen_runtime::ApiError::missing_credential(crate::ERROR_FORMAT, #first)),
                    }
                }
            };
            quote! {
                .route(|api: ::std::sync::Arc<A>, context: ::specgen_runtime::server::Context, #request| async move {
                    let credential = match context.alternative() {
                        #(#arms)*
                        _ => ::std::option::Option::None,
                    };
                    #call
                })
            }
        }
        Some(s) => {
            let ty = ident(&s.credential);
            let (method, credential) = if s.optional {
                (quote!(route_with_optional), quote!(credential: ::std::option::Option<crate::endpoints::#ty>))
            } else {
                (quote!(route_with), quote!(credential: crate::endpoints::#ty))
            };
            quote! {
                .#method(|api: ::std::sync::Arc<A>, context: ::specgen_runtime::server::Context, #credential, #request| async move {
                    api.#name(&context, credential, request).await
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Microsoft Graph's 5,000 routes as one chain overflowed the printer's stack on a
    /// worker thread: the routes are chains of at most `ROUTES_PER_CHAIN` calls, which print
    /// on a thread with the default stack, in order, each route once.
    #[test]
    fn thousands_of_routes_print_on_a_thread_with_the_default_stack() {
        let text = std::thread::spawn(|| {
            let routes: Vec<TokenStream> =
                (0..6000).map(proc_macro2::Literal::usize_unsuffixed).map(|i| quote!(.route(#i))).collect();
            let (file, blocks) = super::super::docs::collecting(|| {
                let body = chained(routes);
                quote!(fn router(api: ()) -> Router { #body })
            });
            super::super::render(file, &blocks)
        })
        .join()
        .expect("printing does not overflow")
        .expect("the body parses");
        assert_eq!(text.matches("let router = ").count(), 6000usize.div_ceil(ROUTES_PER_CHAIN) - 1);
        let numbers: Vec<usize> =
            text.split(".route(").skip(1).map(|rest| rest[..rest.find(')').unwrap()].parse().unwrap()).collect();
        assert_eq!(numbers, (0..6000).collect::<Vec<_>>());
        assert_eq!(
            chained(vec![quote!(.route(1))]).to_string(),
            quote!(::specgen_runtime::server::Router::new(api, crate::ERROR_FORMAT).route(1)).to_string()
        );
    }
}
