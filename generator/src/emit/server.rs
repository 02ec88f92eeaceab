//! Emits `server.rs` (behind the `server` feature): the `Api` trait with one method per
//! operation, and an `axum` router that routes, checks the credential, parses the request
//! with the endpoint types and writes the handler's response or error.
//!
//! The spec-independent part (`templates/server.rs`: [`ServerConfig`-style limits, the
//! connection loop on hyper with its header, idle and body timeouts, body reading) is kept
//! as Rust source beside this emitter and printed into the file like the rest.
//!
//! The router does its own routing over the endpoints' path templates (one `fallback`
//! handler) instead of registering `axum` routes: any template the spec has, including ones
//! `axum` would reject or find conflicting, can then neither panic at startup nor be
//! matched differently from `endpoints::*::Request::try_from_http_request`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::endpoints::endpoint_doc;
use super::types::ident;
use crate::lower::operations::{CredentialKind, Operation, ParamLocation};
use crate::lower::Model;

/// The spec-independent server runtime: configuration, connection loop, body reading.
const RUNTIME: &str = include_str!("templates/server.rs");

pub fn emit(model: &Model) -> TokenStream {
    // The template is checked by a test below; were it broken, the generated crate says so.
    let runtime = RUNTIME.parse::<TokenStream>().unwrap_or_else(|e| {
        let message = format!("internal error: the template `templates/server.rs` is not valid Rust: {e}");
        quote!(::core::compile_error!(#message);)
    });
    let methods = model.operations.iter().map(|op| trait_method(op, model));
    let route = route(model);
    quote! {
        use crate::error::{ApiError, FromHttpRequestError};

        /// The API as a server implements it: one method per operation, each given the
        /// credential its security scheme names and the typed request.
        ///
        /// Implement it with `async fn`s; [`serve`] and [`router`] serve an implementation.
        pub trait Api: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }

        /// The largest request body read by default (1 MiB); a larger one is answered with
        /// `413`. [`ServerConfig::body_limit`] changes it.
        pub const BODY_LIMIT: usize = 1024 * 1024;

        /// An `axum` router serving `api` with the default [`ServerConfig`]: every operation at
        /// its path (base path included). An unknown path is answered with `404`, a known path
        /// with another method with `405` (`HEAD` is answered like `GET`, without the body), a
        /// missing credential with `401` and a request that does not parse with `400`, each
        /// with a JSON error body.
        ///
        /// The router applies the body limit and timeout; the header and idle timeouts are
        /// the connection's, which only [`serve`] and [`serve_with`] apply.
        pub fn router<A: Api>(api: ::std::sync::Arc<A>) -> ::axum::Router {
            router_with(api, ServerConfig::default())
        }

        /// [`router`] with the body limit and timeout of `config`.
        pub fn router_with<A: Api>(api: ::std::sync::Arc<A>, config: ServerConfig) -> ::axum::Router {
            ::axum::Router::new().fallback(dispatch::<A>).with_state(Shared { api, config })
        }

        async fn dispatch<A: Api>(
            ::axum::extract::State(shared): ::axum::extract::State<Shared<A>>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            handle(&shared, request).await
        }

        /// Answers `request`: routed to its operation, `HEAD` like `GET` without the body,
        /// else `405` or `404`.
        async fn handle<A: Api>(shared: &Shared<A>, request: ::axum::extract::Request) -> ::axum::response::Response {
            let head = request.method() == ::http::Method::HEAD;
            let path = request.uri().path().to_owned();
            let (mut request, allowed) = match route(shared, request).await {
                ::std::result::Result::Ok(response) => return response,
                ::std::result::Result::Err(unrouted) => unrouted,
            };
            if allowed.is_empty() {
                return error_response(&ApiError::not_found(&path));
            }
            if head && allowed.contains(&::http::Method::GET) {
                *request.method_mut() = ::http::Method::GET;
                return match route(shared, request).await {
                    ::std::result::Result::Ok(response) => without_body(response),
                    ::std::result::Result::Err((_, allowed)) => method_not_allowed(&::http::Method::HEAD, &allowed),
                };
            }
            method_not_allowed(request.method(), &allowed)
        }

        #route

        #runtime
    }
}

fn trait_method(op: &Operation, model: &Model) -> TokenStream {
    let doc = doc_attrs(&endpoint_doc(op, model));
    let name = ident(&op.name);
    let module = ident(&op.name);
    let credential = op.security.as_ref().map(|s| {
        let ty = ident(&s.credential);
        if s.optional {
            quote!(credential: ::std::option::Option<crate::endpoints::#ty>,)
        } else {
            quote!(credential: crate::endpoints::#ty,)
        }
    });
    quote! {
        #doc
        fn #name(
            &self,
            #credential
            request: crate::endpoints::#module::Request,
        ) -> impl ::std::future::Future<Output = ::std::result::Result<crate::endpoints::#module::Response, ApiError>> + ::std::marker::Send;
    }
}

fn route(model: &Model) -> TokenStream {
    if model.operations.is_empty() {
        return quote! {
            /// Routes `request` to its operation: this API has none.
            async fn route<A: Api>(
                _shared: &Shared<A>,
                request: ::axum::extract::Request,
            ) -> ::std::result::Result<::axum::response::Response, (::axum::extract::Request, ::std::vec::Vec<::http::Method>)> {
                ::std::result::Result::Err((request, ::std::vec::Vec::new()))
            }
        };
    }
    // Where two templates match one path (`/pets/mine`, `/pets/{id}`), the one with literal
    // segments earlier wins, as OpenAPI asks; otherwise the spec's order.
    let mut operations: Vec<&Operation> = model.operations.iter().collect();
    operations.sort_by_key(|op| op.path.split('/').map(|segment| segment.contains('{')).collect::<Vec<_>>());
    let branches = operations.into_iter().map(branch);
    quote! {
        /// Routes `request` to the operation whose path template and method match it, trying
        /// templates with literal segments before templates with parameters there. Unrouted,
        /// the request comes back with the methods its path allows (none: an unknown path).
        async fn route<A: Api>(
            shared: &Shared<A>,
            request: ::axum::extract::Request,
        ) -> ::std::result::Result<::axum::response::Response, (::axum::extract::Request, ::std::vec::Vec<::http::Method>)> {
            let path = request.uri().path().to_owned();
            let mut allowed: ::std::vec::Vec<::http::Method> = ::std::vec::Vec::new();
            #(#branches)*
            ::std::result::Result::Err((request, allowed))
        }
    }
}

/// The parameter that carries an operation's credential, read once more to refuse it when
/// it is repeated or badly encoded (`400` naming it, like any other parameter), rather than
/// treating it as absent.
fn credential_check(kind: &CredentialKind, refuse: &TokenStream) -> TokenStream {
    let (source, name) = match kind {
        CredentialKind::ApiKey { location: ParamLocation::Header, name } => {
            (quote!(crate::wire::Params::headers(request.headers())), name.as_str())
        }
        CredentialKind::ApiKey { location: ParamLocation::Cookie, name } => {
            (quote!(crate::wire::Params::cookies(request.headers())), name.as_str())
        }
        CredentialKind::ApiKey { location: ParamLocation::Query | ParamLocation::Path, name } => {
            (quote!(crate::wire::Params::query(request.uri())), name.as_str())
        }
        CredentialKind::Bearer | CredentialKind::Basic => {
            (quote!(crate::wire::Params::headers(request.headers())), "authorization")
        }
    };
    quote! {
        if let ::std::result::Result::Err(error) = #source.optional::<::std::string::String>(#name) {
            return ::std::result::Result::Ok(#refuse(&ApiError::bad_request(&error)));
        }
    }
}

fn branch(op: &Operation) -> TokenStream {
    let module = ident(&op.name);
    let method = ident(&op.name);
    let metadata = quote!(crate::endpoints::#module::METADATA);
    // The credential is checked before a body is read; the body then stays unread, so a
    // refusal closes the connection.
    let refuse = if op.body.is_some() { quote!(closing_error_response) } else { quote!(error_response) };
    let (credential, argument) = match &op.security {
        None => (TokenStream::new(), TokenStream::new()),
        Some(s) => {
            let ty = ident(&s.credential);
            let scheme = &s.scheme;
            let check = credential_check(&s.kind, &refuse);
            let extract = if s.optional {
                quote! {
                    #check
                    let credential = crate::endpoints::#ty::from_http_request(&request);
                }
            } else {
                quote! {
                    #check
                    let ::std::option::Option::Some(credential) = crate::endpoints::#ty::from_http_request(&request) else {
                        return ::std::result::Result::Ok(#refuse(&ApiError::missing_credential(#scheme)));
                    };
                }
            };
            (extract, quote!(credential,))
        }
    };
    // A request body is read only for an operation that takes one; for any other, a body is
    // refused unread (and the connection closed), so a `GET` cannot make the server read.
    let (check_body, read_body) = match &op.body {
        None => {
            let refusal = format!("`{}` takes no request body", op.name);
            let check = quote! {
                if has_body(request.headers()) {
                    let error = FromHttpRequestError::InvalidBody { reason: ::std::string::String::from(#refusal) };
                    return ::std::result::Result::Ok(closing_error_response(&ApiError::bad_request(&error)));
                }
            };
            (check, TokenStream::new())
        }
        Some(body) => {
            let media_type = &body.media_type;
            let check = quote! {
                if let ::std::option::Option::Some(error) = content_type_error(request.headers(), #media_type) {
                    return ::std::result::Result::Ok(closing_error_response(&error));
                }
            };
            let read = quote! {
                let request = match read_body(request, &shared.config).await {
                    ::std::result::Result::Ok(request) => request,
                    ::std::result::Result::Err(response) => return ::std::result::Result::Ok(response),
                };
            };
            (check, read)
        }
    };
    quote! {
        if crate::wire::matches_path(#metadata.path, &path) {
            if *request.method() == #metadata.method {
                #check_body
                #credential
                #read_body
                let request = match crate::endpoints::#module::Request::try_from_http_request(&request) {
                    ::std::result::Result::Ok(request) => request,
                    ::std::result::Result::Err(error) => return ::std::result::Result::Ok(error_response(&ApiError::bad_request(&error))),
                };
                return ::std::result::Result::Ok(match shared.api.#method(#argument request).await {
                    ::std::result::Result::Ok(response) => respond(response.try_into_http_response()),
                    ::std::result::Result::Err(error) => error_response(&error),
                });
            }
            allowed.push(#metadata.method);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_runtime_template_is_rust_items() {
        if let Err(e) = syn::parse_file(super::RUNTIME) {
            panic!("`templates/server.rs` does not parse: {e}");
        }
    }
}
