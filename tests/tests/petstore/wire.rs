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
                credential: ApiKey,
                request: get_pet_by_id::Request,
            ) -> Result<get_pet_by_id::Response, ApiError> {
                check(credential.0 == "special-key", &credential)?;
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
}
