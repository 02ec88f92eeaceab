//! Emits `client.rs` (behind the `client` feature): a `reqwest` client with a setter per
//! credential and one async method per operation, each writing the request with the
//! endpoint types and reading the response back with them.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::endpoints::{endpoint_doc, own_doc};
use super::types::ident;
use crate::lower::operations::{Credential, Operation};
use crate::lower::Model;

pub fn emit(model: &Model) -> TokenStream {
    let fields = model.credentials.iter().map(|c| {
        let field = ident(&c.field);
        let ty = ident(&c.rust);
        let doc = doc_attrs(&format!("The `{}` credential, sent to the endpoints that ask for it.", c.scheme));
        quote! { #doc #field: ::std::option::Option<crate::endpoints::#ty>, }
    });
    let inits = model.credentials.iter().map(|c| {
        let field = ident(&c.field);
        quote!(#field: ::std::option::Option::None,)
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
            http: ::reqwest::Client,
            base_url: ::std::string::String,
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
            Transport(::reqwest::Error),
            /// The server answered with an error status the endpoint does not declare, and an
            /// API error body.
            Api(ApiError),
            /// The response does not match the spec: a status the endpoint does not declare
            /// without an API error body, or a body of the wrong shape.
            InvalidResponse(FromHttpResponseError),
        }

        impl ::std::fmt::Display for ClientError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    Self::Request(error) => ::std::write!(f, "cannot write the request: {error}"),
                    Self::MissingCredential { scheme } => ::std::write!(f, "the client has no `{scheme}` credential"),
                    Self::Transport(error) => ::std::write!(f, "transport: {error}"),
                    Self::Api(error) => ::std::write!(f, "the server answered {error}"),
                    Self::InvalidResponse(error) => ::std::write!(f, "the response does not match the spec: {error}"),
                }
            }
        }

        impl ::std::error::Error for ClientError {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    Self::Request(error) => ::std::option::Option::Some(error),
                    Self::MissingCredential { .. } => ::std::option::Option::None,
                    Self::Transport(error) => ::std::option::Option::Some(error),
                    Self::Api(error) => ::std::option::Option::Some(error),
                    Self::InvalidResponse(error) => ::std::option::Option::Some(error),
                }
            }
        }

        impl ::std::convert::From<FromHttpResponseError> for ClientError {
            /// An undeclared status with an API error body is [`ClientError::Api`].
            fn from(error: FromHttpResponseError) -> Self {
                match error {
                    FromHttpResponseError::UnexpectedStatus { status, body } => match ApiError::from_http_response(status, &body) {
                        ::std::option::Option::Some(error) => Self::Api(error),
                        ::std::option::Option::None => Self::InvalidResponse(FromHttpResponseError::UnexpectedStatus { status, body }),
                    },
                    other => Self::InvalidResponse(other),
                }
            }
        }

        impl Client {
            #new_doc
            pub fn new(base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self::with_http_client(base_url, ::reqwest::Client::new())
            }

            /// A client of the server at `base_url` that sends with `http` (for timeouts,
            /// proxies or TLS settings).
            pub fn with_http_client(base_url: impl ::std::convert::Into<::std::string::String>, http: ::reqwest::Client) -> Self {
                Self { http, base_url: ::std::convert::Into::into(base_url), #(#inits)* }
            }

            /// The server's base URL.
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            /// The `reqwest` client that sends the requests.
            pub fn http_client(&self) -> &::reqwest::Client {
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
    let set = ident(&format!("set_{}", c.field));
    let with = ident(&format!("with_{}", c.field));
    let set_doc = doc_attrs(&format!("Sets the `{}` credential, sent to every endpoint that asks for it.", c.scheme));
    let with_doc = doc_attrs(&format!("The client with the `{}` credential set.", c.scheme));
    quote! {
        #set_doc
        pub fn #set(&mut self, credential: impl ::std::convert::Into<crate::endpoints::#ty>) {
            self.#field = ::std::option::Option::Some(::std::convert::Into::into(credential));
        }

        #with_doc
        pub fn #with(mut self, credential: impl ::std::convert::Into<crate::endpoints::#ty>) -> Self {
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
                if let ::std::option::Option::Some(credential) = &self.#field {
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
        ) -> ::std::result::Result<crate::endpoints::#module::Response, ClientError> {
            let #request = request.try_into_http_request(&self.base_url).map_err(ClientError::Request)?;
            #credential
            let response = self.send(request).await?;
            ::std::result::Result::Ok(crate::endpoints::#module::Response::try_from_http_response(&response)?)
        }
    }
}

fn send() -> TokenStream {
    quote! {
        /// Sends `request` and reads the whole response.
        async fn send(&self, request: ::http::Request<::std::vec::Vec<u8>>) -> ::std::result::Result<::http::Response<::std::vec::Vec<u8>>, ClientError> {
            let request = <::reqwest::Request as ::std::convert::TryFrom<_>>::try_from(request).map_err(ClientError::Transport)?;
            let response = self.http.execute(request).await.map_err(ClientError::Transport)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(ClientError::Transport)?;
            let mut out = ::http::Response::new(body.to_vec());
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            ::std::result::Result::Ok(out)
        }
    }
}
