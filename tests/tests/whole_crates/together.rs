//! Two generated crates in one program, sharing the runtime's types: `items` (the fixture
//! `operations`, problem details) and `pets` (the fixture `openapi_3_1`, Matrix errors).
//!
//! Copied into the scratch workspace of `tests/tests/whole_crates.rs` as the crate `together`,
//! and built and tested there with clippy `-D warnings`.

#![forbid(unsafe_code)]

use specgen_runtime::{ApiError, ErrorBody, Metadata};

/// What an error says, in either format: a function of the runtime's one `ApiError`, which
/// both crates' servers return and both crates' calls give back.
pub fn describe(error: &ApiError) -> String {
    match &error.body {
        ErrorBody::Problem(problem) => {
            format!("{} problem {}: {}", error.status.as_u16(), problem.type_, problem.detail.as_deref().unwrap_or(""))
        }
        ErrorBody::Matrix(matrix) => format!("{} matrix {}: {}", error.status.as_u16(), matrix.errcode, matrix.error),
    }
}

/// Every endpoint of both crates, in one table of the runtime's `Metadata`.
pub fn endpoints() -> Vec<Metadata> {
    vec![
        items::endpoints::get_item::METADATA,
        items::endpoints::put_item::METADATA,
        items::endpoints::create_item::METADATA,
        items::endpoints::lookup::METADATA,
        items::endpoints::lookup_beta::METADATA,
        pets::endpoints::health::METADATA,
        pets::endpoints::get_pet::METADATA,
    ]
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use http::StatusCode;
    use items::endpoints::{create_item, get_item, lookup, lookup_beta, put_item, Basic, Key, Token as ItemsToken};
    use items::types::{CreateItemBody, Item};
    use pets::endpoints::{get_pet, health, Token};
    use pets::types::{Pet, PetKind};
    use specgen_runtime::client::{Client, ClientError};
    use specgen_runtime::server::Context;
    use specgen_runtime::{ApiError, Endpoint, ErrorFormat};

    use super::{describe, endpoints};

    struct Items;

    impl items::server::Api for Items {
        async fn get_item(
            &self,
            _: &Context,
            credential: Option<Key>,
            request: get_item::Request,
        ) -> Result<get_item::Response, ApiError> {
            match request.item_id {
                0 => Err(ApiError::new(
                    items::ERROR_FORMAT,
                    StatusCode::FORBIDDEN,
                    "urn:items:forbidden",
                    "item 0 is hidden",
                )),
                // The parameters come back in the item, to show they arrived as sent.
                7 if credential == Some(Key::from("k")) => Ok(get_item::Response::Ok(Item {
                    id: 7,
                    name: request.fields.join("|"),
                    tags: request.x_request_id.map(|id| vec![id]),
                    additional_properties: Default::default(),
                })),
                _ => Ok(get_item::Response::NotFound),
            }
        }

        async fn put_item(
            &self,
            _: &Context,
            credential: Basic,
            request: put_item::Request,
        ) -> Result<put_item::Response, ApiError> {
            let status = if credential.username == "u" { StatusCode::ACCEPTED } else { StatusCode::OK };
            Ok(put_item::Response::Status2xx { status, body: Item { id: request.item_id, ..request.body } })
        }

        async fn create_item(
            &self,
            _: &Context,
            _: Key,
            request: create_item::Request,
        ) -> Result<create_item::Response, ApiError> {
            Ok(match request.body {
                Some(body) => create_item::Response::Created(Item {
                    id: 1,
                    name: body.name,
                    tags: body.tags,
                    additional_properties: Default::default(),
                }),
                None => create_item::Response::NoContent,
            })
        }

        /// The fields come back as the body, to show every pair but the others arrived.
        async fn lookup(
            &self,
            _: &Context,
            credential: ItemsToken,
            request: lookup::Request,
        ) -> Result<lookup::Response, ApiError> {
            let mut fields = request.fields;
            fields.insert("limit".into(), format!("{:?}", request.limit));
            fields.insert("token".into(), credential.0);
            Ok(lookup::Response::Ok(fields))
        }

        /// Served at the same path, for requests whose query holds `beta=true&v=2`.
        async fn lookup_beta(
            &self,
            _: &Context,
            _: ItemsToken,
            request: lookup_beta::Request,
        ) -> Result<lookup_beta::Response, ApiError> {
            let mut found = request.metadata;
            found.insert("beta".to_owned(), format!("{:?}", request.limit));
            Ok(lookup_beta::Response::Ok(found))
        }
    }

    struct Pets;

    impl pets::server::Api for Pets {
        async fn health(&self, _: &Context, _: Token, _: health::Request) -> Result<health::Response, ApiError> {
            Err(ApiError::new(pets::ERROR_FORMAT, StatusCode::SERVICE_UNAVAILABLE, "M_UNAVAILABLE", "resting"))
        }

        async fn get_pet(
            &self,
            _: &Context,
            credential: Token,
            request: get_pet::Request,
        ) -> Result<get_pet::Response, ApiError> {
            if credential != Token::from("t") {
                return Err(ApiError::new(pets::ERROR_FORMAT, StatusCode::FORBIDDEN, "M_FORBIDDEN", "wrong token"));
            }
            if request.id == 0 {
                return Err(ApiError::new(pets::ERROR_FORMAT, StatusCode::NOT_FOUND, "M_NOT_FOUND", "no pet 0"));
            }
            let pet = Pet {
                id: request.id,
                name: "Rex".into(),
                kind: PetKind::Pet,
                tag: None,
                owner: None,
                extra: None,
                signatures: Some([("@alice:example.org".into(), [("ed25519:K".into(), "sig".into())].into())].into()),
                notes: None,
                additional_properties: Default::default(),
            };
            Ok(get_pet::Response::Ok(pet))
        }
    }

    /// Serves each crate's router on its own loopback port; their base URLs.
    async fn serve_both() -> (String, String) {
        let items_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let pets_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let items_url = format!("http://{}", items_listener.local_addr().expect("an address"));
        let pets_url = format!("http://{}", pets_listener.local_addr().expect("an address"));
        tokio::spawn(items::server::router(Arc::new(Items)).serve(items_listener));
        tokio::spawn(pets::server::router(Arc::new(Pets)).serve(pets_listener));
        (items_url, pets_url)
    }

    /// One generic call for any endpoint of any generated crate.
    async fn call<E: Endpoint>(client: &Client, request: &E) -> Result<E::Response, ClientError> {
        client.send(request).await
    }

    fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> ApiError {
        match result {
            Err(ClientError::Api(error)) => error,
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn both_crates_are_served_and_called_through_one_runtime() {
        let (items_url, pets_url) = serve_both().await;
        // One client type for both crates, given each crate's credentials.
        let clients: Vec<Client> = vec![
            Client::new(items_url)
                .with_credential(Key::from("k"))
                .with_credential(ItemsToken::from("s&t"))
                .with_credential(Basic { username: "u".into(), password: "p:w".into() }),
            Client::new(pets_url).with_credential(Token::from("t")),
        ];
        let (items_client, pets_client) = (&clients[0], &clients[1]);

        let fields = vec!["a,b".into(), "ü &=#/?%+".into()];
        let get = get_item::Request { item_id: 7, fields, x_request_id: Some("r-1".into()) };
        let item = Item {
            id: 7,
            name: "a,b|ü &=#/?%+".into(),
            tags: Some(vec!["r-1".into()]),
            additional_properties: Default::default(),
        };
        assert_eq!(call(items_client, &get).await.expect("get_item"), get_item::Response::Ok(item.clone()));
        let put = put_item::Request { item_id: 9, body: item };
        let stored = Item {
            id: 9,
            name: "a,b|ü &=#/?%+".into(),
            tags: Some(vec!["r-1".into()]),
            additional_properties: Default::default(),
        };
        assert_eq!(
            call(items_client, &put).await.expect("put_item"),
            put_item::Response::Status2xx { status: StatusCode::ACCEPTED, body: stored }
        );
        let create = create_item::Request {
            body: Some(CreateItemBody {
                name: "n".into(),
                tags: Some(vec![]),
                additional_properties: Default::default(),
            }),
        };
        let created = Item { id: 1, name: "n".into(), tags: Some(vec![]), additional_properties: Default::default() };
        assert_eq!(call(items_client, &create).await.expect("create_item"), create_item::Response::Created(created));
        assert_eq!(
            call(items_client, &create_item::Request { body: None }).await.expect("no body"),
            create_item::Response::NoContent
        );
        // An object in the query: a pair per member, beside a parameter and a query credential.
        let fields = [("network", "irc"), ("channel", "#a b&c=d")].map(|(k, v)| (k.to_owned(), v.to_owned()));
        let lookup = lookup::Request { limit: Some(5), fields: fields.into() };
        let lookup::Response::Ok(echoed) = call(items_client, &lookup).await.expect("lookup");
        let expected = [("channel", "#a b&c=d"), ("limit", "Some(5)"), ("network", "irc"), ("token", "s&t")];
        assert_eq!(echoed, expected.map(|(k, v)| (k.to_owned(), v.to_owned())).into());
        // The same path with the beta's fixed query pairs is the beta's; without them, not.
        // A `deepObject` map, one `metadata[key]=value` pair per key.
        let metadata = [("team", "core"), ("a]b", "c&d=[e]")].map(|(k, v)| (k.to_owned(), v.to_owned())).into();
        let beta_request = lookup_beta::Request { limit: Some(2), metadata };
        let lookup_beta::Response::Ok(beta) = call(items_client, &beta_request).await.expect("lookup_beta");
        let expected = [("a]b", "c&d=[e]"), ("beta", "Some(2)"), ("team", "core")];
        assert_eq!(beta, expected.map(|(k, v)| (k.to_owned(), v.to_owned())).into());
        assert_eq!(lookup_beta::METADATA.path, lookup::METADATA.path);
        let plain = lookup::Request { limit: None, fields: Default::default() };
        let lookup::Response::Ok(echoed) = call(items_client, &plain).await.expect("lookup");
        assert!(echoed.contains_key("token") && !echoed.contains_key("beta"), "{echoed:?}");
        let get_pet::Response::Ok(pet) = call(pets_client, &get_pet::Request { id: 3 }).await.expect("get_pet");
        assert_eq!((pet.id, pet.name.as_str()), (3, "Rex"));
        // A 3.1 `patternProperties` map, through the wire.
        let signatures = pet.signatures.expect("signatures");
        assert_eq!(signatures["@alice:example.org"]["ed25519:K"], "sig");

        // The errors of both crates' servers, each in its API's format, are the one `ApiError`.
        let hidden = get_item::Request { item_id: 0, fields: vec![], x_request_id: None };
        let errors: Vec<ApiError> = vec![
            api_error(call(items_client, &hidden).await),
            api_error(call(pets_client, &health::Request {}).await),
            api_error(call(pets_client, &get_pet::Request { id: 0 }).await),
            ApiError::not_found(items::ERROR_FORMAT, "/nowhere"),
            ApiError::not_found(pets::ERROR_FORMAT, "/nowhere"),
        ];
        let described: Vec<String> = errors.iter().map(describe).collect();
        assert_eq!(
            described[..3],
            [
                "403 problem urn:items:forbidden: item 0 is hidden",
                "503 matrix M_UNAVAILABLE: resting",
                "404 matrix M_NOT_FOUND: no pet 0",
            ],
            "{described:?}"
        );
        let formats: Vec<ErrorFormat> = errors.iter().map(ApiError::format).collect();
        use ErrorFormat::{Matrix, Problem};
        assert_eq!(formats, [Problem, Matrix, Matrix, Problem, Matrix]);
    }

    #[test]
    fn the_metadata_of_both_crates_is_one_table() {
        let table = endpoints();
        let names: Vec<&str> = table.iter().map(|m| m.name).collect();
        assert_eq!(names, ["get_item", "put_item", "create_item", "lookup", "lookup_beta", "health", "get_pet"]);
        let formats: Vec<ErrorFormat> = table.iter().map(|m| m.errors).collect();
        use ErrorFormat::{Matrix, Problem};
        assert_eq!(formats, [Problem, Problem, Problem, Problem, Problem, Matrix, Matrix]);
        assert_eq!((items::ERROR_FORMAT, pets::ERROR_FORMAT), (Problem, Matrix));
        // The re-exports are the runtime itself, not copies.
        let same: fn(items::runtime::ApiError) -> pets::runtime::ApiError = |error| error;
        let error = same(ApiError::internal(items::ERROR_FORMAT, "x"));
        assert_eq!(describe(&error), "500 problem about:blank: x");
    }
}
