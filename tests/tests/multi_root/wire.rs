//! Written into the scratch crate `multi-wire` by `tests/tests/multi_root.rs`: the crate
//! generated from the three roots of `tests/fixtures/multi/rooms/`, served on loopback and
//! called by its client and by raw HTTP.

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use multi_rooms::endpoints::{
        content_repo::upload_content, room_state::invite_by3_pid, rooms::invite_user, AccessToken,
    };
    use multi_rooms::runtime::ApiError;
    use multi_rooms::server::Context;
    use multi_rooms::types::content_repo::UploadContentResponse;
    use multi_rooms::types::room_state::InviteBy3PidBody;
    use multi_rooms::types::rooms::InviteUserBody;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    struct Server;

    fn answer(by: &str) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        map.insert("by".into(), by.into());
        map
    }

    impl multi_rooms::server::Api for Server {
        async fn upload_content(
            &self,
            _: &Context,
            _: AccessToken,
            request: upload_content::Request,
        ) -> Result<upload_content::Response, ApiError> {
            let content_uri = format!("{}|{}", request.content_type.unwrap_or_default(), request.body);
            Ok(upload_content::Response::Ok(UploadContentResponse {
                content_uri,
                additional_properties: Default::default(),
            }))
        }

        async fn invite_user(
            &self,
            _: &Context,
            _: AccessToken,
            _: invite_user::Request,
        ) -> Result<invite_user::Response, ApiError> {
            Ok(invite_user::Response::Ok(answer("user_id")))
        }

        async fn invite_by3_pid(
            &self,
            _: &Context,
            _: AccessToken,
            _: invite_by3_pid::Request,
        ) -> Result<invite_by3_pid::Response, ApiError> {
            Ok(invite_by3_pid::Response::Ok(answer("3pid")))
        }
    }

    async fn serve() -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(multi_rooms::server::router(Arc::new(Server)).serve(listener));
        address
    }

    /// The `Content-Type` parameter is the body's media type: sent once, read by the server.
    #[tokio::test]
    async fn the_content_type_parameter_is_the_one_content_type() {
        let address = serve().await;
        let client =
            multi_rooms::client::Client::new(format!("http://{address}")).with_credential(AccessToken::from("t"));
        let request = upload_content::Request {
            content_type: Some("text/markdown".into()),
            filename: Some("notes.md".into()),
            body: "# hello".into(),
        };
        let http = multi_rooms::runtime::Endpoint::try_into_http_request(&request, "").expect("a request");
        let types: Vec<_> = http.headers().get_all(http::header::CONTENT_TYPE).iter().collect();
        assert_eq!(types, ["text/markdown"]);
        match client.send(&request).await {
            Ok(upload_content::Response::Ok(body)) => assert_eq!(body.content_uri, "text/markdown|# hello"),
            other => panic!("unexpected: {other:?}"),
        }
        // Without the parameter, the spec's media type.
        let request = upload_content::Request { content_type: None, filename: None, body: "x".into() };
        let http = multi_rooms::runtime::Endpoint::try_into_http_request(&request, "").expect("a request");
        let types: Vec<_> = http.headers().get_all(http::header::CONTENT_TYPE).iter().collect();
        assert_eq!(types, ["text/plain"]);

        // Raw HTTP: one `Content-Type`, the parameter's.
        let mut stream = tokio::net::TcpStream::connect(address).await.expect("connects");
        let raw = "POST /_matrix/media/v3/upload?access_token=t HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: 3\r\nConnection: close\r\n\r\npdf";
        stream.write_all(raw.as_bytes()).await.expect("writes");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("reads");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("application/pdf|pdf"), "{answer}");
    }

    /// `POST /rooms/{roomId}/invite` is two operations of two roots: each request reaches the
    /// one whose body it is.
    #[tokio::test]
    async fn two_operations_on_one_route_are_both_served() {
        let address = serve().await;
        let client =
            multi_rooms::client::Client::new(format!("http://{address}")).with_credential(AccessToken::from("t"));
        let by_user = invite_user::Request {
            room_id: "!room:example.org".into(),
            body: InviteUserBody {
                user_id: "@a:example.org".into(),
                reason: None,
                additional_properties: Default::default(),
            },
        };
        match client.send(&by_user).await {
            Ok(invite_user::Response::Ok(body)) => assert_eq!(body, answer("user_id")),
            other => panic!("unexpected: {other:?}"),
        }
        let by_3pid = invite_by3_pid::Request {
            room_id: "!room:example.org".into(),
            body: InviteBy3PidBody {
                id_server: "id.example.org".into(),
                medium: "email".into(),
                address: "a@example.org".into(),
                additional_properties: Default::default(),
            },
        };
        match client.send(&by_3pid).await {
            Ok(invite_by3_pid::Response::Ok(body)) => assert_eq!(body, answer("3pid")),
            other => panic!("unexpected: {other:?}"),
        }
    }
}
