//! Written into the scratch crate `petstore-wire` by `tests/tests/petstore.rs`: the two
//! petstores served on loopback and called by their clients; each handler checks what it
//! received and answers an error saying what differs otherwise.

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use specgen_runtime::{ApiError, FilePart};

    /// Every byte value, a line break and what looks like a multipart delimiter.
    fn photo() -> Vec<u8> {
        (0..=255u8).chain(b"\r\n--specgen-boundary-0000000000000000--\r\n".iter().copied()).collect()
    }

    fn check(ok: bool, what: impl std::fmt::Debug) -> Result<(), ApiError> {
        if ok {
            Ok(())
        } else {
            Err(ApiError::internal(specgen_runtime::ErrorFormat::Problem, format!("the handler received {what:?}")))
        }
    }

    fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).expect("the value fits")
    }

    mod v2 {
        use super::*;
        use petstore_v2::endpoints::{
            get_inventory, get_pet_by_id, login_user, logout_user, update_pet_with_form, upload_file, ApiKey,
            PetstoreAuth,
        };

        struct Server;

        impl petstore_v2::server::Api for Server {
            async fn update_pet_with_form(
                &self,
                credential: PetstoreAuth,
                request: update_pet_with_form::Request,
            ) -> Result<update_pet_with_form::Response, ApiError> {
                check(credential.0 == "oauth-token", &credential)?;
                let form = request.body.clone().unwrap_or_default();
                check(request.pet_id == 7, &request)?;
                check(form.name.as_deref() == Some("Rex & \"Co\" =1+1"), &request)?;
                check(form.status.as_deref() == Some("sold"), &request)?;
                Ok(update_pet_with_form::Response::MethodNotAllowed)
            }

            async fn upload_file(
                &self,
                credential: PetstoreAuth,
                request: upload_file::Request,
            ) -> Result<upload_file::Response, ApiError> {
                check(credential.0 == "oauth-token", &credential)?;
                let form = request.body.clone().unwrap_or_default();
                check(form.additional_metadata.as_deref() == Some("front view"), &form.additional_metadata)?;
                let file = form.file.unwrap_or_default();
                check(file.bytes == photo(), &file.bytes)?;
                check(file.file_name.as_deref() == Some("r\u{e9}x photo.png"), &file.file_name)?;
                check(file.content_type.as_deref() == Some("image/png"), &file.content_type)?;
                Ok(upload_file::Response::Ok(from_json(serde_json::json!({"code": file.bytes.len()}))))
            }

            async fn get_pet_by_id(
                &self,
                credential: ApiKey,
                request: get_pet_by_id::Request,
            ) -> Result<get_pet_by_id::Response, ApiError> {
                check(credential.0 == "special-key", &credential)?;
                Ok(get_pet_by_id::Response::Ok(from_json(
                    serde_json::json!({"id": request.pet_id, "name": "Rex", "photoUrls": []}),
                )))
            }

            async fn login_user(&self, request: login_user::Request) -> Result<login_user::Response, ApiError> {
                check(request.username == "ann" && request.password == "p&ss word", &request)?;
                Ok(login_user::Response::Ok {
                    body: "session".into(),
                    x_rate_limit: Some(5000),
                    x_expires_after: Some("2030-01-01T00:00:00Z".into()),
                })
            }
        }

        /// A server of one method: every other answers 501.
        struct One;

        impl petstore_v2::server::Api for One {
            async fn get_inventory(
                &self,
                _: ApiKey,
                _: get_inventory::Request,
            ) -> Result<get_inventory::Response, ApiError> {
                Ok(get_inventory::Response::Ok(std::iter::once(("sold".to_owned(), 3)).collect()))
            }
        }

        async fn serve<A: petstore_v2::server::Api>(api: A) -> petstore_v2::client::Client {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
            let address = listener.local_addr().expect("an address");
            tokio::spawn(petstore_v2::server::router(Arc::new(api)).serve(listener));
            petstore_v2::client::Client::new(format!("http://{address}"))
                .with_credential(PetstoreAuth::from("oauth-token"))
                .with_credential(ApiKey::from("special-key"))
        }

        #[tokio::test]
        async fn the_form_update_sends_its_fields() {
            let client = serve(Server).await;
            let form = update_pet_with_form::Form { name: Some("Rex & \"Co\" =1+1".into()), status: Some("sold".into()) };
            let request = update_pet_with_form::Request { pet_id: 7, body: Some(form) };
            let response = client.send(&request).await.expect("an answer");
            assert_eq!(response, update_pet_with_form::Response::MethodNotAllowed);
        }

        #[tokio::test]
        async fn the_file_upload_sends_bytes_and_file_name_exactly() {
            let client = serve(Server).await;
            let file = FilePart::new(photo()).with_file_name("r\u{e9}x photo.png").with_content_type("image/png");
            let form = upload_file::Form { additional_metadata: Some("front view".into()), file: Some(file) };
            let request = upload_file::Request { pet_id: 7, body: Some(form) };
            let response = client.send(&request).await.expect("an answer");
            assert_eq!(response, upload_file::Response::Ok(from_json(serde_json::json!({"code": photo().len()}))));
        }

        #[tokio::test]
        async fn the_api_key_travels_in_its_header() {
            let client = serve(Server).await;
            let response = client.send(&get_pet_by_id::Request { pet_id: 5 }).await.expect("an answer");
            let get_pet_by_id::Response::Ok(pet) = response else { panic!("{response:?}") };
            assert_eq!((pet.id, pet.name.as_str()), (Some(5), "Rex"));
            let request = login_user::Request { username: "ann".into(), password: "p&ss word".into() };
            // The response headers travel both ways, typed.
            let expected = login_user::Response::Ok {
                body: "session".into(),
                x_rate_limit: Some(5000),
                x_expires_after: Some("2030-01-01T00:00:00Z".into()),
            };
            assert_eq!(client.send(&request).await.expect("an answer"), expected);
        }

        #[tokio::test]
        async fn a_server_of_one_method_answers_501_on_the_others() {
            let client = serve(One).await;
            let response = client.send(&get_inventory::Request {}).await.expect("an answer");
            assert!(matches!(response, get_inventory::Response::Ok(ref map) if map.get("sold") == Some(&3)), "{response:?}");
            let response = client.send(&logout_user::Request {}).await.expect("an answer");
            assert_eq!(response, logout_user::Response::Default { status: http::StatusCode::NOT_IMPLEMENTED });
        }
    }

    mod v3 {
        use super::*;
        use petstore_v3::endpoints::{add_pet, get_pet_by_id, upload_file, ApiKey, PetstoreAuth};

        struct Server;

        impl petstore_v3::server::Api for Server {
            async fn add_pet(&self, credential: PetstoreAuth, request: add_pet::Request) -> Result<add_pet::Response, ApiError> {
                check(credential.0 == "oauth-token", &credential)?;
                check(request.body.name == "Rex", &request)?;
                Ok(add_pet::Response::Ok(request.body))
            }

            async fn upload_file(
                &self,
                credential: PetstoreAuth,
                request: upload_file::Request,
            ) -> Result<upload_file::Response, ApiError> {
                check(credential.0 == "oauth-token", &credential)?;
                check(request.additional_metadata.as_deref() == Some("front"), &request.additional_metadata)?;
                let bytes = request.body.unwrap_or_default();
                check(bytes == photo(), &bytes)?;
                Ok(upload_file::Response::Ok(from_json(serde_json::json!({"code": bytes.len()}))))
            }

            async fn get_pet_by_id(
                &self,
                credential: get_pet_by_id::Credentials,
                request: get_pet_by_id::Request,
            ) -> Result<get_pet_by_id::Response, ApiError> {
                // `api_key` is the first alternative, and the client has its credential.
                let get_pet_by_id::Credentials::ApiKey(key) = &credential else {
                    return Err(ApiError::internal(specgen_runtime::ErrorFormat::Problem, format!("{credential:?}")));
                };
                check(key.0 == "special-key", key)?;
                Ok(get_pet_by_id::Response::Ok(from_json(
                    serde_json::json!({"id": request.pet_id, "name": "Rex", "photoUrls": []}),
                )))
            }
        }

        async fn serve() -> petstore_v3::client::Client {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
            let address = listener.local_addr().expect("an address");
            tokio::spawn(petstore_v3::server::router(Arc::new(Server)).serve(listener));
            petstore_v3::client::Client::new(format!("http://{address}"))
                .with_credential(PetstoreAuth::from("oauth-token"))
                .with_credential(ApiKey::from("special-key"))
        }

        #[tokio::test]
        async fn the_image_upload_is_bytes() {
            let client = serve().await;
            let request = upload_file::Request { pet_id: 3, additional_metadata: Some("front".into()), body: Some(photo()) };
            let response = client.send(&request).await.expect("an answer");
            assert_eq!(response, upload_file::Response::Ok(from_json(serde_json::json!({"code": photo().len()}))));
        }

        #[tokio::test]
        async fn oauth2_is_a_bearer_token_and_the_api_key_a_header() {
            let client = serve().await;
            let pet: petstore_v3::types::Pet = from_json(serde_json::json!({"name": "Rex", "photoUrls": ["a"]}));
            let response = client.send(&add_pet::Request { body: pet.clone() }).await.expect("an answer");
            assert_eq!(response, add_pet::Response::Ok(pet));
            let response = client.send(&get_pet_by_id::Request { pet_id: 9 }).await.expect("an answer");
            assert!(matches!(response, get_pet_by_id::Response::Ok(ref pet) if pet.id == Some(9)), "{response:?}");
        }
    }

    /// AND within a requirement, OR between requirements, `{}` for none: the server accepts
    /// exactly what the spec allows, hands the handler the credentials that matched, and
    /// answers 401 otherwise.
    mod security {
        use super::*;
        use security_combos::endpoints::{both, either, maybe, ApiKey, Basic, Bearer, CookieKey, Oidc, QueryKey};
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

        struct Server;

        impl security_combos::server::Api for Server {
            async fn both(&self, credential: both::Credentials, _: both::Request) -> Result<both::Response, ApiError> {
                let both::Credentials::ApiKeyAndBearer(key, token) = credential;
                Ok(both::Response::Ok(format!("key={} token={}", key.0, token.0)))
            }

            async fn either(&self, credential: either::Credentials, _: either::Request) -> Result<either::Response, ApiError> {
                Ok(either::Response::Ok(match credential {
                    either::Credentials::ApiKey(key) => format!("key={}", key.0),
                    either::Credentials::Basic(basic) => format!("basic={}:{}", basic.username, basic.password),
                    either::Credentials::CookieKeyAndQueryKey(cookie, query) => format!("cookie={} query={}", cookie.0, query.0),
                }))
            }

            async fn maybe(&self, credential: Option<Oidc>, _: maybe::Request) -> Result<maybe::Response, ApiError> {
                Ok(maybe::Response::Ok(match credential {
                    Some(token) => format!("oidc={}", token.0),
                    None => "anonymous".to_owned(),
                }))
            }
        }

        async fn serve() -> std::net::SocketAddr {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
            let address = listener.local_addr().expect("an address");
            tokio::spawn(security_combos::server::router(Arc::new(Server)).serve(listener));
            address
        }

        /// The status and body of a raw `GET`.
        async fn get(address: std::net::SocketAddr, target: &str, headers: &[&str]) -> (u16, String) {
            let mut stream = tokio::net::TcpStream::connect(address).await.expect("connected");
            let mut request = format!("GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
            for header in headers {
                request.push_str(&format!("{header}\r\n"));
            }
            request.push_str("\r\n");
            stream.write_all(request.as_bytes()).await.expect("written");
            let mut response = String::new();
            stream.read_to_string(&mut response).await.expect("read");
            let status = response.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
            let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
            (status, body)
        }

        #[tokio::test]
        async fn the_client_sends_the_first_alternative_it_has_credentials_for() {
            let address = serve().await;
            let client = security_combos::client::Client::new(format!("http://{address}"))
                .with_credential(ApiKey::from("k"))
                .with_credential(Bearer::from("t"));
            let response = client.send(&both::Request {}).await.expect("an answer");
            assert_eq!(response, both::Response::Ok("key=k token=t".into()));
            assert_eq!(client.send(&either::Request {}).await.expect("an answer"), either::Response::Ok("key=k".into()));
            assert_eq!(client.send(&maybe::Request {}).await.expect("an answer"), maybe::Response::Ok("anonymous".into()));
            let client = security_combos::client::Client::new(format!("http://{address}"))
                .with_credential(CookieKey::from("c"))
                .with_credential(QueryKey::from("q"))
                .with_credential(Basic { username: "ann".into(), password: "pw".into() })
                .with_credential(Oidc::from("o"));
            // `basic` comes before the cookie and query pair in the spec.
            assert_eq!(client.send(&either::Request {}).await.expect("an answer"), either::Response::Ok("basic=ann:pw".into()));
            assert_eq!(client.send(&maybe::Request {}).await.expect("an answer"), maybe::Response::Ok("oidc=o".into()));
            assert!(client.send(&both::Request {}).await.is_err(), "without the API key and token the client refuses");
        }

        #[tokio::test]
        async fn the_server_accepts_exactly_the_allowed_combinations() {
            let address = serve().await;
            let key = "X-Api-Key: k";
            let bearer = "Authorization: Bearer t";
            let basic = "Authorization: Basic YW5uOnB3"; // ann:pw
            let cookie = "Cookie: session=c";
            assert_eq!(get(address, "/both", &[key, bearer]).await, (200, "\"key=k token=t\"".into()));
            assert_eq!(get(address, "/both", &[key]).await.0, 401);
            assert_eq!(get(address, "/both", &[bearer]).await.0, 401);
            assert_eq!(get(address, "/both", &[]).await.0, 401);
            assert_eq!(get(address, "/either", &[key]).await, (200, "\"key=k\"".into()));
            assert_eq!(get(address, "/either", &[basic]).await, (200, "\"basic=ann:pw\"".into()));
            assert_eq!(get(address, "/either?key=q", &[cookie]).await, (200, "\"cookie=c query=q\"".into()));
            assert_eq!(get(address, "/either", &[cookie]).await.0, 401);
            assert_eq!(get(address, "/either?key=q", &[]).await.0, 401);
            assert_eq!(get(address, "/either", &[bearer]).await.0, 401);
            assert_eq!(get(address, "/maybe", &[]).await, (200, "\"anonymous\"".into()));
            assert_eq!(get(address, "/maybe", &[bearer]).await, (200, "\"oidc=t\"".into()));
        }
    }
}
