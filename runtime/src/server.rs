//! Serving generated APIs: a [`Router`] built from a table of endpoints, and [`serve`], which
//! sheds slow clients.
//!
//! A generated crate's `server::router` adds one [`Router::route`] per operation, each a
//! small closure calling its `Api` trait method; routing, credentials, bodies, limits and
//! error bodies are handled here, once, for every generated API. The router does its own
//! routing over the endpoints' path templates (one `fallback` handler) instead of
//! registering `axum` routes: any template a spec has, including ones `axum` would reject
//! or find conflicting, can then neither panic at startup nor be matched differently from
//! [`Endpoint::try_from_http_request`].
//!
//! [`serve`] runs connections on hyper directly: `axum::serve` cannot time out heads, idle
//! connections or bodies, and hyper's own header timer also cuts idle keep-alive
//! connections, so one timer per connection does both (see [`ServerConfig`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tower::ServiceExt as _;

use crate::endpoint::{CredentialError, CredentialLocation, Endpoint, EndpointResponse, Metadata};
use crate::error::{ApiError, ErrorFormat, FromHttpRequestError, IntoHttpError, ParamLocation};
use crate::wire;

pub use axum;
pub use tokio;

/// How the server treats connections and request bodies: its limits and timeouts.
///
/// Every timeout closes the connection (or answers `408`) instead of holding it open for a
/// client that has stopped sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    /// How long a client may take to send a request's head (request line and headers),
    /// counted from its first byte, and on a new connection from the moment it is accepted.
    /// A connection that has not sent a whole head by then is closed without an answer.
    /// Default: 15 seconds.
    pub header_read_timeout: std::time::Duration,
    /// How long a keep-alive connection may stay silent between requests, counted from the
    /// last byte of the previous response; then it is closed. Default: 60 seconds.
    pub idle_timeout: std::time::Duration,
    /// How long a client may take to send a request body, counted from the end of the head;
    /// a body that has not fully arrived by then is answered with `408` and the connection is
    /// closed. Default: 30 seconds.
    pub body_read_timeout: std::time::Duration,
    /// The largest request body read, in bytes; a larger one is answered with `413`.
    /// Default: 1 MiB.
    pub body_limit: usize,
    /// The largest request head (request line and headers), in bytes; a larger one is
    /// answered with `431`. Default: 64 KiB.
    pub max_header_bytes: usize,
    /// How many connections are served at once; further ones wait to be accepted.
    /// Default: 10,000.
    pub max_connections: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            header_read_timeout: std::time::Duration::from_secs(15),
            idle_timeout: std::time::Duration::from_secs(60),
            body_read_timeout: std::time::Duration::from_secs(30),
            body_limit: 1024 * 1024,
            max_header_bytes: 64 * 1024,
            max_connections: 10_000,
        }
    }
}

/// What a handler sees of the request beyond its typed parameters: the method, URI, headers
/// and extensions (peer address, tracing spans, whatever a `tower` layer inserted), and the
/// credential that matched.
///
/// Every generated `Api` method is given one; a handler that does not need it names it `_`.
#[derive(Debug)]
pub struct Context {
    /// The request without its body: `parts.headers`, `parts.extensions`, `parts.uri`, ...
    pub parts: http::request::Parts,
    matched: crate::Matched,
}

impl Context {
    /// A context for `parts` with no credential matched: for calling an `Api` method
    /// directly, in a test say.
    pub fn new(parts: http::request::Parts) -> Self {
        Context { parts, matched: crate::Matched::default() }
    }

    /// The request's headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.parts.headers
    }

    /// The request's extensions: what the server and any `tower` layer put there.
    pub fn extensions(&self) -> &http::Extensions {
        &self.parts.extensions
    }

    /// The address of the client, when the server knows it: [`serve`] (and so
    /// `Router::serve`) records it, as does `axum`'s `into_make_service_with_connect_info`;
    /// both as the extension `axum::extract::ConnectInfo<SocketAddr>`.
    pub fn peer_addr(&self) -> Option<std::net::SocketAddr> {
        self.parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0)
    }

    /// The credential of the security scheme `C` in the alternative that matched, when the
    /// request carries one of the scheme's form.
    pub fn credential<C: crate::Credential>(&self) -> Option<C> {
        self.matched
            .credentials
            .iter()
            .find(|(scheme, _)| *scheme == C::SCHEME)
            .and_then(|(_, v)| C::from_value(v.clone()))
    }

    /// The index of the endpoint's security alternative the request satisfied; `None` when
    /// it carries no credential.
    pub fn alternative(&self) -> Option<usize> {
        self.matched.alternative
    }
}

/// A boxed response future.
type Reply = Pin<Box<dyn Future<Output = axum::response::Response> + Send>>;

/// A handler with the endpoint's types erased: it parses the request, calls the `Api`
/// method and writes the response.
type Handle<A> = Box<dyn Fn(Arc<A>, Context, http::Request<axum::body::Bytes>) -> Reply + Send + Sync>;

/// Whether a request (body read) parses as the endpoint's request.
type Accepts = Box<dyn Fn(&http::Request<axum::body::Bytes>) -> bool + Send + Sync>;

/// One endpoint of the table: its metadata and its handler.
struct Route<A> {
    metadata: Metadata,
    handle: Handle<A>,
    accepts: Accepts,
}

/// A table of endpoints served by an implementation `A` of a generated `Api` trait.
pub struct Router<A> {
    api: Arc<A>,
    errors: ErrorFormat,
    config: ServerConfig,
    routes: Vec<Route<A>>,
}

impl<A: Send + Sync + 'static> Router<A> {
    /// An empty table serving `api` with the default [`ServerConfig`]; built-in errors
    /// (`404`, `405`, `401`, `400`, `413`, ...) are written in `errors`.
    pub fn new(api: Arc<A>, errors: ErrorFormat) -> Self {
        Router { api, errors, config: ServerConfig::default(), routes: Vec::new() }
    }

    /// The table with the body limit and body timeout of `config`.
    pub fn with_config(mut self, config: ServerConfig) -> Self {
        self.config = config;
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
        let accepts = |request: &http::Request<axum::body::Bytes>| E::try_from_http_request(request).is_ok();
        self.routes.push(Route { metadata: E::METADATA, handle: Box::new(handle), accepts: Box::new(accepts) });
        self
    }

    /// Adds the endpoint `E`, whose security scheme's credential `C` is required: a request
    /// without it is answered with `401` before `handler` runs.
    pub fn route_with<E, C, F, Fut>(self, handler: F) -> Self
    where
        E: Endpoint,
        C: crate::Credential,
        F: Fn(Arc<A>, Context, C, E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<E::Response, ApiError>> + Send + 'static,
    {
        let errors = self.errors;
        let handler = Arc::new(handler);
        self.route(move |api: Arc<A>, context: Context, request: E| {
            let handler = Arc::clone(&handler);
            async move {
                match context.credential::<C>() {
                    Some(credential) => handler(api, context, credential, request).await,
                    None => Err(ApiError::missing_credential(errors, C::SCHEME)),
                }
            }
        })
    }

    /// Adds the endpoint `E`, whose security scheme's credential `C` is optional.
    pub fn route_with_optional<E, C, F, Fut>(self, handler: F) -> Self
    where
        E: Endpoint,
        C: crate::Credential,
        F: Fn(Arc<A>, Context, Option<C>, E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<E::Response, ApiError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        self.route(move |api: Arc<A>, context: Context, request: E| {
            let handler = Arc::clone(&handler);
            async move {
                let credential = context.credential::<C>();
                handler(api, context, credential, request).await
            }
        })
    }

    /// Serves the table on `listener` with the timeouts and limits of its [`ServerConfig`];
    /// see [`serve`].
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let config = self.config;
        serve(listener, self.into_axum(), config).await
    }

    /// The table as an `axum` router. An unknown path is answered with `404`, a known path
    /// with another method with `405` (`HEAD` is answered like `GET`, without the body), a
    /// missing credential with `401` and a request that does not parse with `400`.
    ///
    /// Where two templates match one path (`/pets/mine`, `/pets/{id}`), the one with literal
    /// segments earlier wins, as OpenAPI asks; otherwise the order they were added in.
    /// Endpoints of one method and path (a spec may declare two) are tried in the order they
    /// were added: the request goes to the first whose `Request` reads it, else to the last,
    /// whose error answers it.
    pub fn into_axum(mut self) -> axum::Router {
        self.routes.sort_by_key(|route| specificity(route.metadata.path));
        axum::Router::new().fallback(dispatch::<A>).with_state(Arc::new(self))
    }
}

/// What an `Api` method answers until it is implemented: `501 Not Implemented`.
pub fn not_implemented<T>(errors: ErrorFormat, name: &'static str) -> std::future::Ready<Result<T, ApiError>> {
    std::future::ready(Err(ApiError::not_implemented(errors, name)))
}

/// Sort key of a path template: per segment, literal before parameter.
fn specificity(template: &str) -> Vec<bool> {
    template.split('/').map(|segment| segment.contains('{')).collect()
}

async fn dispatch<A: Send + Sync + 'static>(
    axum::extract::State(table): axum::extract::State<Arc<Router<A>>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let head = request.method() == http::Method::HEAD;
    let path = request.uri().path().to_owned();
    let (mut request, allowed) = match route(&table, request).await {
        Ok(response) => return response,
        Err(unrouted) => unrouted,
    };
    if allowed.is_empty() {
        return error_response(&ApiError::not_found(table.errors, &path));
    }
    if head && allowed.contains(&http::Method::GET) {
        *request.method_mut() = http::Method::GET;
        return match route(&table, request).await {
            Ok(response) => without_body(response),
            Err((_, allowed)) => method_not_allowed(table.errors, &http::Method::HEAD, &allowed),
        };
    }
    method_not_allowed(table.errors, request.method(), &allowed)
}

/// Routes `request` to the endpoint whose path template and method match it. Unrouted, the
/// request comes back with the methods its path allows (none: an unknown path).
async fn route<A: Send + Sync + 'static>(
    table: &Router<A>,
    request: axum::extract::Request,
) -> Result<axum::response::Response, (axum::extract::Request, Vec<http::Method>)> {
    let path = request.uri().path().to_owned();
    let mut allowed = Vec::new();
    let mut candidates: Vec<&Route<A>> = Vec::new();
    for route in &table.routes {
        if !wire::matches_path(route.metadata.path, &path) {
            continue;
        }
        if *request.method() != route.metadata.method {
            allowed.push(route.metadata.method.clone());
            continue;
        }
        // The first template that matches decides the route; others of the same shape
        // (the same path declared twice) are tried with it.
        match candidates.first() {
            None => candidates.push(route),
            Some(first) if same_template(first.metadata.path, route.metadata.path) => candidates.push(route),
            Some(_) => {}
        }
    }
    match candidates.as_slice() {
        [] => Err((request, allowed)),
        [route] => Ok(serve_route(table, route, request).await),
        several => Ok(serve_shared(table, several, request).await),
    }
}

/// Whether two path templates match the same paths (their variables aside).
fn same_template(a: &str, b: &str) -> bool {
    let shape = |t: &str| -> Vec<String> {
        t.split('/')
            .map(|segment| {
                let mut out = String::new();
                let mut in_variable = false;
                for c in segment.chars() {
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
                out
            })
            .collect()
    };
    shape(a) == shape(b)
}

/// Answers a request that several endpoints share a method and path with: its body is read
/// once (when any of them takes one), then it goes to the first endpoint whose `Request`
/// reads it, or to the last one, whose error answers it.
async fn serve_shared<A: Send + Sync + 'static>(
    table: &Router<A>,
    routes: &[&Route<A>],
    request: axum::extract::Request,
) -> axum::response::Response {
    let Some(last) = routes.last() else {
        return error_response(&ApiError::not_found(table.errors, request.uri().path()));
    };
    let takes_body = routes.iter().any(|route| route.metadata.request_body.is_some());
    let request = if takes_body {
        match read_body(request, &table.config, table.errors).await {
            Ok(request) => request,
            Err(response) => return response,
        }
    } else {
        let (parts, _) = request.into_parts();
        http::Request::from_parts(parts, axum::body::Bytes::new())
    };
    let chosen = routes.iter().find(|route| (route.accepts)(&request)).unwrap_or(last);
    let (parts, body) = request.into_parts();
    let body = if body.is_empty() { axum::body::Body::empty() } else { axum::body::Body::from(body) };
    serve_route(table, chosen, axum::extract::Request::from_parts(parts, body)).await
}

/// Answers a request routed to `route`: its body, credential and parameters checked in
/// that order, so nothing is read for a request that is refused anyway.
async fn serve_route<A: Send + Sync + 'static>(
    table: &Router<A>,
    route: &Route<A>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let errors = table.errors;
    let metadata = &route.metadata;
    // A body is read only for an endpoint that takes one; for any other, a body is refused
    // unread (and the connection closed), so a `GET` cannot make the server read.
    match metadata.request_body {
        None if has_body(request.headers()) => {
            let reason = format!("`{}` takes no request body", metadata.name);
            let error = FromHttpRequestError::InvalidBody { reason };
            return closing_error_response(&ApiError::bad_request(errors, &error));
        }
        None => {}
        Some(media_type) => {
            if let Some(error) = content_type_error(errors, request.headers(), media_type) {
                return closing_error_response(&error);
            }
        }
    }
    // The credential is checked before a body is read; a refusal then leaves the body
    // unread, and closes the connection.
    let refuse = |error: &ApiError| {
        if metadata.request_body.is_some() {
            closing_error_response(error)
        } else {
            error_response(error)
        }
    };
    let matched = match metadata.security {
        None => crate::Matched::default(),
        Some(security) => match security.matched(&request) {
            Ok(matched) => matched,
            Err((scheme, CredentialError::Missing)) => {
                return refuse(&ApiError::missing_credential(errors, scheme.scheme));
            }
            Err((scheme, CredentialError::Invalid(reason))) => {
                let (name, location) = credential_parameter(scheme.location);
                let error = FromHttpRequestError::InvalidParameter { name, location, reason };
                return refuse(&ApiError::bad_request(errors, &error));
            }
        },
    };
    let request = if metadata.request_body.is_some() {
        match read_body(request, &table.config, errors).await {
            Ok(request) => request,
            Err(response) => return response,
        }
    } else {
        let (parts, _) = request.into_parts();
        http::Request::from_parts(parts, axum::body::Bytes::new())
    };
    let (parts, body) = request.into_parts();
    let context = Context { parts: parts.clone(), matched };
    (route.handle)(Arc::clone(&table.api), context, http::Request::from_parts(parts, body)).await
}

/// The parameter that carries a credential, as an error names it.
fn credential_parameter(location: CredentialLocation) -> (&'static str, ParamLocation) {
    match location {
        CredentialLocation::Query(name) => (name, ParamLocation::Query),
        CredentialLocation::Header(name) => (name, ParamLocation::Header),
        CredentialLocation::Cookie(name) => (name, ParamLocation::Cookie),
        CredentialLocation::Bearer | CredentialLocation::Basic => ("authorization", ParamLocation::Header),
    }
}

/// Serves `app` on `listener` over HTTP/1.1 with the timeouts and limits of `config`.
/// Each request carries the client's address as the extension
/// `axum::extract::ConnectInfo<SocketAddr>` (see [`Context::peer_addr`]).
///
/// It returns only if accepting fails for good; a failing connection (a client that resets,
/// sends garbage or times out) is closed and forgotten, and a failure to accept (too many
/// open files, say) is retried after a short pause.
pub async fn serve(listener: tokio::net::TcpListener, app: axum::Router, config: ServerConfig) -> std::io::Result<()> {
    let permits = Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
    loop {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            return Ok(());
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                if !is_connection_error(&error) {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            connection(stream, peer, app, config).await;
            drop(permit);
        });
    }
}

/// Whether an accept error concerns one connection only (it is dropped and the next one
/// accepted at once), rather than the process (out of file descriptors: wait a little).
fn is_connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// Serves one connection until the client closes it, it fails, or a timeout of the
/// [`Watch`] expires.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    app: axum::Router,
    config: ServerConfig,
) {
    let _ = stream.set_nodelay(true);
    let watch = std::sync::Arc::new(Watch::new(config));
    let io = hyper_util::rt::TokioIo::new(Watched { stream, watch: std::sync::Arc::clone(&watch) });
    let service_watch = std::sync::Arc::clone(&watch);
    let service = hyper::service::service_fn(move |mut request: http::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        let app = app.clone();
        let busy = Busy::start(std::sync::Arc::clone(&service_watch));
        async move {
            let response = app.oneshot(request.map(axum::body::Body::new)).await.unwrap_or_else(|never| match never {});
            drop(busy);
            Ok::<_, std::convert::Infallible>(response)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The watch times heads out; hyper's own header timer would also cut idle connections.
    builder.header_read_timeout(None).keep_alive(true).max_header_size(config.max_header_bytes);
    let connection = builder.serve_connection(io, service);
    tokio::select! {
        // A client that resets or sends a malformed request ends here; hyper has already
        // answered what could be answered.
        _ = connection => {}
        () = watch.expired() => {}
    }
}

/// The timeouts of one connection: when it is waiting for a request head, the header
/// timeout runs from the head's first byte (or from the accept); when it is idle, the idle
/// timeout runs from the last byte written. While a request is being handled, neither runs
/// (the body has its own timeout, and a handler may take long on purpose).
struct Watch {
    config: ServerConfig,
    state: std::sync::Mutex<WatchState>,
    changed: tokio::sync::Notify,
}

struct WatchState {
    /// Requests being handled.
    busy: usize,
    /// When the first byte of the next request head arrived, if one has.
    head_started: Option<tokio::time::Instant>,
    /// When the connection became ready for a request: the accept, the end of the last
    /// handler or the last byte written since.
    ready_since: tokio::time::Instant,
    /// Whether a request has been handled (before that, silence counts as a slow head).
    served: bool,
}

impl Watch {
    fn new(config: ServerConfig) -> Self {
        let state = WatchState { busy: 0, head_started: None, ready_since: tokio::time::Instant::now(), served: false };
        Watch { config, state: std::sync::Mutex::new(state), changed: tokio::sync::Notify::new() }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, WatchState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Bytes arrived: the head of the next request has begun, unless one is being handled.
    fn read(&self) {
        let mut state = self.state();
        if state.busy == 0 && state.head_started.is_none() {
            state.head_started = Some(tokio::time::Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    /// Bytes left: a response is still being sent, so the connection is not idle.
    fn wrote(&self) {
        let mut state = self.state();
        if state.busy == 0 {
            state.ready_since = tokio::time::Instant::now();
        }
    }

    /// When the connection times out, if nothing more happens; `None` while a request is
    /// being handled.
    fn deadline(&self) -> Option<tokio::time::Instant> {
        let state = self.state();
        if state.busy > 0 {
            return None;
        }
        Some(match state.head_started {
            Some(start) => start + self.config.header_read_timeout,
            None if !state.served => state.ready_since + self.config.header_read_timeout,
            None => state.ready_since + self.config.idle_timeout,
        })
    }

    /// Completes when a timeout expires.
    async fn expired(&self) {
        loop {
            let changed = self.changed.notified();
            match self.deadline() {
                Some(deadline) if deadline <= tokio::time::Instant::now() => return,
                Some(deadline) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {}
                        () = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }
}

/// Marks a request as being handled while it lives.
struct Busy(std::sync::Arc<Watch>);

impl Busy {
    fn start(watch: std::sync::Arc<Watch>) -> Self {
        {
            let mut state = watch.state();
            state.busy += 1;
            state.head_started = None;
        }
        watch.changed.notify_one();
        Busy(watch)
    }
}

impl std::ops::Drop for Busy {
    fn drop(&mut self) {
        {
            let mut state = self.0.state();
            state.busy = state.busy.saturating_sub(1);
            state.served = true;
            state.ready_since = tokio::time::Instant::now();
        }
        self.0.changed.notify_one();
    }
}

/// A socket that tells its [`Watch`] when bytes come and go.
struct Watched {
    stream: tokio::net::TcpStream,
    watch: std::sync::Arc<Watch>,
}

impl tokio::io::AsyncRead for Watched {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = std::pin::Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(poll, std::task::Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.read();
        }
        poll
    }
}

impl tokio::io::AsyncWrite for Watched {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let poll = std::pin::Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(poll, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.watch.wrote();
        }
        poll
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let poll = std::pin::Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(poll, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.watch.wrote();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Why a request body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BodyError {
    /// More than the limit arrived (or was announced).
    TooLarge,
    /// The connection broke, or the framing is wrong: a truncated body, bad chunking.
    Broken(String),
    /// The body did not arrive within the body read timeout.
    Timeout,
}

/// Reads `body` whole: at most `limit` bytes, within `timeout`.
async fn collect_body(
    body: axum::body::Body,
    limit: usize,
    timeout: std::time::Duration,
) -> Result<axum::body::Bytes, BodyError> {
    use axum::body::HttpBody as _;
    let read = async move {
        let mut body = std::pin::pin!(body);
        let mut bytes = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            let frame = frame.map_err(|error| BodyError::Broken(error.to_string()))?;
            if let Ok(data) = frame.into_data() {
                if bytes.len().saturating_add(data.len()) > limit {
                    return Err(BodyError::TooLarge);
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(axum::body::Bytes::from(bytes))
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(result) => result,
        Err(_) => Err(BodyError::Timeout),
    }
}

/// Whether the request announces a body: a `content-length` other than `0`, or a
/// `transfer-encoding`.
fn has_body(headers: &http::HeaderMap) -> bool {
    headers.contains_key(http::header::TRANSFER_ENCODING)
        || headers
            .get_all(http::header::CONTENT_LENGTH)
            .iter()
            .any(|value| value.to_str().ok().and_then(|value| value.trim().parse::<u64>().ok()) != Some(0))
}

/// The request with its body read, or the error response: `413` for a body over the
/// limit (announced or arrived), `408` for one that does not arrive in time and `400` for
/// one that breaks off or is badly framed; each closes the connection.
async fn read_body(
    request: axum::extract::Request,
    config: &ServerConfig,
    errors: ErrorFormat,
) -> Result<http::Request<axum::body::Bytes>, axum::response::Response> {
    let limit = config.body_limit;
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(closing_error_response(&ApiError::payload_too_large(errors, limit)));
    }
    let (parts, body) = request.into_parts();
    match collect_body(body, limit, config.body_read_timeout).await {
        Ok(bytes) => Ok(http::Request::from_parts(parts, bytes)),
        Err(BodyError::TooLarge) => Err(closing_error_response(&ApiError::payload_too_large(errors, limit))),
        Err(BodyError::Timeout) => Err(closing_error_response(&ApiError::request_timeout(errors))),
        Err(BodyError::Broken(reason)) => {
            let error =
                FromHttpRequestError::InvalidBody { reason: std::format!("the body could not be read: {reason}") };
            Err(closing_error_response(&ApiError::bad_request(errors, &error)))
        }
    }
}

/// `415` when the request's `content-type` is not `expected` (any JSON type will do for a
/// JSON one, and any type of a range: `*/*`, `image/*`); a body without `content-type` is
/// taken to be of the expected type.
fn content_type_error(errors: ErrorFormat, headers: &http::HeaderMap, expected: &str) -> Option<ApiError> {
    let value = headers.get(http::header::CONTENT_TYPE)?;
    let given = crate::essence(&String::from_utf8_lossy(value.as_bytes()));
    let wanted = crate::essence(expected);
    let in_range = match wanted.strip_suffix("/*") {
        Some("*") => true,
        Some(kind) => given.split_once('/').is_some_and(|(given_kind, _)| given_kind == kind),
        None => false,
    };
    if given == wanted || in_range || crate::is_json(&given) && crate::is_json(&wanted) {
        return None;
    }
    Some(ApiError::unsupported_media_type(errors, expected, &given))
}

/// A handler's response, or `500` when it cannot be written (a header value with a line
/// break, say).
fn respond(errors: ErrorFormat, response: Result<http::Response<Vec<u8>>, IntoHttpError>) -> axum::response::Response {
    match response {
        Ok(response) => response.map(axum::body::Body::from),
        Err(error) => error_response(&ApiError::internal(errors, error.to_string())),
    }
}

/// The error as an `axum` response.
fn error_response(error: &ApiError) -> axum::response::Response {
    error.to_http_response().map(axum::body::Body::from)
}

/// The error as an `axum` response that also closes the connection: the request's body was
/// not read, so the connection cannot carry another request.
fn closing_error_response(error: &ApiError) -> axum::response::Response {
    let mut response = error_response(error);
    response.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
    response
}

/// The response to a `HEAD` request answered like a `GET`: the same status and headers,
/// `content-length` the length of the body it does not carry.
fn without_body(response: axum::response::Response) -> axum::response::Response {
    use axum::body::HttpBody as _;
    let (mut parts, body) = response.into_parts();
    if let Some(length) = body.size_hint().exact() {
        parts.headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(length));
    }
    axum::response::Response::from_parts(parts, axum::body::Body::empty())
}

/// `405` with the methods the path allows in `Allow` (`HEAD` wherever `GET` is).
fn method_not_allowed(
    errors: ErrorFormat,
    method: &http::Method,
    allowed: &[http::Method],
) -> axum::response::Response {
    let mut response = error_response(&ApiError::method_not_allowed(errors, method));
    let mut names: Vec<&str> = allowed.iter().map(http::Method::as_str).collect();
    if names.contains(&"GET") && !names.contains(&"HEAD") {
        names.push("HEAD");
    }
    if let Ok(value) = http::HeaderValue::from_str(&names.join(", ")) {
        response.headers_mut().insert(http::header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body that sends `data`, then fails (a truncated body) or never ends (a slow one).
    struct Scripted {
        data: Option<axum::body::Bytes>,
        then_fail: bool,
    }

    impl axum::body::HttpBody for Scripted {
        type Data = axum::body::Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
            if let Some(data) = self.data.take() {
                return std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(data))));
            }
            if self.then_fail {
                let error = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "incomplete body");
                return std::task::Poll::Ready(Some(Err(error)));
            }
            std::task::Poll::Pending
        }
    }

    fn run<F: std::future::Future>(future: F) -> F::Output {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build();
        runtime.expect("a runtime").block_on(future)
    }

    fn body(data: &'static [u8], then_fail: bool) -> axum::body::Body {
        axum::body::Body::new(Scripted { data: Some(axum::body::Bytes::from_static(data)), then_fail })
    }

    const SECOND: std::time::Duration = std::time::Duration::from_secs(1);

    #[test]
    fn a_whole_body_is_read() {
        let result = run(collect_body(axum::body::Body::from("{}"), 2, SECOND));
        assert_eq!(result, Ok(axum::body::Bytes::from_static(b"{}")));
    }

    #[test]
    fn only_a_body_over_the_limit_is_too_large() {
        assert_eq!(run(collect_body(axum::body::Body::from("{}"), 1, SECOND)), Err(BodyError::TooLarge));
    }

    #[test]
    fn a_truncated_body_is_broken_not_too_large() {
        let result = run(collect_body(body(b"{\"a\"", true), 1024, SECOND));
        assert!(matches!(result, Err(BodyError::Broken(_))), "{result:?}");
    }

    #[test]
    fn a_body_that_stops_arriving_times_out() {
        let timeout = std::time::Duration::from_millis(50);
        assert_eq!(run(collect_body(body(b"{", false), 1024, timeout)), Err(BodyError::Timeout));
    }

    #[test]
    fn only_announced_bodies_count() {
        let mut headers = http::HeaderMap::new();
        assert!(!has_body(&headers));
        headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from_static("0"));
        assert!(!has_body(&headers));
        headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from_static("3"));
        assert!(has_body(&headers));
        headers.remove(http::header::CONTENT_LENGTH);
        headers.insert(http::header::TRANSFER_ENCODING, http::HeaderValue::from_static("chunked"));
        assert!(has_body(&headers));
    }

    /// Two endpoints of one method and path, told apart by their JSON bodies: `Invite`
    /// needs `user_id`, `ThirdParty` needs `medium` and `address`.
    mod shared {
        use crate::error::{FromHttpRequestError, FromHttpResponseError, IntoHttpError};
        use crate::{Endpoint, EndpointResponse, ErrorFormat, Metadata};

        #[derive(Debug, serde::Deserialize)]
        pub struct Invite {
            #[allow(dead_code)]
            pub user_id: String,
        }

        #[derive(Debug, serde::Deserialize)]
        pub struct ThirdParty {
            #[allow(dead_code)]
            pub medium: String,
            #[allow(dead_code)]
            pub address: String,
        }

        /// Answers `200` with the name of the endpoint that read the request.
        #[derive(Debug)]
        pub struct Answer(pub &'static str);

        impl EndpointResponse for Answer {
            fn try_into_http_response(&self) -> Result<http::Response<Vec<u8>>, IntoHttpError> {
                crate::wire::response(200, Some(("text/plain", self.0.as_bytes().to_vec())))
            }

            fn try_from_http_response<B: AsRef<[u8]>>(_: &http::Response<B>) -> Result<Self, FromHttpResponseError> {
                Ok(Answer("any"))
            }
        }

        const fn metadata(name: &'static str) -> Metadata {
            Metadata {
                name,
                method: http::Method::POST,
                path: "/rooms/{roomId}/invite",
                security: None,
                request_body: Some("application/json"),
                errors: ErrorFormat::Problem,
            }
        }

        macro_rules! endpoint {
            ($type:ident, $name:literal) => {
                impl Endpoint for $type {
                    const METADATA: Metadata = metadata($name);
                    type Response = Answer;

                    fn try_into_http_request(&self, _: &str) -> Result<http::Request<Vec<u8>>, IntoHttpError> {
                        Ok(http::Request::new(Vec::new()))
                    }

                    fn try_from_http_request<B: AsRef<[u8]>>(
                        request: &http::Request<B>,
                    ) -> Result<Self, FromHttpRequestError> {
                        crate::wire::request_json(request.body().as_ref())
                    }
                }
            };
        }

        endpoint!(Invite, "invite");
        endpoint!(ThirdParty, "third_party");
    }

    #[test]
    fn media_ranges_accept_their_types() {
        let headers = |media: &'static str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(media));
            headers
        };
        let refused = |given, expected| content_type_error(ErrorFormat::Problem, &headers(given), expected).is_some();
        assert!(!refused("application/pdf", "*/*"));
        assert!(!refused("image/png; q=1", "image/*"));
        assert!(refused("text/plain", "image/*"));
        assert!(refused("text/plain", "application/json"));
        assert!(!refused("application/vnd.x+json", "application/json"));
    }

    /// Both endpoints of one method and path are served: a request goes to the first that
    /// reads it, one neither reads gets the last one's error, and nothing panics.
    #[test]
    fn endpoints_sharing_a_method_and_path_are_tried_in_turn() {
        use shared::{Answer, Invite, ThirdParty};
        let router = Router::new(Arc::new(()), ErrorFormat::Problem)
            .route(|_: Arc<()>, _: Context, _: ThirdParty| async { Ok(Answer("third_party")) })
            .route(|_: Arc<()>, _: Context, _: Invite| async { Ok(Answer("invite")) })
            .into_axum();
        let call = |body: &'static str| {
            let request = http::Request::post("/rooms/!r/invite")
                .header("content-type", "application/json")
                .header("content-length", body.len())
                .body(axum::body::Body::from(body))
                .expect("a request");
            let router = router.clone();
            run(async move {
                let response = router.oneshot(request).await.expect("infallible");
                let status = response.status();
                let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.expect("a body");
                (status, String::from_utf8_lossy(&bytes).into_owned())
            })
        };
        assert_eq!(call(r#"{"medium": "email", "address": "a@b.c"}"#), (http::StatusCode::OK, "third_party".into()));
        assert_eq!(call(r#"{"user_id": "@a:b.c"}"#), (http::StatusCode::OK, "invite".into()));
        let (status, body) = call(r#"{"neither": 1}"#);
        assert_eq!(status, http::StatusCode::BAD_REQUEST);
        assert!(body.contains("user_id"), "the last endpoint's error answers: {body}");
    }
}
