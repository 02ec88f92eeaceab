//! Emits `client.rs` (behind the `client` feature): a `reqwest` client with a setter per
//! credential and one async method per operation, each writing the request with the
//! endpoint types and reading the response back with them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::endpoints::{endpoint_doc, own_doc};
use super::types::ident;
use crate::lower::operations::{Credential, Operation};
use crate::lower::Model;

pub fn emit(model: &Model) -> TokenStream {
    let fields = model.credentials.iter().map(|c| {
        let field = ident(&c.field);
        let ty = ident(&c.rust);
        let doc = format!(" The `{}` credential, sent to the endpoints that ask for it.", c.scheme);
        quote! { #[doc = #doc] #field: Option<crate::endpoints::#ty>, }
    });
    let inits = model.credentials.iter().map(|c| {
        let field = ident(&c.field);
        quote!(#field: None,)
    });
    let setters = model.credentials.iter().map(setters);
    let methods = model.operations.iter().map(|op| method(op, model));
    let send = (!model.operations.is_empty()).then(send);
    let server = model.info.server.as_deref().map(|s| format!(" The spec names the server `{s}`.")).unwrap_or_default();
    let base_path = if model.info.base_path.is_empty() {
        String::new()
    } else {
        format!(" Every endpoint's path already starts with the base path `{}`.", model.info.base_path)
    };
    let new_doc = own_doc(&format!(
        "A client of the server at `base_url`, its scheme and authority (`https://example.org`).{base_path}{server}\n\n# Panics\n\nWhen no TLS backend can be initialised, as [`reqwest::Client::new`]."
    ));
    quote! {
        use crate::error::{ApiError, FromHttpResponseError, IntoHttpError};

        /// A client of the API: one method per operation.
        #[derive(Debug, Clone)]
        pub struct Client {
            http: reqwest::Client,
            base_url: String,
            #(#fields)*
        }

        /// Why a call failed.
        #[derive(Debug)]
        pub enum ClientError {
            /// The request cannot be written (an invalid base URL or header value).
            Request(IntoHttpError),
            /// The endpoint asks for a credential the client has not been given.
            MissingCredential {
                /// The security scheme's name in the spec.
                scheme: &'static str,
            },
            /// The request could not be sent, or the response not received.
            Transport(reqwest::Error),
            /// The server answered with an error status the endpoint does not declare, and an
            /// API error body.
            Api(ApiError),
            /// The response does not match the spec: a status the endpoint does not declare
            /// without an API error body, or a body of the wrong shape.
            InvalidResponse(FromHttpResponseError),
        }

        impl std::fmt::Display for ClientError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    Self::Request(error) => write!(f, "cannot write the request: {error}"),
                    Self::MissingCredential { scheme } => write!(f, "the client has no `{scheme}` credential"),
                    Self::Transport(error) => write!(f, "transport: {error}"),
                    Self::Api(error) => write!(f, "the server answered {error}"),
                    Self::InvalidResponse(error) => write!(f, "the response does not match the spec: {error}"),
                }
            }
        }

        impl std::error::Error for ClientError {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    Self::Request(error) => Some(error),
                    Self::MissingCredential { .. } => None,
                    Self::Transport(error) => Some(error),
                    Self::Api(error) => Some(error),
                    Self::InvalidResponse(error) => Some(error),
                }
            }
        }

        impl From<FromHttpResponseError> for ClientError {
            /// An undeclared status with an API error body is [`ClientError::Api`].
            fn from(error: FromHttpResponseError) -> Self {
                match error {
                    FromHttpResponseError::UnexpectedStatus { status, body } => match ApiError::from_http_response(status, &body) {
                        Some(error) => Self::Api(error),
                        None => Self::InvalidResponse(FromHttpResponseError::UnexpectedStatus { status, body }),
                    },
                    other => Self::InvalidResponse(other),
                }
            }
        }

        impl Client {
            #new_doc
            pub fn new(base_url: impl Into<String>) -> Self {
                Self::with_http_client(base_url, reqwest::Client::new())
            }

            /// A client of the server at `base_url` that sends with `http` (for timeouts,
            /// proxies or TLS settings).
            pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client) -> Self {
                Self { http, base_url: base_url.into(), #(#inits)* }
            }

            /// The server's base URL.
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            /// The `reqwest` client that sends the requests.
            pub fn http_client(&self) -> &reqwest::Client {
                &self.http
            }

            #(#setters)*
            #(#methods)*
            #send
        }
    }
}

fn setters(c: &Credential) -> TokenStream {
    let field = ident(&c.field);
    let ty = ident(&c.rust);
    let set = format_ident!("set_{}", c.field);
    let with = format_ident!("with_{}", c.field);
    let set_doc = format!(" Sets the `{}` credential, sent to every endpoint that asks for it.", c.scheme);
    let with_doc = format!(" The client with the `{}` credential set.", c.scheme);
    quote! {
        #[doc = #set_doc]
        pub fn #set(&mut self, credential: impl Into<crate::endpoints::#ty>) {
            self.#field = Some(credential.into());
        }

        #[doc = #with_doc]
        pub fn #with(mut self, credential: impl Into<crate::endpoints::#ty>) -> Self {
            self.#set(credential);
            self
        }
    }
}

fn method(op: &Operation, model: &Model) -> TokenStream {
    let doc = doc_attrs(&endpoint_doc(op, model));
    let name = ident(&op.name);
    let module = ident(&op.name);
    let credential = op.security.as_ref().map(|s| {
        let field = model.credentials.iter().find(|c| c.rust == s.credential).map(|c| ident(&c.field));
        let scheme = &s.scheme;
        match (field, s.optional) {
            (Some(field), false) => quote! {
                let credential = self.#field.as_ref().ok_or(ClientError::MissingCredential { scheme: #scheme })?;
                credential.apply(&mut request).map_err(ClientError::Request)?;
            },
            (Some(field), true) => quote! {
                if let Some(credential) = &self.#field {
                    credential.apply(&mut request).map_err(ClientError::Request)?;
                }
            },
            (None, _) => quote!(),
        }
    });
    let request =
        if credential.as_ref().is_some_and(|c| !c.is_empty()) { quote!(mut request) } else { quote!(request) };
    quote! {
        #doc
        pub async fn #name(
            &self,
            request: &crate::endpoints::#module::Request,
        ) -> Result<crate::endpoints::#module::Response, ClientError> {
            let #request = request.try_into_http_request(&self.base_url).map_err(ClientError::Request)?;
            #credential
            let response = self.send(request).await?;
            Ok(crate::endpoints::#module::Response::try_from_http_response(&response)?)
        }
    }
}

fn send() -> TokenStream {
    quote! {
        /// Sends `request` and reads the whole response.
        async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, ClientError> {
            let request = reqwest::Request::try_from(request).map_err(ClientError::Transport)?;
            let response = self.http.execute(request).await.map_err(ClientError::Transport)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(ClientError::Transport)?;
            let mut out = http::Response::new(body.to_vec());
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            Ok(out)
        }
    }
}
