//! A Matrix endpoint written by hand against `specgen-runtime`, the way ruma writes its
//! endpoints (`ruma-client-api`'s `sync_events`), beside the one generated from the spec.
//! Both implement the runtime's `Endpoint`, so one client sends either and one router serves
//! either; the tests check that they speak the same HTTP, in both directions.
//!
//! What the comparison shows: the hand-written one types what the spec leaves loose
//! (`timeout` as a `Duration`, presence with a default instead of an `Option`, `next_batch`
//! required), while the generated one carries exactly the spec, no more and no less.

use std::sync::Arc;
use std::time::Duration;

use matrix_sync_api::endpoints::{sync, AccessToken};
use matrix_sync_api::runtime::{ApiError, Endpoint, EndpointResponse};
use matrix_sync_api::server::Context;
use matrix_sync_api::types::SyncSetPresence;

/// `GET /_matrix/client/v2_alpha/sync`, by hand.
mod sync_by_hand {
    use std::time::Duration;

    use serde::{Deserialize, Serialize};
    use specgen_runtime::{
        CredentialLocation, Endpoint, EndpointResponse, ErrorFormat, FromHttpRequestError, FromHttpResponseError,
        IntoHttpError, Metadata, ParamLocation, SecurityRequirement, SecurityScheme,
    };

    pub const METADATA: Metadata = Metadata {
        name: "sync",
        method: http::Method::GET,
        path: "/_matrix/client/v2_alpha/sync",
        security: Some(SecurityRequirement {
            alternatives: &[&[SecurityScheme {
                scheme: "accessToken",
                location: CredentialLocation::Query("access_token"),
            }]],
            optional: false,
        }),
        request_body: None,
        errors: ErrorFormat::Matrix,
    };

    /// Whether syncing marks the user online.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub enum PresenceState {
        /// Marked online (the default: not sent).
        #[default]
        Online,
        /// Not marked online.
        Offline,
    }

    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Request {
        pub filter: Option<String>,
        pub since: Option<String>,
        pub set_presence: PresenceState,
        pub timeout: Option<Duration>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Response {
        pub next_batch: String,
        /// Everything else, kept as the server sent it.
        #[serde(flatten)]
        pub rest: serde_json::Map<String, serde_json::Value>,
    }

    fn invalid(name: &'static str, reason: impl ToString) -> FromHttpRequestError {
        FromHttpRequestError::InvalidParameter { name, location: ParamLocation::Query, reason: reason.to_string() }
    }

    impl Endpoint for Request {
        const METADATA: Metadata = METADATA;
        type Response = Response;

        fn try_into_http_request(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, IntoHttpError> {
            let mut query = form_urlencoded::Serializer::new(String::new());
            if let Some(filter) = &self.filter {
                query.append_pair("filter", filter);
            }
            if let Some(since) = &self.since {
                query.append_pair("since", since);
            }
            if self.set_presence == PresenceState::Offline {
                query.append_pair("set_presence", "offline");
            }
            if let Some(timeout) = self.timeout {
                query.append_pair("timeout", &timeout.as_millis().to_string());
            }
            let query = query.finish();
            let uri = format!("{}{}?{query}", base_url.trim_end_matches('/'), METADATA.path);
            let uri = uri.trim_end_matches('?').to_owned();
            let parsed: http::Uri = uri
                .parse()
                .map_err(|e: http::uri::InvalidUri| IntoHttpError::InvalidUri { reason: e.to_string(), uri })?;
            http::Request::builder()
                .method(METADATA.method)
                .uri(parsed)
                .body(Vec::new())
                .map_err(|e| IntoHttpError::InvalidUri { uri: String::new(), reason: e.to_string() })
        }

        fn try_from_http_request<B: AsRef<[u8]>>(request: &http::Request<B>) -> Result<Self, FromHttpRequestError> {
            if request.method() != METADATA.method || request.uri().path() != METADATA.path {
                return Err(FromHttpRequestError::WrongEndpoint {
                    method: request.method().clone(),
                    path: request.uri().path().to_owned(),
                });
            }
            let mut out = Request::default();
            for (name, value) in form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes()) {
                match &*name {
                    "filter" => out.filter = Some(value.into_owned()),
                    "since" => out.since = Some(value.into_owned()),
                    "set_presence" if value == "offline" => out.set_presence = PresenceState::Offline,
                    "set_presence" => return Err(invalid("set_presence", format!("unknown value `{value}`"))),
                    "timeout" => {
                        let millis: u64 = value.parse().map_err(|e| invalid("timeout", e))?;
                        out.timeout = Some(Duration::from_millis(millis));
                    }
                    _ => {}
                }
            }
            Ok(out)
        }
    }

    impl EndpointResponse for Response {
        fn try_into_http_response(&self) -> Result<http::Response<Vec<u8>>, IntoHttpError> {
            let body = serde_json::to_vec(self).map_err(|e| IntoHttpError::InvalidBody { reason: e.to_string() })?;
            http::Response::builder()
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body)
                .map_err(|e| IntoHttpError::InvalidBody { reason: e.to_string() })
        }

        fn try_from_http_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Result<Self, FromHttpResponseError> {
            let status = response.status();
            if status != http::StatusCode::OK {
                return Err(FromHttpResponseError::UnexpectedStatus {
                    status,
                    body: response.body().as_ref().to_vec(),
                });
            }
            serde_json::from_slice(response.body().as_ref())
                .map_err(|e| FromHttpResponseError::InvalidBody { status, reason: e.to_string() })
        }
    }
}

const EXAMPLE: &str = r#"{"next_batch": "s72595_4483_1934", "presence": {"events": [{"type": "m.presence"}]}}"#;

#[test]
fn both_have_the_same_metadata() {
    assert_eq!(<sync_by_hand::Request as Endpoint>::METADATA, <sync::Request as Endpoint>::METADATA);
}

#[test]
fn a_request_written_by_either_is_read_by_the_other() {
    let by_hand = sync_by_hand::Request {
        filter: Some("f/1 x".into()),
        since: Some("s72594_4483_1934".into()),
        set_presence: sync_by_hand::PresenceState::Offline,
        timeout: Some(Duration::from_millis(30000)),
    };
    let generated = sync::Request {
        filter: Some("f/1 x".into()),
        since: Some("s72594_4483_1934".into()),
        set_presence: Some(SyncSetPresence::Offline),
        timeout: Some(30000),
    };
    let from_hand = by_hand.try_into_http_request("https://example.org").expect("written");
    let from_generated = generated.try_into_http_request("https://example.org").expect("written");
    assert_eq!(from_hand.uri(), from_generated.uri());
    assert_eq!(from_hand.method(), from_generated.method());
    assert_eq!(sync::Request::try_from_http_request(&from_hand), Ok(generated));
    assert_eq!(sync_by_hand::Request::try_from_http_request(&from_generated), Ok(by_hand));
}

#[test]
fn a_response_written_by_either_is_read_by_the_other() {
    let generated = sync::Response::Ok(serde_json::from_str(EXAMPLE).expect("the generated type reads it"));
    let by_hand: sync_by_hand::Response = serde_json::from_str(EXAMPLE).expect("the hand-written type reads it");
    let from_generated = generated.try_into_http_response().expect("written");
    let from_hand = by_hand.try_into_http_response().expect("written");
    assert_eq!(sync_by_hand::Response::try_from_http_response(&from_generated), Ok(by_hand));
    assert_eq!(sync::Response::try_from_http_response(&from_hand), Ok(generated));
}

/// One generated server; the hand-written request goes through the same runtime client.
struct Server;

impl matrix_sync_api::server::Api for Server {
    async fn sync(
        &self,
        _: &Context,
        credential: AccessToken,
        request: sync::Request,
    ) -> Result<sync::Response, ApiError> {
        assert_eq!(credential.0, "t");
        assert_eq!(request.timeout, Some(1500));
        Ok(sync::Response::Ok(serde_json::from_str(EXAMPLE).expect("the example")))
    }
}

#[tokio::test]
async fn the_runtime_client_sends_either_to_the_generated_server() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(matrix_sync_api::server::router(Arc::new(Server)).serve(listener));
    let client = matrix_sync_api::client::Client::new(format!("http://{addr}")).with_credential(AccessToken::from("t"));

    let by_hand = sync_by_hand::Request { timeout: Some(Duration::from_millis(1500)), ..Default::default() };
    let answer = client.send(&by_hand).await.expect("the hand-written request is served");
    assert_eq!(answer.next_batch, "s72595_4483_1934");

    let generated = sync::Request { timeout: Some(1500), ..Default::default() };
    let sync::Response::Ok(body) = client.send(&generated).await.expect("the generated request is served");
    assert_eq!(body.next_batch.as_deref(), Some("s72595_4483_1934"));
}
