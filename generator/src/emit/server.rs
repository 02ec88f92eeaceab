//! Emits `server.rs` (behind the `server` feature): the `Api` trait with one method per
//! operation, and an `axum` router that routes, checks the credential, parses the request
//! with the endpoint types and writes the handler's response or error.
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
use crate::lower::operations::Operation;
use crate::lower::Model;

pub fn emit(model: &Model) -> TokenStream {
    let methods = model.operations.iter().map(|op| trait_method(op, model));
    let dispatch = dispatch(model);
    let helpers = (!model.operations.is_empty()).then(helpers);
    quote! {
        use std::sync::Arc;

        use axum::extract::State;

        use crate::error::ApiError;

        /// The API as a server implements it: one method per operation, each given the
        /// credential its security scheme names and the typed request.
        ///
        /// Implement it with `async fn`s; [`router`] serves an implementation.
        pub trait Api: Send + Sync + 'static {
            #(#methods)*
        }

        /// The largest request body the router reads (1 MiB); a larger one is answered with
        /// `413`.
        pub const BODY_LIMIT: usize = 1024 * 1024;

        /// An `axum` router serving `api`: every operation at its path (base path included).
        /// An unknown path is answered with `404`, a known path with another method with
        /// `405`, a missing credential with `401` and a request that does not parse with `400`,
        /// each with a JSON error body.
        pub fn router<A: Api>(api: Arc<A>) -> axum::Router {
            axum::Router::new().fallback(dispatch::<A>).with_state(api)
        }

        /// Serves `api` on `listener` until the server fails.
        pub async fn serve<A: Api>(listener: tokio::net::TcpListener, api: Arc<A>) -> std::io::Result<()> {
            axum::serve(listener, router(api)).await
        }

        #dispatch

        /// The error as an `axum` response.
        fn error_response(error: &ApiError) -> axum::response::Response {
            error.to_http_response().map(axum::body::Body::from)
        }

        #helpers
    }
}

fn trait_method(op: &Operation, model: &Model) -> TokenStream {
    let doc = doc_attrs(&endpoint_doc(op, model));
    let name = ident(&op.name);
    let module = ident(&op.name);
    let credential = op.security.as_ref().map(|s| {
        let ty = ident(&s.credential);
        if s.optional {
            quote!(credential: Option<crate::endpoints::#ty>,)
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
        ) -> impl std::future::Future<Output = Result<crate::endpoints::#module::Response, ApiError>> + Send;
    }
}

fn dispatch(model: &Model) -> TokenStream {
    if model.operations.is_empty() {
        return quote! {
            async fn dispatch<A: Api>(State(_api): State<Arc<A>>, request: axum::extract::Request) -> axum::response::Response {
                error_response(&ApiError::not_found(request.uri().path()))
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
        /// templates with literal segments before templates with parameters there.
        async fn dispatch<A: Api>(State(api): State<Arc<A>>, request: axum::extract::Request) -> axum::response::Response {
            let path = request.uri().path().to_owned();
            let mut allowed: Vec<http::Method> = Vec::new();
            #(#branches)*
            if allowed.is_empty() {
                error_response(&ApiError::not_found(&path))
            } else {
                method_not_allowed(request.method(), &allowed)
            }
        }
    }
}

fn branch(op: &Operation) -> TokenStream {
    let module = ident(&op.name);
    let method = ident(&op.name);
    let metadata = quote!(crate::endpoints::#module::METADATA);
    let (credential, argument) = match &op.security {
        None => (TokenStream::new(), TokenStream::new()),
        Some(s) => {
            let ty = ident(&s.credential);
            let scheme = &s.scheme;
            let extract = if s.optional {
                quote! {
                    let credential = crate::endpoints::#ty::from_http_request(&request);
                }
            } else {
                quote! {
                    let Some(credential) = crate::endpoints::#ty::from_http_request(&request) else {
                        return error_response(&ApiError::missing_credential(#scheme));
                    };
                }
            };
            (extract, quote!(credential,))
        }
    };
    quote! {
        if crate::wire::matches_path(#metadata.path, &path) {
            if *request.method() == #metadata.method {
                let request = match read_body(request).await {
                    Ok(request) => request,
                    Err(response) => return response,
                };
                #credential
                let request = match crate::endpoints::#module::Request::try_from_http_request(&request) {
                    Ok(request) => request,
                    Err(error) => return error_response(&ApiError::bad_request(&error)),
                };
                return match api.#method(#argument request).await {
                    Ok(response) => respond(response.try_into_http_response()),
                    Err(error) => error_response(&error),
                };
            }
            allowed.push(#metadata.method);
        }
    }
}

fn helpers() -> TokenStream {
    quote! {
        /// The request with its body read, up to [`BODY_LIMIT`] bytes; a larger declared
        /// `content-length` is refused before anything is read.
        async fn read_body(request: axum::extract::Request) -> Result<http::Request<axum::body::Bytes>, axum::response::Response> {
            let declared = request
                .headers()
                .get(http::header::CONTENT_LENGTH)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse::<u64>().ok());
            if declared.is_some_and(|length| length > BODY_LIMIT as u64) {
                return Err(error_response(&ApiError::payload_too_large(BODY_LIMIT)));
            }
            let (parts, body) = request.into_parts();
            match axum::body::to_bytes(body, BODY_LIMIT).await {
                Ok(bytes) => Ok(http::Request::from_parts(parts, bytes)),
                Err(_) => Err(error_response(&ApiError::payload_too_large(BODY_LIMIT))),
            }
        }

        /// A handler's response, or `500` when it cannot be written (a header value with a line
        /// break, say).
        fn respond(response: Result<http::Response<Vec<u8>>, crate::error::IntoHttpError>) -> axum::response::Response {
            match response {
                Ok(response) => response.map(axum::body::Body::from),
                Err(error) => error_response(&ApiError::internal(error.to_string())),
            }
        }

        /// `405` with the methods the path allows in `Allow`.
        fn method_not_allowed(method: &http::Method, allowed: &[http::Method]) -> axum::response::Response {
            let mut response = error_response(&ApiError::method_not_allowed(method));
            let allow = allowed.iter().map(http::Method::as_str).collect::<Vec<_>>().join(", ");
            if let Ok(value) = http::HeaderValue::from_str(&allow) {
                response.headers_mut().insert(http::header::ALLOW, value);
            }
            response
        }
    }
}
