//! The generated server and client against each other on loopback: the client sends the
//! request the spec's `x-example`s describe, the server answers with the spec's response
//! example, and both sides see exactly those values. The examples are read from the spec
//! through the generator's own passes, not copied by hand.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use generator::lower::Operation;
use matrix_sync_api::client::{Client, ClientError};
use matrix_sync_api::endpoints::{sync, AccessToken};
use matrix_sync_api::runtime::{ApiError, ErrorBody, FromHttpResponseError};
use matrix_sync_api::server::{Api, Context};
use matrix_sync_api::types::SyncResponse;
use serde_json::Value;

const TOKEN: &str = "syt_e2e_token";

/// The `/sync` operation as the generator lowers it from `api/matrix-sync.codegen.yaml`.
fn sync_operation() -> Operation {
    let config = generator::Config::load(&tests::sync_config_path()).expect("the config loads");
    let mut diagnostics = generator::Diagnostics::default();
    let checked = generator::check(&config.spec_path(), &config.overlay_paths(), &mut diagnostics)
        .unwrap_or_else(|| panic!("the spec checks:\n{}", diagnostics.render(false)));
    let model = generator::lower::lower(&checked, &config, &mut diagnostics)
        .unwrap_or_else(|| panic!("the spec lowers:\n{}", diagnostics.render(false)));
    model.operations.into_iter().find(|op| op.name == sync::METADATA.name).expect("the spec has the sync operation")
}

/// The `x-example` of the parameter `wire`, as the Rust type the field wants.
fn parameter_example<T: serde::de::DeserializeOwned>(op: &Operation, wire: &str) -> T {
    let example = op
        .parameters
        .iter()
        .find(|p| p.wire == wire)
        .and_then(|p| p.example.clone())
        .unwrap_or_else(|| panic!("parameter `{wire}` has an example"));
    serde_json::from_value(example).unwrap_or_else(|e| panic!("the example of `{wire}` fits its type: {e}"))
}

/// The request built from every parameter's `x-example`.
fn example_request(op: &Operation) -> sync::Request {
    let request = sync::Request {
        filter: Some(parameter_example(op, "filter")),
        since: Some(parameter_example(op, "since")),
        set_presence: Some(parameter_example(op, "set_presence")),
        timeout: Some(parameter_example(op, "timeout")),
    };
    assert_eq!(op.parameters.len(), 4, "every parameter of the spec is set from its example");
    request
}

/// The spec's example of the `200` response body, as JSON.
fn example_response(op: &Operation) -> Value {
    op.responses
        .iter()
        .find(|r| r.status == Some(200))
        .and_then(|r| r.example.clone())
        .expect("the 200 response has an example")
}

/// Answers with the example and records what it was given; a request other than the
/// expected one is refused, so the client sees the mismatch too.
struct Recorder {
    expected: (AccessToken, sync::Request),
    response: SyncResponse,
    received: Mutex<Vec<(AccessToken, sync::Request)>>,
}

impl Api for Recorder {
    async fn sync(
        &self,
        _: &Context,
        credential: AccessToken,
        request: sync::Request,
    ) -> Result<sync::Response, ApiError> {
        let matches = (&credential, &request) == (&self.expected.0, &self.expected.1);
        let message = format!("unexpected request: {request:?}");
        self.received
            .lock()
            .map_err(|_| ApiError::internal(matrix_sync_api::ERROR_FORMAT, "poisoned"))?
            .push((credential, request));
        if !matches {
            return Err(ApiError::new(
                matrix_sync_api::ERROR_FORMAT,
                http::StatusCode::BAD_REQUEST,
                "M_TEST_MISMATCH",
                message,
            ));
        }
        Ok(sync::Response::Ok(self.response.clone()))
    }
}

/// Refuses every request with a handler error of its own.
struct Refuser;

impl Api for Refuser {
    async fn sync(&self, _: &Context, _: AccessToken, _: sync::Request) -> Result<sync::Response, ApiError> {
        let mut error = ApiError::new(
            matrix_sync_api::ERROR_FORMAT,
            http::StatusCode::TOO_MANY_REQUESTS,
            "M_LIMIT_EXCEEDED",
            "slow down",
        );
        if let ErrorBody::Matrix(body) = &mut error.body {
            body.extra.insert("retry_after_ms".into(), 2000.into());
        }
        Err(error)
    }
}

async fn start(api: impl Api) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(matrix_sync_api::server::router(Arc::new(api)).serve(listener));
    addr
}

#[tokio::test]
async fn the_client_gets_the_spec_example_for_the_spec_request() {
    let op = sync_operation();
    let request = example_request(&op);
    let example = example_response(&op);
    let response: SyncResponse = serde_json::from_value(example.clone()).expect("the example fits the type");
    let recorder = Arc::new(Recorder {
        expected: (AccessToken::from(TOKEN), request.clone()),
        response,
        received: Mutex::new(Vec::new()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(matrix_sync_api::server::router(Arc::clone(&recorder)).serve(listener));

    let client = Client::new(format!("http://{addr}")).with_credential(AccessToken::from(TOKEN));
    let answer = client.send(&request).await.expect("the call succeeds");

    let sync::Response::Ok(body) = answer;
    assert_eq!(serde_json::to_value(&body).expect("serializes"), example, "the client got the spec's example");
    let received = recorder.received.lock().expect("not poisoned").clone();
    assert_eq!(received, vec![(AccessToken::from(TOKEN), request)], "the handler got the spec's request and the token");
}

#[tokio::test]
async fn a_handler_error_reaches_the_client_as_an_api_error() {
    let addr = start(Refuser).await;
    let client = Client::new(format!("http://{addr}")).with_credential(AccessToken::from(TOKEN));
    match client.send(&sync::Request::default()).await {
        Err(ClientError::Api(error)) => {
            assert_eq!(error.status, http::StatusCode::TOO_MANY_REQUESTS);
            let ErrorBody::Matrix(body) = &error.body else { panic!("not a Matrix error body: {error:?}") };
            assert_eq!(body.errcode, "M_LIMIT_EXCEEDED");
            assert_eq!(body.error, "slow down");
            assert_eq!(body.extra.get("retry_after_ms"), Some(&Value::from(2000)));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_client_refuses_to_call_without_the_credential() {
    let addr = start(Refuser).await;
    let client = Client::new(format!("http://{addr}"));
    let result = client.send(&sync::Request::default()).await;
    assert!(matches!(result, Err(ClientError::MissingCredential { scheme: "accessToken" })), "got {result:?}");
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let addr = listener.local_addr().expect("a bound address");
    drop(listener);
    let client = Client::new(format!("http://{addr}")).with_credential(AccessToken::from(TOKEN));
    let result = client.send(&sync::Request::default()).await;
    assert!(matches!(result, Err(ClientError::Transport(_))), "got {result:?}");
}

/// Serves one canned HTTP/1.1 response to every connection.
async fn canned(response: &'static str) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    addr
}

#[tokio::test]
async fn a_body_that_does_not_match_the_spec_is_an_invalid_response() {
    let addr = canned(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 20\r\nconnection: close\r\n\r\n{\"next_batch\": 1234}",
    )
    .await;
    let client = Client::new(format!("http://{addr}")).with_credential(AccessToken::from(TOKEN));
    let result = client.send(&sync::Request::default()).await;
    match result {
        Err(ClientError::InvalidResponse(FromHttpResponseError::InvalidBody { status, reason })) => {
            assert_eq!(status, http::StatusCode::OK);
            assert!(reason.contains("invalid type"), "the reason says what is wrong: {reason}");
        }
        other => panic!("expected an invalid body, got {other:?}"),
    }
}

#[tokio::test]
async fn an_undeclared_status_without_an_error_body_is_an_invalid_response() {
    let addr = canned(
        "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 7\r\nconnection: close\r\n\r\n<html/>",
    )
    .await;
    let client = Client::new(format!("http://{addr}")).with_credential(AccessToken::from(TOKEN));
    let result = client.send(&sync::Request::default()).await;
    match result {
        Err(ClientError::InvalidResponse(FromHttpResponseError::UnexpectedStatus { status, body })) => {
            assert_eq!(status, http::StatusCode::BAD_GATEWAY);
            assert_eq!(body, b"<html/>");
        }
        other => panic!("expected an unexpected status, got {other:?}"),
    }
}

/// A value a `tower` layer puts in the request's extensions.
#[derive(Debug, Clone, PartialEq)]
struct Tag(&'static str);

/// What a handler saw of the request beyond its typed parameters.
#[derive(Debug, Default, Clone, PartialEq)]
struct Seen {
    header: Option<String>,
    peer: Option<SocketAddr>,
    tag: Option<Tag>,
}

/// Records the `x-request-id` header, the client's address and the [`Tag`] extension of each
/// request, and answers `200` with an empty sync.
#[derive(Default, Clone)]
struct Witness {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Api for Witness {
    async fn sync(&self, context: &Context, _: AccessToken, _: sync::Request) -> Result<sync::Response, ApiError> {
        let seen = Seen {
            header: context.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned),
            peer: context.peer_addr(),
            tag: context.extensions().get::<Tag>().cloned(),
        };
        self.seen.lock().map_err(|_| ApiError::internal(matrix_sync_api::ERROR_FORMAT, "poisoned"))?.push(seen);
        let body = serde_json::json!({"next_batch": "s1"});
        Ok(sync::Response::Ok(
            serde_json::from_value(body)
                .map_err(|e| ApiError::internal(matrix_sync_api::ERROR_FORMAT, e.to_string()))?,
        ))
    }
}

/// Sends a `GET /sync` with an `x-request-id` over a fresh connection; its local address
/// and the response's status line.
async fn get_with_request_id(addr: SocketAddr, id: &str) -> (SocketAddr, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("the server accepts");
    let local = stream.local_addr().expect("a local address");
    let request = format!(
        "GET /_matrix/client/v2_alpha/sync?access_token={TOKEN} HTTP/1.1\r\nhost: {addr}\r\nx-request-id: {id}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("the request is sent");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("the response arrives");
    let response = String::from_utf8_lossy(&response).into_owned();
    (local, response.lines().next().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_handler_sees_the_headers_and_the_peer_address_from_serve() {
    let witness = Witness::default();
    let addr = start(witness.clone()).await;
    let (local, status) = get_with_request_id(addr, "req-1").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    let seen = witness.seen.lock().expect("not poisoned").clone();
    assert_eq!(seen, vec![Seen { header: Some("req-1".into()), peer: Some(local), tag: None }]);
}

#[tokio::test]
async fn a_handler_sees_extensions_of_layers_and_axum_connect_info() {
    use matrix_sync_api::runtime::server::axum;
    let witness = Witness::default();
    let app =
        matrix_sync_api::server::router(Arc::new(witness.clone())).into_axum().layer(axum::Extension(Tag("layer")));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(std::future::IntoFuture::into_future(axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )));
    let (local, status) = get_with_request_id(addr, "req-2").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    let seen = witness.seen.lock().expect("not poisoned").clone();
    assert_eq!(seen, vec![Seen { header: Some("req-2".into()), peer: Some(local), tag: Some(Tag("layer")) }]);
}

#[tokio::test]
async fn a_success_body_can_be_read_in_pieces() {
    use matrix_sync_api::runtime::client::Streamed;
    let addr = canned(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n6\r\n{\"next\r\n10\r\n_batch\": \"s1\"}  \r\n0\r\n\r\n",
    )
    .await;
    let client = Client::new(format!("http://{addr}")).with_credential(AccessToken::from(TOKEN));
    let Ok(Streamed::Body(mut response)) = client.send_streaming(&sync::Request::default()).await else {
        panic!("a success status leaves the body unread")
    };
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("the body arrives") {
        body.extend_from_slice(&chunk);
    }
    assert_eq!(body, b"{\"next_batch\": \"s1\"}  ");

    let addr = canned(
        "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 7\r\nconnection: close\r\n\r\n<html/>",
    )
    .await;
    let client = Client::new(format!("http://{addr}")).with_credential(AccessToken::from(TOKEN));
    let result = client.send_streaming(&sync::Request::default()).await;
    assert!(
        matches!(result, Err(ClientError::InvalidResponse(FromHttpResponseError::UnexpectedStatus { .. }))),
        "another status is read whole, as `send` reads it: {result:?}"
    );
}
