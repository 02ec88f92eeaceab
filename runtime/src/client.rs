//! A `reqwest` client that sends any endpoint's request: [`Client::send`].

use std::collections::BTreeMap;

use crate::endpoint::{Credential, Endpoint, EndpointResponse};
use crate::error::{ApiError, FromHttpResponseError, IntoHttpError};

/// A client of one server, holding the credentials it sends to the endpoints that ask for
/// them.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    /// Credentials by security scheme name.
    credentials: BTreeMap<&'static str, String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials are secrets: only their schemes are shown.
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The answer of [`Client::send_streaming`].
#[derive(Debug)]
pub enum Streamed<R> {
    /// A success status: the response, its body not read yet.
    Body(reqwest::Response),
    /// Any other status the endpoint declares, read whole.
    Whole(R),
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
    /// The server answered with an error status the endpoint does not declare, and an API
    /// error body.
    Api(ApiError),
    /// The response does not match the spec: a status the endpoint does not declare without
    /// an API error body, or a body of the wrong shape.
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

impl Client {
    /// A client of the server at `base_url`, its scheme and authority
    /// (`https://example.org`); every endpoint's path already holds the spec's base path.
    ///
    /// # Panics
    ///
    /// When no TLS backend can be initialised, as [`reqwest::Client::new`].
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_http_client(base_url, reqwest::Client::new())
    }

    /// A client of the server at `base_url` that sends with `http` (for timeouts, proxies or
    /// TLS settings).
    pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client) -> Self {
        Client { http, base_url: base_url.into(), credentials: BTreeMap::new() }
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The `reqwest` client that sends the requests.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sets the credential of its security scheme, sent to every endpoint that asks for it.
    pub fn set_credential<C: Credential>(&mut self, credential: C) {
        self.credentials.insert(C::SCHEME, credential.to_value());
    }

    /// The client with the credential of its security scheme set.
    pub fn with_credential<C: Credential>(mut self, credential: C) -> Self {
        self.set_credential(credential);
        self
    }

    /// Sends `request` with the credential its endpoint asks for, and reads the response.
    pub async fn send<E: Endpoint>(&self, request: &E) -> Result<E::Response, ClientError> {
        let request = self.prepare(request)?;
        let response = self.execute(request).await?;
        Self::parse::<E>(&response)
    }

    /// Sends `request` as [`Client::send`] does, but leaves a success (`2XX`) response's body
    /// unread: a large download (a binary body, say) is then read piece by piece with
    /// [`reqwest::Response::chunk`] instead of held in memory whole. Any other status is
    /// read whole and answered as `send` answers it.
    pub async fn send_streaming<E: Endpoint>(&self, request: &E) -> Result<Streamed<E::Response>, ClientError> {
        let request = self.prepare(request)?;
        let request = reqwest::Request::try_from(request).map_err(ClientError::Transport)?;
        let response = self.http.execute(request).await.map_err(ClientError::Transport)?;
        if response.status().is_success() {
            return Ok(Streamed::Body(response));
        }
        let response = Self::read(response).await?;
        Self::parse::<E>(&response).map(Streamed::Whole)
    }

    /// The `http` request of `request`, with the credentials its endpoint asks for.
    #[allow(clippy::result_large_err)] // `send`'s own error, passed on as it is.
    fn prepare<E: Endpoint>(&self, request: &E) -> Result<http::Request<Vec<u8>>, ClientError> {
        let mut request = request.try_into_http_request(&self.base_url).map_err(ClientError::Request)?;
        if let Some(security) = E::METADATA.security {
            // The first alternative whose every scheme has a credential here.
            let chosen =
                security.alternatives.iter().find(|a| a.iter().all(|s| self.credentials.contains_key(s.scheme)));
            match chosen {
                Some(alternative) => {
                    for scheme in alternative.iter() {
                        let value = self.credentials.get(scheme.scheme).map(String::as_str).unwrap_or_default();
                        scheme.location.apply(&mut request, value).map_err(ClientError::Request)?;
                    }
                }
                None if security.optional => {}
                None => {
                    // The first scheme of the first alternative the client lacks.
                    let missing = security
                        .alternatives
                        .iter()
                        .flat_map(|a| a.iter())
                        .find(|s| !self.credentials.contains_key(s.scheme))
                        .map_or("", |s| s.scheme);
                    return Err(ClientError::MissingCredential { scheme: missing });
                }
            }
        }
        Ok(request)
    }

    /// The endpoint's response, or the API error an undeclared status carries.
    #[allow(clippy::result_large_err)] // `send`'s own error, passed on as it is.
    fn parse<E: Endpoint>(response: &http::Response<Vec<u8>>) -> Result<E::Response, ClientError> {
        E::Response::try_from_http_response(response).map_err(|error| match error {
            FromHttpResponseError::UnexpectedStatus { status, body } => {
                match ApiError::from_http_response(E::METADATA.errors, status, &body) {
                    Some(error) => ClientError::Api(error),
                    None => ClientError::InvalidResponse(FromHttpResponseError::UnexpectedStatus { status, body }),
                }
            }
            other => ClientError::InvalidResponse(other),
        })
    }

    /// Sends an `http` request and reads the whole response.
    async fn execute(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, ClientError> {
        let request = reqwest::Request::try_from(request).map_err(ClientError::Transport)?;
        let response = self.http.execute(request).await.map_err(ClientError::Transport)?;
        Self::read(response).await
    }

    /// Reads a response whole.
    async fn read(response: reqwest::Response) -> Result<http::Response<Vec<u8>>, ClientError> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(ClientError::Transport)?;
        let mut out = http::Response::new(body.to_vec());
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
}
