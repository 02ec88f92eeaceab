//! Serving generated APIs: a [`Router`] built from a table of endpoints, and [`serve`].
//!
//! A generated crate's `server::router` adds one [`Router::route`] per operation, each a
//! small closure calling the trait method; dispatch, credentials, body limits and error
//! bodies are handled here, once, for every generated API.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::endpoint::{Credential, CredentialError, Endpoint, EndpointResponse, Metadata};
use crate::error::{ApiError, ErrorFormat, FromHttpRequestError, IntoHttpError};
use crate::wire;

/// What a handler sees of the request beyond its typed parameters: the method, URI,
/// headers and extensions (peer address, tracing spans), and the credential that matched.
#[derive(Debug)]
pub struct Context {
    /// The request without its body.
    pub parts: http::request::Parts,
    credential: Option<String>,
}

impl Context {
    /// The credential of the endpoint's security scheme, when the request carries it.
    pub fn credential<C: Credential>(&self) -> Option<C> {
        self.credential.clone().map(C::from_value)
    }
}

/// A boxed response future.
type Reply = Pin<Box<dyn Future<Output = axum::response::Response> + Send>>;

/// A handler with the endpoint's types erased: it parses the request, calls the `Api`
/// method and writes the response.
type Handle<A> = Box<dyn Fn(Arc<A>, Context, http::Request<axum::body::Bytes>) -> Reply + Send + Sync>;

/// One endpoint of the table: its metadata and its handler.
struct Route<A> {
    metadata: Metadata,
    handle: Handle<A>,
}

/// Limits on what the router reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterLimits {
    /// The largest request body read; a larger one is answered with `413`.
    pub body_limit: usize,
}

impl Default for RouterLimits {
    fn default() -> Self {
        RouterLimits { body_limit: 1024 * 1024 }
    }
}

/// A table of endpoints served by an implementation `A` of a generated `Api` trait.
pub struct Router<A> {
    api: Arc<A>,
    errors: ErrorFormat,
    limits: RouterLimits,
    routes: Vec<Route<A>>,
}

impl<A: Send + Sync + 'static> Router<A> {
    /// An empty table serving `api`; built-in errors (`404`, `405`, `401`, `400`, `413`) are
    /// written in `errors`.
    pub fn new(api: Arc<A>, errors: ErrorFormat) -> Self {
        Router { api, errors, limits: RouterLimits::default(), routes: Vec::new() }
    }

    /// The table with other limits.
    pub fn with_limits(mut self, limits: RouterLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Adds the endpoint `E`, answered by `handler`. The handler runs only for a request that
    /// matched the endpoint's method and path, carried the credential it requires and parsed.
    pub fn route<E, F, Fut>(mut self, handler: F) -> Self
    where
        E: Endpoint,
        F: Fn(Arc<A>, Context, E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<E::Response, ApiError>> + Send + 'static,
    {
        let errors = self.errors;
        let handler = Arc::new(handler);
        let handle = move |api: Arc<A>, context: Context, request: http::Request<axum::body::Bytes>| -> Reply {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                let parsed = match E::try_from_http_request(&request) {
                    Ok(parsed) => parsed,
                    Err(error) => return error_response(&ApiError::bad_request(errors, &error)),
                };
                match handler(api, context, parsed).await {
                    Ok(response) => respond(errors, response.try_into_http_response()),
                    Err(error) => error_response(&error),
                }
            })
        };
        self.routes.push(Route { metadata: E::METADATA, handle: Box::new(handle) });
        self
    }

    /// The table as an `axum` router. Templates with literal segments are tried before
    /// templates with parameters there, so `/rooms/new` wins over `/rooms/{roomId}`.
    pub fn into_axum(mut self) -> axum::Router {
        self.routes.sort_by_key(|route| specificity(route.metadata.path));
        axum::Router::new().fallback(dispatch::<A>).with_state(Arc::new(self))
    }
}

/// Sort key of a path template: per segment, literal (0) before parameter (1).
fn specificity(template: &str) -> Vec<u8> {
    template.split('/').map(|segment| u8::from(segment.contains('{'))).collect()
}

async fn dispatch<A: Send + Sync + 'static>(
    axum::extract::State(table): axum::extract::State<Arc<Router<A>>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let errors = table.errors;
    let path = request.uri().path().to_owned();
    let mut allowed: Vec<http::Method> = Vec::new();
    for route in &table.routes {
        if !wire::matches_path(route.metadata.path, &path) {
            continue;
        }
        if *request.method() != route.metadata.method {
            allowed.push(route.metadata.method.clone());
            continue;
        }
        let credential = match route.metadata.security {
            None => None,
            Some(security) => match security.location.extract(&request) {
                Ok(value) => Some(value),
                Err(CredentialError::Missing) if security.optional => None,
                Err(CredentialError::Missing) => {
                    return error_response(&ApiError::missing_credential(errors, security.scheme))
                }
                Err(CredentialError::Invalid(reason)) => {
                    let error = FromHttpRequestError::InvalidParameter {
                        name: security.scheme,
                        location: credential_location(security.location),
                        reason,
                    };
                    return error_response(&ApiError::bad_request(errors, &error));
                }
            },
        };
        let request = match read_body(request, table.limits.body_limit, errors).await {
            Ok(request) => request,
            Err(response) => return response,
        };
        let (parts, body) = request.into_parts();
        let context = Context { parts: parts.clone(), credential };
        let request = http::Request::from_parts(parts, body);
        return (route.handle)(Arc::clone(&table.api), context, request).await;
    }
    if allowed.is_empty() {
        error_response(&ApiError::not_found(errors, &path))
    } else {
        method_not_allowed(errors, request.method(), &allowed)
    }
}

fn credential_location(location: crate::endpoint::CredentialLocation) -> crate::error::ParamLocation {
    use crate::endpoint::CredentialLocation as L;
    match location {
        L::Query(_) => crate::error::ParamLocation::Query,
        L::Cookie(_) => crate::error::ParamLocation::Cookie,
        L::Header(_) | L::Bearer | L::Basic => crate::error::ParamLocation::Header,
    }
}

/// The error as an `axum` response.
fn error_response(error: &ApiError) -> axum::response::Response {
    error.to_http_response().map(axum::body::Body::from)
}

/// A handler's response, or `500` when it cannot be written (a header value with a line
/// break, say).
fn respond(errors: ErrorFormat, response: Result<http::Response<Vec<u8>>, IntoHttpError>) -> axum::response::Response {
    match response {
        Ok(response) => response.map(axum::body::Body::from),
        Err(error) => error_response(&ApiError::internal(errors, error.to_string())),
    }
}

/// The request with its body read, up to `limit` bytes; a larger declared `content-length`
/// is refused before anything is read.
async fn read_body(
    request: axum::extract::Request,
    limit: usize,
    errors: ErrorFormat,
) -> Result<http::Request<axum::body::Bytes>, axum::response::Response> {
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(error_response(&ApiError::payload_too_large(errors, limit)));
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(http::Request::from_parts(parts, bytes)),
        Err(_) => Err(error_response(&ApiError::payload_too_large(errors, limit))),
    }
}

/// `405` with the methods the path allows in `Allow`.
fn method_not_allowed(
    errors: ErrorFormat,
    method: &http::Method,
    allowed: &[http::Method],
) -> axum::response::Response {
    let mut response = error_response(&ApiError::method_not_allowed(errors, method));
    let allow = allowed.iter().map(http::Method::as_str).collect::<Vec<_>>().join(", ");
    if let Ok(value) = http::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(http::header::ALLOW, value);
    }
    response
}

/// Serves `router` on `listener` until the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}
