//! Raw HTTP/1.1 over a loopback socket against the generated server: the status, the
//! `content-type` and the Matrix error body of every way a client can get a request wrong,
//! and a handler's own error passing through unchanged.

use std::net::SocketAddr;
use std::sync::Arc;

use matrix_sync_api::endpoints::{sync, AccessToken};
use matrix_sync_api::runtime::ApiError;
use matrix_sync_api::server::{Api, Context};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SYNC: &str = sync::METADATA.path;

/// Answers every request with an empty sync response, or the handler error of `refuse`.
struct Server {
    refuse: Option<(http::StatusCode, &'static str, &'static str)>,
}

impl Api for Server {
    async fn sync(&self, _: &Context, _: AccessToken, _: sync::Request) -> Result<sync::Response, ApiError> {
        match self.refuse {
            Some((status, code, message)) => Err(ApiError::new(matrix_sync_api::ERROR_FORMAT, status, code, message)),
            None => Ok(sync::Response::Ok(Default::default())),
        }
    }
}

async fn start(server: Server) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(matrix_sync_api::server::router(Arc::new(server)).serve(listener));
    addr
}

/// A response as it came off the wire.
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body is JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts a Matrix error: the status, `content-type: application/json` and `errcode`;
    /// returns the message.
    fn assert_error(&self, status: u16, errcode: &str) -> String {
        assert_eq!(self.status, status, "status of {self:?}");
        assert_eq!(self.header("content-type"), Some("application/json"), "content-type of {self:?}");
        let body = self.json();
        assert_eq!(body["errcode"], errcode, "errcode of {body}");
        body["error"].as_str().unwrap_or_else(|| panic!("a string `error` in {body}")).to_owned()
    }
}

/// Sends `head` (request line and headers, without the blank line) and reads the response.
async fn send(addr: SocketAddr, head: &str) -> Raw {
    parse(&exchange(addr, &format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n")).await)
}

/// Sends `request` as it is and reads until the server closes the connection, within a
/// deadline.
async fn exchange(addr: SocketAddr, request: &str) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("the server accepts");
    stream.write_all(request.as_bytes()).await.expect("the request is sent");
    let mut bytes = Vec::new();
    let read = stream.read_to_end(&mut bytes);
    match tokio::time::timeout(std::time::Duration::from_secs(10), read).await {
        Ok(Ok(_)) => {}
        // A reset after the answer (the server closing with request bytes unread) is fine.
        Ok(Err(_)) => assert!(!bytes.is_empty(), "the connection failed before any answer"),
        Err(_) => panic!("no end of the response in time: {:?}", String::from_utf8_lossy(&bytes)),
    }
    bytes
}

fn parse(bytes: &[u8]) -> Raw {
    let raw = parse_head(bytes);
    if let Some(length) = raw.header("content-length") {
        assert_eq!(length.parse::<usize>().ok(), Some(raw.body.len()), "content-length matches the body");
    }
    raw
}

/// The response without checking its `content-length` (a `HEAD` response has none of it).
fn parse_head(bytes: &[u8]) -> Raw {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("a status line");
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let body = bytes[split + 4..].to_vec();
    Raw { status, headers, body }
}

#[tokio::test]
async fn a_request_without_the_token_is_401_missing_token() {
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, &format!("GET {SYNC}?timeout=30000 HTTP/1.1")).await;
    response.assert_error(401, "M_MISSING_TOKEN");
}

#[tokio::test]
async fn an_empty_token_is_401_missing_token() {
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, &format!("GET {SYNC}?access_token= HTTP/1.1")).await;
    response.assert_error(401, "M_MISSING_TOKEN");
}

#[tokio::test]
async fn a_timeout_that_is_not_a_number_is_400_invalid_param_naming_timeout() {
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, &format!("GET {SYNC}?access_token=t&timeout=abc HTTP/1.1")).await;
    let message = response.assert_error(400, "M_INVALID_PARAM");
    assert!(message.contains("`timeout`"), "the message names the parameter: {message}");
}

#[tokio::test]
async fn an_unlisted_presence_reaches_the_handler() {
    // String enums are open on the request side too (decision 28): a value the spec does not
    // list is the handler's to accept or refuse, not a 400 from the generated code.
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, &format!("GET {SYNC}?access_token=t&set_presence=online HTTP/1.1")).await;
    assert_eq!(response.status, 200, "{response:?}");
}

#[tokio::test]
async fn a_repeated_parameter_is_400_invalid_param() {
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, &format!("GET {SYNC}?access_token=t&since=a&since=b HTTP/1.1")).await;
    let message = response.assert_error(400, "M_INVALID_PARAM");
    assert!(message.contains("`since`"), "the message names the parameter: {message}");
}

#[tokio::test]
async fn an_unknown_path_is_404_unrecognized() {
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, "GET /_matrix/client/v2_alpha/nope?access_token=t HTTP/1.1").await;
    response.assert_error(404, "M_UNRECOGNIZED");
}

#[tokio::test]
async fn a_post_to_sync_is_405_unrecognized() {
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, &format!("POST {SYNC}?access_token=t HTTP/1.1\r\nContent-Length: 0")).await;
    response.assert_error(405, "M_UNRECOGNIZED");
    assert_eq!(response.header("allow"), Some("GET, HEAD"));
}

#[tokio::test]
async fn head_is_answered_like_get_without_the_body() {
    let addr = start(Server { refuse: None }).await;
    let get = send(addr, &format!("GET {SYNC}?access_token=t HTTP/1.1")).await;
    let head = parse_head(
        &exchange(addr, &format!("HEAD {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"))
            .await,
    );
    assert_eq!(head.status, 200, "{head:?}");
    assert_eq!(head.header("content-type"), get.header("content-type"));
    assert_eq!(head.header("content-length"), Some(get.body.len().to_string().as_str()));
    assert!(head.body.is_empty(), "{head:?}");
    // HEAD still checks the request like GET does.
    let refused = parse_head(
        &exchange(addr, &format!("HEAD {SYNC} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")).await,
    );
    assert_eq!(refused.status, 401);
    assert!(refused.body.is_empty());
}

#[tokio::test]
async fn a_body_on_an_operation_that_takes_none_is_400_unread() {
    let addr = start(Server { refuse: None }).await;
    let requests = [
        format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 2\r\n\r\n{{}}"),
        format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n"),
        // Over the body limit, truncated, badly chunked or announced with `Expect`: never read.
        format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{{", matrix_sync_api::runtime::server::ServerConfig::default().body_limit + 1),
        format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 100\r\n\r\n{{\"a\""),
        format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}"),
        format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"),
    ];
    for request in requests {
        let bytes = exchange(addr, &request).await;
        assert!(bytes.starts_with(b"HTTP/1.1 400 "), "`{request}` gave {:?}", String::from_utf8_lossy(&bytes));
        let response = parse(&bytes);
        let message = response.assert_error(400, "M_BAD_JSON");
        assert!(message.contains("`sync` takes no request body"), "{message}");
        assert_eq!(response.header("connection"), Some("close"));
    }
}

#[tokio::test]
async fn undecodable_parameters_are_400_naming_them() {
    let addr = start(Server { refuse: None }).await;
    for (query, name) in [
        ("access_token=t&since=%FF", "`since`"),
        ("access_token=t&since=%zz", "`since`"),
        ("access_token=t&since=a%2", "`since`"),
        ("access_token=t&filter=%C3%28", "`filter`"),
        ("access_token=%FF", "`access_token`"),
        ("access_token=%zz", "`access_token`"),
    ] {
        let response = send(addr, &format!("GET {SYNC}?{query} HTTP/1.1")).await;
        let message = response.assert_error(400, "M_INVALID_PARAM");
        assert!(message.contains(name), "`{query}`: the message names the parameter: {message}");
    }
}

#[tokio::test]
async fn a_repeated_access_token_is_400_naming_it() {
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, &format!("GET {SYNC}?access_token=a&access_token=b HTTP/1.1")).await;
    let message = response.assert_error(400, "M_INVALID_PARAM");
    assert!(message.contains("`access_token`") && message.contains("more than once"), "{message}");
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let addr = start(Server { refuse: None }).await;
    let one = format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let two = format!("GET {SYNC} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let bytes = exchange(addr, &format!("{one}{two}")).await;
    let text = String::from_utf8_lossy(&bytes);
    let statuses: Vec<&str> = text.match_indices("HTTP/1.1 ").map(|(i, _)| &text[i + 9..i + 12]).collect();
    assert_eq!(statuses, ["200", "401"], "{text}");
}

#[tokio::test]
async fn oversized_heads_are_refused_and_the_server_stays_up() {
    let addr = start(Server { refuse: None }).await;
    let close = "Connection: close\r\n";
    let long_uri =
        format!("GET {SYNC}?access_token=t&x={} HTTP/1.1\r\nHost: {addr}\r\n{close}\r\n", "a".repeat(100_000));
    let many_headers: String = (0..10_000).map(|i| format!("X-{i}: {i}\r\n")).collect();
    let many_headers = format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\n{close}{many_headers}\r\n");
    let long_header =
        format!("GET {SYNC}?access_token=t HTTP/1.1\r\nHost: {addr}\r\n{close}X-Long: {}\r\n\r\n", "a".repeat(100_000));
    for request in [long_uri, many_headers, long_header] {
        let bytes = exchange(addr, &request).await;
        let status = parse_head(&bytes).status;
        assert!((400..500).contains(&status), "{} bytes gave {status}", request.len());
    }
    let many_params: String = (0..2000).map(|i| format!("&p{i}={i}")).collect();
    let response = send(addr, &format!("GET {SYNC}?access_token=t{many_params} HTTP/1.1")).await;
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn the_token_and_unknown_parameters_do_not_disturb_parsing() {
    let addr = start(Server { refuse: None }).await;
    let response = send(addr, &format!("GET {SYNC}?access_token=t&timeout=30000&unknown=1 HTTP/1.1")).await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.json(), json!({}));
}

#[tokio::test]
async fn a_handler_error_passes_through_with_its_status_and_code() {
    let refuse = Some((http::StatusCode::FORBIDDEN, "M_FORBIDDEN", "not for you"));
    let addr = start(Server { refuse }).await;
    let response = send(addr, &format!("GET {SYNC}?access_token=t HTTP/1.1")).await;
    let message = response.assert_error(403, "M_FORBIDDEN");
    assert_eq!(message, "not for you");
}

#[tokio::test]
async fn malformed_requests_get_client_errors_never_500() {
    let addr = start(Server { refuse: None }).await;
    let heads = [
        format!("GET {SYNC}?access_token=t&timeout=%ff HTTP/1.1"),
        format!("GET {SYNC}?access_token=t&timeout=99999999999999999999999 HTTP/1.1"),
        format!("GET {SYNC}?access_token=t&timeout= HTTP/1.1"),
        // Not UTF-8: no value of the open enum `set_presence`.
        format!("GET {SYNC}?access_token=t&set_presence=%ff HTTP/1.1"),
        format!("GET {SYNC}?%%%=%%%&access_token=t&timeout=1%zz HTTP/1.1"),
        format!("GET {SYNC}%ff?access_token=t HTTP/1.1"),
        format!("GET {SYNC}/?access_token=t HTTP/1.1"),
        "GET //// HTTP/1.1".to_owned(),
        format!("DELETE {SYNC} HTTP/1.1"),
    ];
    for head in heads {
        let response = send(addr, &head).await;
        assert!((400..500).contains(&response.status), "`{head}` gave {response:?}");
        assert_eq!(response.header("content-type"), Some("application/json"), "`{head}` gave {response:?}");
        assert!(response.json()["errcode"].is_string(), "`{head}` gave {response:?}");
    }
    // The server is still up.
    let response = send(addr, &format!("GET {SYNC}?access_token=t HTTP/1.1")).await;
    assert_eq!(response.status, 200);
}
