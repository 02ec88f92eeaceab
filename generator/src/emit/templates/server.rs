/// How the server treats connections and request bodies: its limits and timeouts.
///
/// [`serve`] uses [`ServerConfig::default`]; [`serve_with`] and [`router_with`] take one.
/// Every timeout closes the connection (or answers `408`) instead of holding it open for a
/// client that has stopped sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    /// How long a client may take to send a request's head (request line and headers),
    /// counted from its first byte, and on a new connection from the moment it is accepted.
    /// A connection that has not sent a whole head by then is closed without an answer.
    /// Default: 15 seconds.
    pub header_read_timeout: ::std::time::Duration,
    /// How long a keep-alive connection may stay silent between requests, counted from the
    /// last byte of the previous response; then it is closed. Default: 60 seconds.
    pub idle_timeout: ::std::time::Duration,
    /// How long a client may take to send a request body, counted from the end of the head;
    /// a body that has not fully arrived by then is answered with `408` and the connection is
    /// closed. Default: 30 seconds.
    pub body_read_timeout: ::std::time::Duration,
    /// The largest request body read, in bytes; a larger one is answered with `413`.
    /// Default: [`BODY_LIMIT`].
    pub body_limit: usize,
    /// The largest request head (request line and headers), in bytes; a larger one is
    /// answered with `431`. Default: 64 KiB.
    pub max_header_bytes: usize,
    /// How many connections are served at once; further ones wait to be accepted.
    /// Default: 10,000.
    pub max_connections: usize,
}

impl ::std::default::Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            header_read_timeout: ::std::time::Duration::from_secs(15),
            idle_timeout: ::std::time::Duration::from_secs(60),
            body_read_timeout: ::std::time::Duration::from_secs(30),
            body_limit: BODY_LIMIT,
            max_header_bytes: 64 * 1024,
            max_connections: 10_000,
        }
    }
}

/// What every request handler shares: the implementation and the configuration.
struct Shared<A> {
    api: ::std::sync::Arc<A>,
    config: ServerConfig,
}

impl<A> ::std::clone::Clone for Shared<A> {
    fn clone(&self) -> Self {
        Shared { api: ::std::sync::Arc::clone(&self.api), config: self.config }
    }
}

/// Serves `api` on `listener` with the default [`ServerConfig`].
pub async fn serve<A: Api>(listener: ::tokio::net::TcpListener, api: ::std::sync::Arc<A>) -> ::std::io::Result<()> {
    serve_with(listener, api, ServerConfig::default()).await
}

/// Serves `api` on `listener` over HTTP/1.1 with the limits and timeouts of `config`.
///
/// It returns only if accepting fails for good; a failing connection (a client that
/// resets, sends garbage or times out) is closed and forgotten, and a failure to accept
/// (too many open files, say) is retried after a short pause.
pub async fn serve_with<A: Api>(
    listener: ::tokio::net::TcpListener,
    api: ::std::sync::Arc<A>,
    config: ServerConfig,
) -> ::std::io::Result<()> {
    let shared = Shared { api, config };
    let permits = ::std::sync::Arc::new(::tokio::sync::Semaphore::new(config.max_connections.max(1)));
    loop {
        let Ok(permit) = ::std::sync::Arc::clone(&permits).acquire_owned().await else {
            return ::std::result::Result::Ok(());
        };
        let stream = match listener.accept().await {
            ::std::result::Result::Ok((stream, _)) => stream,
            ::std::result::Result::Err(error) => {
                if !is_connection_error(&error) {
                    ::tokio::time::sleep(::std::time::Duration::from_millis(100)).await;
                }
                continue;
            }
        };
        let shared = shared.clone();
        ::tokio::spawn(async move {
            connection(stream, shared).await;
            drop(permit);
        });
    }
}

/// Whether an accept error concerns one connection only (it is dropped and the next one
/// accepted at once), rather than the process (out of file descriptors: wait a little).
fn is_connection_error(error: &::std::io::Error) -> bool {
    matches!(
        error.kind(),
        ::std::io::ErrorKind::ConnectionRefused
            | ::std::io::ErrorKind::ConnectionAborted
            | ::std::io::ErrorKind::ConnectionReset
    )
}

/// Serves one connection until the client closes it, it fails, or a timeout of the
/// [`Watch`] expires.
async fn connection<A: Api>(stream: ::tokio::net::TcpStream, shared: Shared<A>) {
    let config = shared.config;
    let _ = stream.set_nodelay(true);
    let watch = ::std::sync::Arc::new(Watch::new(config));
    let io = ::hyper_util::rt::TokioIo::new(Watched { stream, watch: ::std::sync::Arc::clone(&watch) });
    let service_watch = ::std::sync::Arc::clone(&watch);
    let service = ::hyper::service::service_fn(move |request: ::http::Request<::hyper::body::Incoming>| {
        let shared = shared.clone();
        let busy = Busy::start(::std::sync::Arc::clone(&service_watch));
        async move {
            let response = handle(&shared, request.map(::axum::body::Body::new)).await;
            drop(busy);
            ::std::result::Result::Ok::<_, ::std::convert::Infallible>(response)
        }
    });
    let mut builder = ::hyper::server::conn::http1::Builder::new();
    // The watch times heads out; hyper's own header timer would also cut idle connections.
    builder.header_read_timeout(::std::option::Option::None).keep_alive(true).max_header_size(config.max_header_bytes);
    let connection = builder.serve_connection(io, service);
    ::tokio::select! {
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
    state: ::std::sync::Mutex<WatchState>,
    changed: ::tokio::sync::Notify,
}

struct WatchState {
    /// Requests being handled.
    busy: usize,
    /// When the first byte of the next request head arrived, if one has.
    head_started: ::std::option::Option<::tokio::time::Instant>,
    /// When the connection became ready for a request: the accept, the end of the last
    /// handler or the last byte written since.
    ready_since: ::tokio::time::Instant,
    /// Whether a request has been handled (before that, silence counts as a slow head).
    served: bool,
}

impl Watch {
    fn new(config: ServerConfig) -> Self {
        let state = WatchState {
            busy: 0,
            head_started: ::std::option::Option::None,
            ready_since: ::tokio::time::Instant::now(),
            served: false,
        };
        Watch { config, state: ::std::sync::Mutex::new(state), changed: ::tokio::sync::Notify::new() }
    }

    fn state(&self) -> ::std::sync::MutexGuard<'_, WatchState> {
        self.state.lock().unwrap_or_else(::std::sync::PoisonError::into_inner)
    }

    /// Bytes arrived: the head of the next request has begun, unless one is being handled.
    fn read(&self) {
        let mut state = self.state();
        if state.busy == 0 && state.head_started.is_none() {
            state.head_started = ::std::option::Option::Some(::tokio::time::Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    /// Bytes left: a response is still being sent, so the connection is not idle.
    fn wrote(&self) {
        let mut state = self.state();
        if state.busy == 0 {
            state.ready_since = ::tokio::time::Instant::now();
        }
    }

    /// When the connection times out, if nothing more happens; `None` while a request is
    /// being handled.
    fn deadline(&self) -> ::std::option::Option<::tokio::time::Instant> {
        let state = self.state();
        if state.busy > 0 {
            return ::std::option::Option::None;
        }
        ::std::option::Option::Some(match state.head_started {
            ::std::option::Option::Some(start) => start + self.config.header_read_timeout,
            ::std::option::Option::None if !state.served => state.ready_since + self.config.header_read_timeout,
            ::std::option::Option::None => state.ready_since + self.config.idle_timeout,
        })
    }

    /// Completes when a timeout expires.
    async fn expired(&self) {
        loop {
            let changed = self.changed.notified();
            match self.deadline() {
                ::std::option::Option::Some(deadline) if deadline <= ::tokio::time::Instant::now() => return,
                ::std::option::Option::Some(deadline) => {
                    ::tokio::select! {
                        () = ::tokio::time::sleep_until(deadline) => {}
                        () = changed => {}
                    }
                }
                ::std::option::Option::None => changed.await,
            }
        }
    }
}

/// Marks a request as being handled while it lives.
struct Busy(::std::sync::Arc<Watch>);

impl Busy {
    fn start(watch: ::std::sync::Arc<Watch>) -> Self {
        {
            let mut state = watch.state();
            state.busy += 1;
            state.head_started = ::std::option::Option::None;
        }
        watch.changed.notify_one();
        Busy(watch)
    }
}

impl ::std::ops::Drop for Busy {
    fn drop(&mut self) {
        {
            let mut state = self.0.state();
            state.busy = state.busy.saturating_sub(1);
            state.served = true;
            state.ready_since = ::tokio::time::Instant::now();
        }
        self.0.changed.notify_one();
    }
}

/// A socket that tells its [`Watch`] when bytes come and go.
struct Watched {
    stream: ::tokio::net::TcpStream,
    watch: ::std::sync::Arc<Watch>,
}

impl ::tokio::io::AsyncRead for Watched {
    fn poll_read(
        mut self: ::std::pin::Pin<&mut Self>,
        cx: &mut ::std::task::Context<'_>,
        buf: &mut ::tokio::io::ReadBuf<'_>,
    ) -> ::std::task::Poll<::std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = ::std::pin::Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(poll, ::std::task::Poll::Ready(::std::result::Result::Ok(()))) && buf.filled().len() > before {
            self.watch.read();
        }
        poll
    }
}

impl ::tokio::io::AsyncWrite for Watched {
    fn poll_write(
        mut self: ::std::pin::Pin<&mut Self>,
        cx: &mut ::std::task::Context<'_>,
        buf: &[u8],
    ) -> ::std::task::Poll<::std::io::Result<usize>> {
        let poll = ::std::pin::Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(poll, ::std::task::Poll::Ready(::std::result::Result::Ok(n)) if n > 0) {
            self.watch.wrote();
        }
        poll
    }

    fn poll_write_vectored(
        mut self: ::std::pin::Pin<&mut Self>,
        cx: &mut ::std::task::Context<'_>,
        bufs: &[::std::io::IoSlice<'_>],
    ) -> ::std::task::Poll<::std::io::Result<usize>> {
        let poll = ::std::pin::Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(poll, ::std::task::Poll::Ready(::std::result::Result::Ok(n)) if n > 0) {
            self.watch.wrote();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(
        mut self: ::std::pin::Pin<&mut Self>,
        cx: &mut ::std::task::Context<'_>,
    ) -> ::std::task::Poll<::std::io::Result<()>> {
        ::std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: ::std::pin::Pin<&mut Self>,
        cx: &mut ::std::task::Context<'_>,
    ) -> ::std::task::Poll<::std::io::Result<()>> {
        ::std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Why a request body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(dead_code)] // Unused by an API whose operations take no body.
enum BodyError {
    /// More than the limit arrived (or was announced).
    TooLarge,
    /// The connection broke, or the framing is wrong: a truncated body, bad chunking.
    Broken(::std::string::String),
    /// The body did not arrive within the body read timeout.
    Timeout,
}

/// Reads `body` whole: at most `limit` bytes, within `timeout`.
#[allow(dead_code)] // Unused by an API whose operations take no body.
async fn collect_body(
    body: ::axum::body::Body,
    limit: usize,
    timeout: ::std::time::Duration,
) -> ::std::result::Result<::axum::body::Bytes, BodyError> {
    use ::axum::body::HttpBody as _;
    let read = async move {
        let mut body = ::std::pin::pin!(body);
        let mut bytes = ::std::vec::Vec::new();
        while let ::std::option::Option::Some(frame) = ::std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            let frame = frame.map_err(|error| BodyError::Broken(error.to_string()))?;
            if let ::std::result::Result::Ok(data) = frame.into_data() {
                if bytes.len().saturating_add(data.len()) > limit {
                    return ::std::result::Result::Err(BodyError::TooLarge);
                }
                bytes.extend_from_slice(&data);
            }
        }
        ::std::result::Result::Ok(::axum::body::Bytes::from(bytes))
    };
    match ::tokio::time::timeout(timeout, read).await {
        ::std::result::Result::Ok(result) => result,
        ::std::result::Result::Err(_) => ::std::result::Result::Err(BodyError::Timeout),
    }
}

/// Whether the request announces a body: a `content-length` other than `0`, or a
/// `transfer-encoding`.
#[allow(dead_code)] // Unused by an API without operations.
fn has_body(headers: &::http::HeaderMap) -> bool {
    headers.contains_key(::http::header::TRANSFER_ENCODING)
        || headers.get_all(::http::header::CONTENT_LENGTH).iter().any(|value| {
            value.to_str().ok().and_then(|value| value.trim().parse::<u64>().ok()) != ::std::option::Option::Some(0)
        })
}

/// The request with its body read, or the error response: `413` for a body over the
/// limit (announced or arrived), `408` for one that does not arrive in time and `400` for
/// one that breaks off or is badly framed; each closes the connection.
#[allow(dead_code)] // Unused by an API whose operations take no body.
async fn read_body(
    request: ::axum::extract::Request,
    config: &ServerConfig,
) -> ::std::result::Result<::http::Request<::axum::body::Bytes>, ::axum::response::Response> {
    let limit = config.body_limit;
    let declared = request
        .headers()
        .get(::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return ::std::result::Result::Err(closing_error_response(&ApiError::payload_too_large(limit)));
    }
    let (parts, body) = request.into_parts();
    match collect_body(body, limit, config.body_read_timeout).await {
        ::std::result::Result::Ok(bytes) => ::std::result::Result::Ok(::http::Request::from_parts(parts, bytes)),
        ::std::result::Result::Err(BodyError::TooLarge) => {
            ::std::result::Result::Err(closing_error_response(&ApiError::payload_too_large(limit)))
        }
        ::std::result::Result::Err(BodyError::Timeout) => {
            ::std::result::Result::Err(closing_error_response(&ApiError::request_timeout()))
        }
        ::std::result::Result::Err(BodyError::Broken(reason)) => {
            let error = FromHttpRequestError::InvalidBody { reason: ::std::format!("the body could not be read: {reason}") };
            ::std::result::Result::Err(closing_error_response(&ApiError::bad_request(&error)))
        }
    }
}

/// `415` when the request's `content-type` is not `expected` (any JSON type will do for a
/// JSON one); a body without `content-type` is taken to be of the expected type.
#[allow(dead_code)] // Unused by an API whose operations take no body.
fn content_type_error(headers: &::http::HeaderMap, expected: &str) -> ::std::option::Option<ApiError> {
    fn essence(media_type: &str) -> ::std::string::String {
        media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
    }
    fn is_json(essence: &str) -> bool {
        essence == "application/json" || essence.ends_with("+json")
    }
    let value = headers.get(::http::header::CONTENT_TYPE)?;
    let given = essence(&::std::string::String::from_utf8_lossy(value.as_bytes()));
    let wanted = essence(expected);
    if given == wanted || is_json(&given) && is_json(&wanted) {
        return ::std::option::Option::None;
    }
    ::std::option::Option::Some(ApiError::unsupported_media_type(expected, &given))
}

/// A handler's response, or `500` when it cannot be written (a header value with a line
/// break, say).
#[allow(dead_code)] // Unused by an API without operations.
fn respond(
    response: ::std::result::Result<::http::Response<::std::vec::Vec<u8>>, crate::error::IntoHttpError>,
) -> ::axum::response::Response {
    match response {
        ::std::result::Result::Ok(response) => response.map(::axum::body::Body::from),
        ::std::result::Result::Err(error) => error_response(&ApiError::internal(error.to_string())),
    }
}

/// The error as an `axum` response.
fn error_response(error: &ApiError) -> ::axum::response::Response {
    error.to_http_response().map(::axum::body::Body::from)
}

/// The error as an `axum` response that also closes the connection: the request's body was
/// not read, so the connection cannot carry another request.
#[allow(dead_code)] // Unused by an API without operations.
fn closing_error_response(error: &ApiError) -> ::axum::response::Response {
    let mut response = error_response(error);
    response.headers_mut().insert(::http::header::CONNECTION, ::http::HeaderValue::from_static("close"));
    response
}

/// The response to a `HEAD` request answered like a `GET`: the same status and headers,
/// `content-length` the length of the body it does not carry.
fn without_body(response: ::axum::response::Response) -> ::axum::response::Response {
    use ::axum::body::HttpBody as _;
    let (mut parts, body) = response.into_parts();
    if let ::std::option::Option::Some(length) = body.size_hint().exact() {
        parts.headers.insert(::http::header::CONTENT_LENGTH, ::http::HeaderValue::from(length));
    }
    ::axum::response::Response::from_parts(parts, ::axum::body::Body::empty())
}

/// `405` with the methods the path allows in `Allow` (`HEAD` wherever `GET` is).
fn method_not_allowed(method: &::http::Method, allowed: &[::http::Method]) -> ::axum::response::Response {
    let mut response = error_response(&ApiError::method_not_allowed(method));
    let mut names: ::std::vec::Vec<&str> = allowed.iter().map(::http::Method::as_str).collect();
    if names.contains(&"GET") && !names.contains(&"HEAD") {
        names.push("HEAD");
    }
    if let ::std::result::Result::Ok(value) = ::http::HeaderValue::from_str(&names.join(", ")) {
        response.headers_mut().insert(::http::header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body that sends `data`, then fails (a truncated body) or never ends (a slow one).
    struct Scripted {
        data: ::std::option::Option<::axum::body::Bytes>,
        then_fail: bool,
    }

    impl ::axum::body::HttpBody for Scripted {
        type Data = ::axum::body::Bytes;
        type Error = ::std::io::Error;

        fn poll_frame(
            mut self: ::std::pin::Pin<&mut Self>,
            _: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::option::Option<::std::result::Result<::hyper::body::Frame<Self::Data>, Self::Error>>> {
            if let ::std::option::Option::Some(data) = self.data.take() {
                return ::std::task::Poll::Ready(::std::option::Option::Some(::std::result::Result::Ok(::hyper::body::Frame::data(data))));
            }
            if self.then_fail {
                let error = ::std::io::Error::new(::std::io::ErrorKind::UnexpectedEof, "incomplete body");
                return ::std::task::Poll::Ready(::std::option::Option::Some(::std::result::Result::Err(error)));
            }
            ::std::task::Poll::Pending
        }
    }

    fn run<F: ::std::future::Future>(future: F) -> F::Output {
        let runtime = ::tokio::runtime::Builder::new_current_thread().enable_time().build();
        runtime.expect("a runtime").block_on(future)
    }

    fn body(data: &'static [u8], then_fail: bool) -> ::axum::body::Body {
        ::axum::body::Body::new(Scripted { data: ::std::option::Option::Some(::axum::body::Bytes::from_static(data)), then_fail })
    }

    const SECOND: ::std::time::Duration = ::std::time::Duration::from_secs(1);

    #[test]
    fn a_whole_body_is_read() {
        let result = run(collect_body(::axum::body::Body::from("{}"), 2, SECOND));
        assert_eq!(result, ::std::result::Result::Ok(::axum::body::Bytes::from_static(b"{}")));
    }

    #[test]
    fn only_a_body_over_the_limit_is_too_large() {
        assert_eq!(run(collect_body(::axum::body::Body::from("{}"), 1, SECOND)), ::std::result::Result::Err(BodyError::TooLarge));
    }

    #[test]
    fn a_truncated_body_is_broken_not_too_large() {
        let result = run(collect_body(body(b"{\"a\"", true), 1024, SECOND));
        assert!(matches!(result, ::std::result::Result::Err(BodyError::Broken(_))), "{result:?}");
    }

    #[test]
    fn a_body_that_stops_arriving_times_out() {
        let timeout = ::std::time::Duration::from_millis(50);
        assert_eq!(run(collect_body(body(b"{", false), 1024, timeout)), ::std::result::Result::Err(BodyError::Timeout));
    }

    #[test]
    fn only_announced_bodies_count() {
        let mut headers = ::http::HeaderMap::new();
        assert!(!has_body(&headers));
        headers.insert(::http::header::CONTENT_LENGTH, ::http::HeaderValue::from_static("0"));
        assert!(!has_body(&headers));
        headers.insert(::http::header::CONTENT_LENGTH, ::http::HeaderValue::from_static("3"));
        assert!(has_body(&headers));
        headers.remove(::http::header::CONTENT_LENGTH);
        headers.insert(::http::header::TRANSFER_ENCODING, ::http::HeaderValue::from_static("chunked"));
        assert!(has_body(&headers));
    }
}
