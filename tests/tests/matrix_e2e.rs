//! The crate generated from the whole Matrix Client-Server API v1.7
//! (`api/matrix-client.codegen.yaml`): its client and its server against each other on
//! loopback, for a sample of endpoints covering path parameters (the empty state key
//! included), query parameters, JSON bodies, `GET`, `PUT`, `POST` and `DELETE`, the access
//! token and endpoints without one.
//!
//! For each endpoint the request is built from the spec's examples (each parameter's
//! `x-example`, the body's example), read through the generator's own passes
//! (`Config::load`, `check_with`, `lower`), not copied by hand; where the spec gives none, the
//! test writes a value, and says so with [`Op::written`] or [`Op::written_response`]. One
//! server implements just the sampled methods of `Api`: each checks that it received exactly
//! the request and credential the client sent, and answers with the spec's response example;
//! the client checks that it gets that response, as a typed value and as JSON equal to the
//! example (nothing dropped). Beside them: a method left out answers `501` in Matrix's error
//! format, an unknown path `404`, an empty token `401`, and the two operations sharing
//! `POST /rooms/{roomId}/invite` each reach their own handler.
//!
//! Matrix writes parts of its examples as `{"$ref": "file", ...more keys}`; the config's
//! `examples: {refs: resolve}` has the generator resolve them, so the examples here are whole.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use generator::lower::{Model, Operation};
use matrix_client_api::client::{Client, ClientError};
use matrix_client_api::endpoints::{
    account_data, create_room, directory, filter, inviting, list_joined_rooms, login, message_pagination, profile,
    redaction, room_send, room_state, rooms, sync, tags, third_party_membership, versions, AccessToken,
};
use matrix_client_api::runtime::{
    ApiError, Endpoint, EndpointResponse, ErrorBody, FromHttpRequestError, FromHttpResponseError, IntoHttpError,
    MatrixError, Metadata,
};
use matrix_client_api::server::{Api, Context};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// The access token the client sends, written by this test (a `securityDefinitions` entry has
/// no example).
const TOKEN: &str = "syt_YWxpY2U_matrix_e2e_token";

// ---------------------------------------------------------------------------------------------
// The spec, through the generator's passes

/// The whole Client-Server API as the generator checks and lowers it.
struct Spec {
    model: Model,
}

impl Spec {
    fn load() -> Spec {
        let path = tests::workspace_root().join("api/matrix-client.codegen.yaml");
        let config = generator::Config::load(&path).unwrap_or_else(|e| panic!("the config loads: {e:?}"));
        let mut diagnostics = generator::Diagnostics::default();
        let inputs = generator::Inputs {
            overlays: config.overlay_paths(),
            root: config.root_path(),
            limits: config.limits(),
            named_at: Vec::new(),
            example_refs: config.examples.refs,
        };
        let checked = generator::check_with(&config.spec_paths(), &inputs, &mut diagnostics)
            .unwrap_or_else(|| panic!("the spec checks:\n{}", diagnostics.render(false)));
        let model = generator::lower::lower(&checked, &config, &mut diagnostics)
            .unwrap_or_else(|| panic!("the spec lowers:\n{}", diagnostics.render(false)));
        Spec { model }
    }

    /// The operation the generated endpoint `E` was made from: the one of its name, method and
    /// path.
    fn op<E: Endpoint>(&self) -> Op<'_, E> {
        let m = E::METADATA;
        let mut found = self
            .model
            .operations
            .iter()
            .filter(|op| op.name == m.name && op.method == m.method.as_str() && op.path == m.path);
        let op = found.next().unwrap_or_else(|| panic!("the spec has `{} {}` ({})", m.method, m.path, m.name));
        assert!(found.next().is_none(), "one operation is `{} {}` ({})", m.method, m.path, m.name);
        Op {
            op,
            used: RefCell::new(BTreeSet::new()),
            response: RefCell::new(None),
            _endpoint: std::marker::PhantomData,
        }
    }
}

/// Whether two JSON values are equal, a number written as an integer equal to the same
/// number written as a float (a `number` schema's `f64` writes `60000` as `60000.0`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64().is_some_and(|x| Some(x) == y.as_f64()),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// `example` as the type `T`, checked to serialize back to the same JSON.
fn typed<T: Serialize + DeserializeOwned>(example: &Value, what: &str) -> T {
    let value: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("{what}: the example fits its type: {e}\n{example:#}"));
    let back = serde_json::to_value(&value).expect("serializes");
    assert!(
        same_json(&back, example),
        "{what}: the example changed on its way through its type:\n{back:#}\n!=\n{example:#}"
    );
    value
}

/// One operation of the spec, the generated endpoint `E`'s, and what of its examples a case
/// used.
struct Op<'s, E> {
    op: &'s Operation,
    /// The parameters set, from their example or written.
    used: RefCell<BTreeSet<String>>,
    /// The response body the client must get, as JSON.
    response: RefCell<Option<Value>>,
    _endpoint: std::marker::PhantomData<E>,
}

impl<E: Endpoint> Op<'_, E> {
    fn what(&self, part: &str) -> String {
        format!("`{} {}` ({}) {part}", self.op.method, self.op.path, self.op.name)
    }

    fn parameter(&self, wire: &str) -> &generator::lower::operations::Param {
        let param = self.op.parameters.iter().find(|p| p.wire == wire);
        let param = param.unwrap_or_else(|| panic!("{}", self.what(&format!("has the parameter `{wire}`"))));
        assert!(self.used.borrow_mut().insert(wire.to_owned()), "{}", self.what(&format!("`{wire}` is set once")));
        param
    }

    /// The parameter `wire` from its `x-example`, as the field's type.
    fn param<T: Serialize + DeserializeOwned>(&self, wire: &str) -> T {
        let param = self.parameter(wire);
        let what = self.what(&format!("parameter `{wire}`"));
        let example = param.example.as_ref().unwrap_or_else(|| panic!("{what} has an example"));
        typed(example, &what)
    }

    /// A value this test writes for the parameter `wire`, which has no (valid) example.
    fn written<T>(&self, wire: &str, value: T) -> T {
        let param = self.parameter(wire);
        assert_eq!(param.example, None, "{}: use the spec's example", self.what(&format!("parameter `{wire}`")));
        value
    }

    /// The request body from the spec's example: the media type's, else the schema's (the only
    /// place Swagger 2.0 has for it).
    fn body<T: Serialize + DeserializeOwned>(&self) -> T {
        let what = self.what("request body");
        let body = self.op.body.as_ref().unwrap_or_else(|| panic!("{what} is declared"));
        let example = body.example.clone();
        typed(&example.unwrap_or_else(|| panic!("{what} has an example")), &what)
    }

    /// The body of the response `status` from the spec's example, as the generator lowered it
    /// (checked by its lint, `$ref`s resolved).
    fn response<T: Serialize + DeserializeOwned>(&self, status: u16) -> T {
        let what = self.what(&format!("response {status}"));
        let response = self.op.responses.iter().find(|r| r.status == Some(status));
        let response = response.unwrap_or_else(|| panic!("{what} is declared"));
        let example = response.example.clone().unwrap_or_else(|| panic!("{what} has an example"));
        self.expect_response(typed(&example, &what), example)
    }

    /// A response body this test writes, for a response the spec gives no example of.
    fn written_response<T: Serialize + DeserializeOwned>(&self, status: u16, value: Value) -> T {
        let what = self.what(&format!("response {status}"));
        let response = self.op.responses.iter().find(|r| r.status == Some(status));
        let response = response.unwrap_or_else(|| panic!("{what} is declared"));
        assert_eq!(response.example, None, "{what}: use the spec's example");
        self.expect_response(typed(&value, &what), value)
    }

    fn expect_response<T>(&self, typed: T, example: Value) -> T {
        assert!(self.response.replace(Some(example)).is_none(), "{}", self.what("has one response"));
        typed
    }

    /// Every parameter the spec gives an example of was set from it.
    fn check_every_example_used(&self) {
        let used = self.used.borrow();
        for param in self.op.parameters.iter().filter(|p| p.example.is_some()) {
            assert!(used.contains(&param.wire), "{}", self.what(&format!("parameter `{}` is set", param.wire)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The server

/// What the server expects next for one endpoint, and answers.
struct Expected<E: Endpoint> {
    credential: Option<AccessToken>,
    request: E,
    response: E::Response,
}

/// The `Api` implementation: each method answers the request it was told to expect, and logs
/// that it ran.
#[derive(Default)]
struct Server {
    /// By endpoint type: an `Expected<E>`, taken by the first call.
    expected: Mutex<HashMap<TypeId, Box<dyn Any + Send>>>,
    /// The `Api` methods that ran, and whether each got what it expected.
    log: Mutex<Vec<(&'static str, Result<(), String>)>>,
}

impl Server {
    fn expect<E: Endpoint>(&self, expected: Expected<E>) {
        let mut map = self.expected.lock().expect("not poisoned");
        assert!(
            map.insert(TypeId::of::<E>(), Box::new(expected)).is_none(),
            "one call of `{}` at a time",
            E::METADATA.name
        );
    }

    /// The response `method` was told to answer `request` with, or why it was not (which
    /// [`mismatch`] makes an error the client sees).
    fn answer<E>(
        &self,
        method: &'static str,
        credential: Option<AccessToken>,
        request: E,
    ) -> Result<E::Response, String>
    where
        E: Endpoint + PartialEq + Debug,
    {
        let expected = self.expected.lock().expect("not poisoned").remove(&TypeId::of::<E>());
        let outcome = match expected.map(|e| e.downcast::<Expected<E>>()) {
            None => Err(format!("`{method}` was not expected to run")),
            Some(Err(_)) => Err(format!("`{method}` expected another type")),
            Some(Ok(expected)) if expected.credential != credential => Err(format!(
                "`{method}` got the credential {:?}, not {:?}",
                credential.map(|c| c.0),
                expected.credential.map(|c| c.0)
            )),
            Some(Ok(expected)) if expected.request != request => {
                Err(format!("`{method}` got\n{request:#?}\nnot\n{:#?}", expected.request))
            }
            Some(Ok(expected)) => Ok(expected.response),
        };
        let logged = outcome.as_ref().map(|_| ()).map_err(Clone::clone);
        self.log.lock().expect("not poisoned").push((method, logged));
        outcome
    }
}

/// The error a handler answers with when it was not given what it expected.
fn mismatch(message: String) -> ApiError {
    ApiError::new(matrix_client_api::ERROR_FORMAT, http::StatusCode::BAD_REQUEST, "M_TEST_MISMATCH", message)
}

/// `Api` methods that answer from [`Server::answer`]: `token` ones take the access token,
/// `open` ones none.
macro_rules! answering {
    ($(token $method:ident($($module:ident)::+);)* $(open $open:ident($($open_module:ident)::+);)*) => {
        $(
            async fn $method(
                &self,
                _: &Context,
                credential: AccessToken,
                request: $($module)::+::Request,
            ) -> Result<$($module)::+::Response, ApiError> {
                self.answer(stringify!($method), Some(credential), request).map_err(mismatch)
            }
        )*
        $(
            async fn $open(&self, _: &Context, request: $($open_module)::+::Request) -> Result<$($open_module)::+::Response, ApiError> {
                self.answer(stringify!($open), None, request).map_err(mismatch)
            }
        )*
    };
}

impl Api for Server {
    answering! {
        token sync(sync::sync);
        token set_room_state_with_key(room_state::set_room_state_with_key);
        token get_room_state_with_key(rooms::get_room_state_with_key);
        token send_message(room_send::send_message);
        token create_room(create_room::create_room);
        token set_display_name(profile::set_display_name);
        token set_room_tag(tags::set_room_tag);
        token get_room_tags(tags::get_room_tags);
        token delete_room_tag(tags::delete_room_tag);
        token set_account_data(account_data::set_account_data);
        token get_account_data(account_data::get_account_data);
        token define_filter(filter::define_filter);
        token get_filter(filter::get_filter);
        token get_joined_rooms(list_joined_rooms::get_joined_rooms);
        token redact_event(redaction::redact_event);
        token set_room_alias(directory::set_room_alias);
        token delete_room_alias(directory::delete_room_alias);
        token invite_user(inviting::invite_user);
        token invite_by3_pid(third_party_membership::invite_by3_pid);
        token get_room_events(message_pagination::get_room_events);
        open get_display_name(profile::get_display_name);
        open get_room_id_by_alias(directory::get_room_id_by_alias);
        open login(login::login);
    }
}

// ---------------------------------------------------------------------------------------------
// The calls

/// The server and a client of it holding the access token.
struct Loopback {
    addr: SocketAddr,
    server: Arc<Server>,
    client: Client,
}

impl Loopback {
    async fn start() -> Loopback {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let server = Arc::new(Server::default());
        tokio::spawn(matrix_client_api::server::router(Arc::clone(&server)).serve(listener));
        let client = Client::new(format!("http://{addr}")).with_credential(AccessToken::from(TOKEN));
        Loopback { addr, server, client }
    }

    /// Sends `request` for `op`, whose server method `method` must receive it (and the token,
    /// when the endpoint asks for one) and answer `response`, which the client must get: the
    /// same typed value, and its body the same JSON as the example.
    async fn call<E>(&self, op: Op<'_, E>, request: E, response: E::Response)
    where
        E: Endpoint + Clone + PartialEq + Debug,
        E::Response: Clone + PartialEq + Debug,
    {
        op.check_every_example_used();
        let example = op.response.take().unwrap_or_else(|| panic!("{}", op.what("has a response")));
        let credential = E::METADATA.security.map(|_| AccessToken::from(TOKEN));
        self.server.expect(Expected { credential, request: request.clone(), response: response.clone() });

        let answer = self.client.send(&request).await;
        let logged = std::mem::take(&mut *self.server.log.lock().expect("not poisoned"));
        assert_eq!(logged, vec![(op.op.api_method.as_str(), Ok(()))], "{}", op.what("reached its own handler once"));
        let answer = answer.unwrap_or_else(|e| panic!("{}: the call succeeds: {e}", op.what("")));
        assert_eq!(answer, response, "{}", op.what("answers the expected response"));
        let http = answer.try_into_http_response().expect("the response is written");
        let body: Value = serde_json::from_slice(http.body()).expect("the body is JSON");
        assert!(same_json(&body, &example), "{}:\n{body:#}\n!=\n{example:#}", op.what("answers the spec's example"));
    }
}

#[tokio::test]
async fn the_generated_client_and_server_agree_on_the_spec_examples() {
    let spec = Spec::load();
    let net = Loopback::start().await;

    // GET, query parameters (strings, an enum, an integer, a boolean); the full `/sync`
    // example, its events' `$ref`s resolved.
    let op = spec.op::<sync::sync::Request>();
    let request = sync::sync::Request {
        filter: op.param("filter"),
        since: op.param("since"),
        // The spec writes `x-example: "false"`, text; the generator reads it as `false`.
        full_state: op.param("full_state"),
        set_presence: op.param("set_presence"),
        timeout: op.param("timeout"),
    };
    let response = sync::sync::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // PUT, three path parameters and a JSON body.
    let op = spec.op::<room_state::set_room_state_with_key::Request>();
    let request = room_state::set_room_state_with_key::Request {
        room_id: op.param("roomId"),
        event_type: op.param("eventType"),
        state_key: op.param("stateKey"),
        body: op.body(),
    };
    let response = room_state::set_room_state_with_key::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // GET on the same path from another root, with the empty state key of its example.
    let op = spec.op::<rooms::get_room_state_with_key::Request>();
    let request = rooms::get_room_state_with_key::Request {
        room_id: op.param("roomId"),
        event_type: op.param("eventType"),
        state_key: op.param("stateKey"),
    };
    assert_eq!(request.state_key, "", "the example's state key is empty");
    let response = rooms::get_room_state_with_key::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // PUT with a transaction id.
    let op = spec.op::<room_send::send_message::Request>();
    let request = room_send::send_message::Request {
        room_id: op.param("roomId"),
        event_type: op.param("eventType"),
        txn_id: op.param("txnId"),
        body: op.body(),
    };
    let response = room_send::send_message::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // POST, a typed body.
    let op = spec.op::<create_room::create_room::Request>();
    let request = create_room::create_room::Request { body: op.body() };
    let response = create_room::create_room::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // PUT and GET of a profile field; the GET takes no token.
    let op = spec.op::<profile::set_display_name::Request>();
    let request = profile::set_display_name::Request { user_id: op.param("userId"), body: op.body() };
    let response = profile::set_display_name::Response::Ok(op.response(200));
    net.call(op, request, response).await;
    let op = spec.op::<profile::get_display_name::Request>();
    let request = profile::get_display_name::Request { user_id: op.param("userId") };
    let response = profile::get_display_name::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // Tags: PUT with a float in the body, GET with floats in the answer, DELETE.
    let op = spec.op::<tags::set_room_tag::Request>();
    let request = tags::set_room_tag::Request {
        user_id: op.param("userId"),
        room_id: op.param("roomId"),
        tag: op.param("tag"),
        body: op.body(),
    };
    let response = tags::set_room_tag::Response::Ok(op.response(200));
    net.call(op, request, response).await;
    let op = spec.op::<tags::get_room_tags::Request>();
    let request = tags::get_room_tags::Request { user_id: op.param("userId"), room_id: op.param("roomId") };
    let response = tags::get_room_tags::Response::Ok(op.response(200));
    net.call(op, request, response).await;
    let op = spec.op::<tags::delete_room_tag::Request>();
    let request = tags::delete_room_tag::Request {
        user_id: op.param("userId"),
        room_id: op.param("roomId"),
        tag: op.param("tag"),
    };
    let response = tags::delete_room_tag::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // Account data: PUT any JSON object, GET it back.
    let op = spec.op::<account_data::set_account_data::Request>();
    let request = account_data::set_account_data::Request {
        user_id: op.param("userId"),
        type_: op.param("type"),
        body: op.body(),
    };
    let response = account_data::set_account_data::Response::Ok(op.response(200));
    net.call(op, request, response).await;
    let op = spec.op::<account_data::get_account_data::Request>();
    let request = account_data::get_account_data::Request { user_id: op.param("userId"), type_: op.param("type") };
    let response = account_data::get_account_data::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // Filters: POST a nested typed body, GET it by id.
    let op = spec.op::<filter::define_filter::Request>();
    let request = filter::define_filter::Request { user_id: op.param("userId"), body: op.body() };
    // The spec has an example of the member `filter_id` only: the body is written here.
    let response = filter::define_filter::Response::Ok(op.written_response(200, json!({"filter_id": "66696p746572"})));
    net.call(op, request, response).await;
    let op = spec.op::<filter::get_filter::Request>();
    let request = filter::get_filter::Request { user_id: op.param("userId"), filter_id: op.param("filterId") };
    let response = filter::get_filter::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // POST without a token.
    let op = spec.op::<login::login::Request>();
    let request = login::login::Request { body: op.body() };
    let response = login::login::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // GET without parameters.
    let op = spec.op::<list_joined_rooms::get_joined_rooms::Request>();
    let response = list_joined_rooms::get_joined_rooms::Response::Ok(op.response(200));
    net.call(op, list_joined_rooms::get_joined_rooms::Request {}, response).await;

    // PUT with three path parameters, one of them an event id.
    let op = spec.op::<redaction::redact_event::Request>();
    let request = redaction::redact_event::Request {
        room_id: op.param("roomId"),
        event_id: op.param("eventId"),
        txn_id: op.param("txnId"),
        body: op.body(),
    };
    let response = redaction::redact_event::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // A room alias (`#`, `:` in a path segment): PUT, GET without a token, DELETE.
    let op = spec.op::<directory::set_room_alias::Request>();
    let request = directory::set_room_alias::Request { room_alias: op.param("roomAlias"), body: op.body() };
    let response = directory::set_room_alias::Response::Ok(op.response(200));
    net.call(op, request, response).await;
    let op = spec.op::<directory::get_room_id_by_alias::Request>();
    let request = directory::get_room_id_by_alias::Request { room_alias: op.param("roomAlias") };
    let response = directory::get_room_id_by_alias::Response::Ok(op.response(200));
    net.call(op, request, response).await;
    let op = spec.op::<directory::delete_room_alias::Request>();
    let request = directory::delete_room_alias::Request { room_alias: op.param("roomAlias") };
    let response = directory::delete_room_alias::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // GET with a required enum and a JSON text in the query.
    let op = spec.op::<message_pagination::get_room_events::Request>();
    let request = message_pagination::get_room_events::Request {
        room_id: op.param("roomId"),
        from: op.param("from"),
        to: op.written("to", Some("t47409-4357353_219380_26003_2265".into())),
        dir: op.param("dir"),
        limit: op.param("limit"),
        filter: op.param("filter"),
    };
    let response = message_pagination::get_room_events::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    // Two roots declare `POST /rooms/{roomId}/invite`: each body reaches its own handler
    // (`call` checks which one ran).
    let op = spec.op::<inviting::invite_user::Request>();
    let request = inviting::invite_user::Request { room_id: op.param("roomId"), body: op.body() };
    let response = inviting::invite_user::Response::Ok(op.response(200));
    net.call(op, request, response).await;
    let op = spec.op::<third_party_membership::invite_by3_pid::Request>();
    let request = third_party_membership::invite_by3_pid::Request { room_id: op.param("roomId"), body: op.body() };
    let response = third_party_membership::invite_by3_pid::Response::Ok(op.response(200));
    net.call(op, request, response).await;

    the_server_answers_in_matrix_error_format(&net).await;
}

/// A method the server leaves out, an unknown path and an empty token, each answered with
/// Matrix's error body, and no handler run.
async fn the_server_answers_in_matrix_error_format(net: &Loopback) {
    fn matrix_error<R: Debug>(result: Result<R, ClientError>, status: http::StatusCode) -> MatrixError {
        match result {
            Err(ClientError::Api(ApiError { status: got, body: ErrorBody::Matrix(body) })) if got == status => body,
            other => panic!("expected a Matrix error with {status}, got {other:?}"),
        }
    }

    let not_implemented = net.client.send(&versions::get_versions::Request {}).await;
    let body = matrix_error(not_implemented, http::StatusCode::NOT_IMPLEMENTED);
    assert_eq!(body.errcode, "M_UNRECOGNIZED", "Matrix's code for an endpoint not implemented: {body:?}");
    assert!(body.error.contains("get_versions"), "the message names the operation: {body:?}");

    let unknown = net.client.send(&Unknown).await;
    let body = matrix_error(unknown, http::StatusCode::NOT_FOUND);
    assert_eq!(body.errcode, "M_UNRECOGNIZED", "Matrix's code for an unknown endpoint: {body:?}");

    let without_token = Client::new(format!("http://{}", net.addr)).with_credential(AccessToken::from(""));
    let refused = without_token.send(&list_joined_rooms::get_joined_rooms::Request {}).await;
    let body = matrix_error(refused, http::StatusCode::UNAUTHORIZED);
    assert_eq!(body.errcode, "M_MISSING_TOKEN", "Matrix's code for a request without a token: {body:?}");

    let logged = net.server.log.lock().expect("not poisoned").clone();
    assert_eq!(logged, vec![], "no handler ran");
}

/// An endpoint the server does not have: `GET /_matrix/client/v3/no_such_endpoint`.
#[derive(Debug, Clone, PartialEq)]
struct Unknown;

impl Endpoint for Unknown {
    const METADATA: Metadata = Metadata {
        name: "no_such_endpoint",
        method: http::Method::GET,
        path: "/_matrix/client/v3/no_such_endpoint",
        security: None,
        request_body: None,
        errors: matrix_client_api::ERROR_FORMAT,
    };
    type Response = NoResponse;

    fn try_into_http_request(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, IntoHttpError> {
        let out = matrix_client_api::runtime::wire::Outgoing::new(Self::METADATA.path);
        out.into_request(Self::METADATA.method, base_url, None)
    }

    fn try_from_http_request<B: AsRef<[u8]>>(request: &http::Request<B>) -> Result<Self, FromHttpRequestError> {
        let (method, path) = (request.method().clone(), request.uri().path().to_owned());
        Err(FromHttpRequestError::WrongEndpoint { method, path })
    }
}

/// [`Unknown`] declares no status: every answer is one the endpoint does not declare.
#[derive(Debug, Clone, PartialEq)]
struct NoResponse;

impl EndpointResponse for NoResponse {
    fn try_into_http_response(&self) -> Result<http::Response<Vec<u8>>, IntoHttpError> {
        matrix_client_api::runtime::wire::response(500, None)
    }

    fn try_from_http_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Result<Self, FromHttpResponseError> {
        Err(FromHttpResponseError::UnexpectedStatus {
            status: response.status(),
            body: response.body().as_ref().to_vec(),
        })
    }
}
