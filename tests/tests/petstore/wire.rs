//! Written into the scratch crate `petstore-wire` by `tests/tests/petstore.rs`: the two
//! petstores served on loopback and called by their clients; each handler checks what it
//! received and answers an error saying what differs otherwise.

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use specgen_runtime::server::Context;
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
            add_pet, create_user, create_users_with_array_input, create_users_with_list_input, delete_order,
            delete_pet, delete_user, find_pets_by_status, find_pets_by_tags, get_inventory, get_order_by_id,
            get_pet_by_id, get_user_by_name, login_user, logout_user, place_order, update_pet, update_pet_with_form,
            update_user, upload_file, ApiKey, PetstoreAuth,
        };

        struct Server;

        impl petstore_v2::server::Api for Server {
            async fn update_pet_with_form(
                &self,
                _: &Context,
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
                _: &Context,
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
                _: &Context,
                credential: ApiKey,
                request: get_pet_by_id::Request,
            ) -> Result<get_pet_by_id::Response, ApiError> {
                check(credential.0 == "special-key", &credential)?;
                Ok(get_pet_by_id::Response::Ok(from_json(
                    serde_json::json!({"id": request.pet_id, "name": "Rex", "photoUrls": []}),
                )))
            }

            async fn login_user(
                &self,
                _: &Context,
                request: login_user::Request,
            ) -> Result<login_user::Response, ApiError> {
                check(request.username == "ann" && request.password == "p&ss word", &request)?;
                Ok(login_user::Response::Ok {
                    body: "session".into(),
                    x_rate_limit: Some(5000),
                    x_expires_after: Some("2030-01-01T00:00:00Z".into()),
                })
            }
        }

        /// The other operations of the petstore: each checks what it received and answers
        /// from it, so the client's assertions see both directions.
        struct Rest;

        impl petstore_v2::server::Api for Rest {
            async fn add_pet(
                &self,
                _: &Context,
                credential: PetstoreAuth,
                request: add_pet::Request,
            ) -> Result<add_pet::Response, ApiError> {
                check(credential.0 == "oauth-token" && request.body.name == "Rex", &request)?;
                Ok(add_pet::Response::MethodNotAllowed)
            }

            async fn update_pet(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: update_pet::Request,
            ) -> Result<update_pet::Response, ApiError> {
                check(request.body.id == Some(4), &request)?;
                Ok(update_pet::Response::NotFound)
            }

            async fn find_pets_by_status(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: find_pets_by_status::Request,
            ) -> Result<find_pets_by_status::Response, ApiError> {
                let statuses = serde_json::to_value(&request.status).expect("serializes");
                check(statuses == serde_json::json!(["available", "sold"]), &request)?;
                Ok(find_pets_by_status::Response::Ok(from_json(
                    serde_json::json!([{"name": "a", "photoUrls": [], "status": "sold"}]),
                )))
            }

            async fn find_pets_by_tags(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: find_pets_by_tags::Request,
            ) -> Result<find_pets_by_tags::Response, ApiError> {
                let pets = request.tags.iter().map(|t| serde_json::json!({"name": t, "photoUrls": []})).collect();
                Ok(find_pets_by_tags::Response::Ok(from_json(serde_json::Value::Array(pets))))
            }

            async fn delete_pet(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: delete_pet::Request,
            ) -> Result<delete_pet::Response, ApiError> {
                check(request.api_key.as_deref() == Some("header key") && request.pet_id == 8, &request)?;
                Ok(delete_pet::Response::BadRequest)
            }

            async fn place_order(
                &self,
                _: &Context,
                request: place_order::Request,
            ) -> Result<place_order::Response, ApiError> {
                Ok(place_order::Response::Ok(request.body))
            }

            async fn get_order_by_id(
                &self,
                _: &Context,
                request: get_order_by_id::Request,
            ) -> Result<get_order_by_id::Response, ApiError> {
                Ok(get_order_by_id::Response::Ok(from_json(
                    serde_json::json!({"id": request.order_id, "status": "placed"}),
                )))
            }

            async fn delete_order(
                &self,
                _: &Context,
                request: delete_order::Request,
            ) -> Result<delete_order::Response, ApiError> {
                check(request.order_id == "a b/c", &request)?;
                Ok(delete_order::Response::NotFound)
            }

            async fn create_user(
                &self,
                _: &Context,
                request: create_user::Request,
            ) -> Result<create_user::Response, ApiError> {
                check(request.body.username.as_deref() == Some("ann"), &request)?;
                Ok(create_user::Response::Default { status: http::StatusCode::CREATED })
            }

            async fn create_users_with_array_input(
                &self,
                _: &Context,
                request: create_users_with_array_input::Request,
            ) -> Result<create_users_with_array_input::Response, ApiError> {
                check(request.body.len() == 2, &request)?;
                Ok(create_users_with_array_input::Response::Default { status: http::StatusCode::ACCEPTED })
            }

            async fn create_users_with_list_input(
                &self,
                _: &Context,
                request: create_users_with_list_input::Request,
            ) -> Result<create_users_with_list_input::Response, ApiError> {
                check(request.body.len() == 2, &request)?;
                Ok(create_users_with_list_input::Response::Default { status: http::StatusCode::OK })
            }

            async fn logout_user(
                &self,
                _: &Context,
                _: logout_user::Request,
            ) -> Result<logout_user::Response, ApiError> {
                Ok(logout_user::Response::Default { status: http::StatusCode::NO_CONTENT })
            }

            async fn get_user_by_name(
                &self,
                _: &Context,
                request: get_user_by_name::Request,
            ) -> Result<get_user_by_name::Response, ApiError> {
                Ok(get_user_by_name::Response::Ok(from_json(serde_json::json!({"username": request.username}))))
            }

            async fn update_user(
                &self,
                _: &Context,
                request: update_user::Request,
            ) -> Result<update_user::Response, ApiError> {
                check(request.username == "ann" && request.body.email.as_deref() == Some("a@example.org"), &request)?;
                Ok(update_user::Response::BadRequest)
            }

            async fn delete_user(
                &self,
                _: &Context,
                request: delete_user::Request,
            ) -> Result<delete_user::Response, ApiError> {
                check(request.username == "ann", &request)?;
                Ok(delete_user::Response::NotFound)
            }
        }

        #[tokio::test]
        async fn every_other_operation_goes_both_ways() {
            let client = serve(Rest).await;
            let rex: petstore_v2::types::Pet = from_json(serde_json::json!({"id": 4, "name": "Rex", "photoUrls": []}));
            let user: petstore_v2::types::User =
                from_json(serde_json::json!({"username": "ann", "email": "a@example.org"}));
            let order: petstore_v2::types::Order =
                from_json(serde_json::json!({"id": 2, "quantity": 3, "complete": true}));
            assert_eq!(
                client.send(&add_pet::Request { body: rex.clone() }).await.expect("answer"),
                add_pet::Response::MethodNotAllowed
            );
            assert_eq!(
                client.send(&update_pet::Request { body: rex.clone() }).await.expect("answer"),
                update_pet::Response::NotFound
            );
            let status = from_json(serde_json::json!(["available", "sold"]));
            let response = client.send(&find_pets_by_status::Request { status }).await.expect("answer");
            assert!(matches!(response, find_pets_by_status::Response::Ok(ref pets) if pets.len() == 1), "{response:?}");
            let tags = vec!["x y".to_owned(), "z".to_owned()];
            let response = client.send(&find_pets_by_tags::Request { tags }).await.expect("answer");
            let find_pets_by_tags::Response::Ok(pets) = response else { panic!("{response:?}") };
            assert_eq!(pets.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["x y", "z"]);
            let request = delete_pet::Request { api_key: Some("header key".into()), pet_id: 8 };
            assert_eq!(client.send(&request).await.expect("answer"), delete_pet::Response::BadRequest);
            let response = client.send(&place_order::Request { body: order.clone() }).await.expect("answer");
            assert_eq!(response, place_order::Response::Ok(order));
            let response = client.send(&get_order_by_id::Request { order_id: 3 }).await.expect("answer");
            assert!(matches!(response, get_order_by_id::Response::Ok(ref o) if o.id == Some(3)), "{response:?}");
            let response = client.send(&delete_order::Request { order_id: "a b/c".into() }).await.expect("answer");
            assert_eq!(response, delete_order::Response::NotFound);
            // `default` keeps the real status both ways.
            let response = client.send(&create_user::Request { body: user.clone() }).await.expect("answer");
            assert_eq!(response, create_user::Response::Default { status: http::StatusCode::CREATED });
            let users = vec![user.clone(), user.clone()];
            let response =
                client.send(&create_users_with_array_input::Request { body: users.clone() }).await.expect("answer");
            assert_eq!(
                response,
                create_users_with_array_input::Response::Default { status: http::StatusCode::ACCEPTED }
            );
            let response = client.send(&create_users_with_list_input::Request { body: users }).await.expect("answer");
            assert_eq!(response, create_users_with_list_input::Response::Default { status: http::StatusCode::OK });
            let response = client.send(&logout_user::Request {}).await.expect("answer");
            assert_eq!(response, logout_user::Response::Default { status: http::StatusCode::NO_CONTENT });
            let response = client.send(&get_user_by_name::Request { username: "ann".into() }).await.expect("answer");
            assert!(matches!(response, get_user_by_name::Response::Ok(ref u) if u.username.as_deref() == Some("ann")));
            let request = update_user::Request { username: "ann".into(), body: user };
            assert_eq!(client.send(&request).await.expect("answer"), update_user::Response::BadRequest);
            let response = client.send(&delete_user::Request { username: "ann".into() }).await.expect("answer");
            assert_eq!(response, delete_user::Response::NotFound);
        }

        /// A server of one method: every other answers 501.
        struct One;

        impl petstore_v2::server::Api for One {
            async fn get_inventory(
                &self,
                _: &Context,
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
            let form =
                update_pet_with_form::Form { name: Some("Rex & \"Co\" =1+1".into()), status: Some("sold".into()) };
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
            assert!(
                matches!(response, get_inventory::Response::Ok(ref map) if map.get("sold") == Some(&3)),
                "{response:?}"
            );
            let response = client.send(&logout_user::Request {}).await.expect("an answer");
            assert_eq!(response, logout_user::Response::Default { status: http::StatusCode::NOT_IMPLEMENTED });
        }
    }

    mod v3 {
        use super::*;
        use petstore_v3::endpoints::{
            add_pet, create_user, create_users_with_list_input, delete_order, delete_pet, delete_user,
            find_pets_by_status, find_pets_by_tags, get_inventory, get_order_by_id, get_pet_by_id, get_user_by_name,
            login_user, logout_user, place_order, update_pet, update_pet_with_form, update_user, upload_file, ApiKey,
            PetstoreAuth,
        };

        struct Server;

        impl petstore_v3::server::Api for Server {
            async fn add_pet(
                &self,
                _: &Context,
                credential: PetstoreAuth,
                request: add_pet::Request,
            ) -> Result<add_pet::Response, ApiError> {
                check(credential.0 == "oauth-token", &credential)?;
                check(request.body.name == "Rex", &request)?;
                Ok(add_pet::Response::Ok(request.body))
            }

            async fn upload_file(
                &self,
                _: &Context,
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
                _: &Context,
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

        /// The other operations of the 3.0 petstore, each checking what it received.
        struct Rest;

        impl petstore_v3::server::Api for Rest {
            async fn update_pet(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: update_pet::Request,
            ) -> Result<update_pet::Response, ApiError> {
                Ok(update_pet::Response::Ok(request.body))
            }

            async fn find_pets_by_status(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: find_pets_by_status::Request,
            ) -> Result<find_pets_by_status::Response, ApiError> {
                let status = serde_json::to_value(request.status.as_ref()).expect("serializes");
                check(status == serde_json::json!("pending"), &request)?;
                Ok(find_pets_by_status::Response::Ok(Vec::new()))
            }

            async fn find_pets_by_tags(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: find_pets_by_tags::Request,
            ) -> Result<find_pets_by_tags::Response, ApiError> {
                check(request.tags == ["a", "b,c"], &request)?;
                Ok(find_pets_by_tags::Response::BadRequest)
            }

            async fn update_pet_with_form(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: update_pet_with_form::Request,
            ) -> Result<update_pet_with_form::Response, ApiError> {
                let pet = serde_json::json!({"id": request.pet_id, "name": request.name, "photoUrls": [], "status": request.status});
                Ok(update_pet_with_form::Response::Ok(from_json(pet)))
            }

            async fn delete_pet(
                &self,
                _: &Context,
                _: PetstoreAuth,
                request: delete_pet::Request,
            ) -> Result<delete_pet::Response, ApiError> {
                check(request.api_key.is_none() && request.pet_id == 1, &request)?;
                Ok(delete_pet::Response::Ok)
            }

            async fn get_inventory(
                &self,
                _: &Context,
                credential: ApiKey,
                _: get_inventory::Request,
            ) -> Result<get_inventory::Response, ApiError> {
                check(credential.0 == "special-key", &credential)?;
                Ok(get_inventory::Response::Ok(std::iter::once(("placed".to_owned(), 1)).collect()))
            }

            async fn place_order(
                &self,
                _: &Context,
                request: place_order::Request,
            ) -> Result<place_order::Response, ApiError> {
                match request.body {
                    Some(order) => Ok(place_order::Response::Ok(order)),
                    None => Ok(place_order::Response::UnprocessableEntity),
                }
            }

            async fn get_order_by_id(
                &self,
                _: &Context,
                request: get_order_by_id::Request,
            ) -> Result<get_order_by_id::Response, ApiError> {
                check(request.order_id == 11, &request)?;
                Ok(get_order_by_id::Response::NotFound)
            }

            async fn delete_order(
                &self,
                _: &Context,
                request: delete_order::Request,
            ) -> Result<delete_order::Response, ApiError> {
                check(request.order_id == 12, &request)?;
                Ok(delete_order::Response::Default { status: http::StatusCode::IM_A_TEAPOT })
            }

            async fn create_user(
                &self,
                _: &Context,
                request: create_user::Request,
            ) -> Result<create_user::Response, ApiError> {
                Ok(create_user::Response::Ok(request.body.unwrap_or_default()))
            }

            async fn create_users_with_list_input(
                &self,
                _: &Context,
                request: create_users_with_list_input::Request,
            ) -> Result<create_users_with_list_input::Response, ApiError> {
                let users = request.body.unwrap_or_default();
                Ok(create_users_with_list_input::Response::Ok(users.into_iter().last().unwrap_or_default()))
            }

            async fn login_user(
                &self,
                _: &Context,
                request: login_user::Request,
            ) -> Result<login_user::Response, ApiError> {
                check(request.username.as_deref() == Some("ann") && request.password.is_none(), &request)?;
                Ok(login_user::Response::Ok { body: "s".into(), x_rate_limit: Some(1), x_expires_after: None })
            }

            async fn logout_user(
                &self,
                _: &Context,
                _: logout_user::Request,
            ) -> Result<logout_user::Response, ApiError> {
                Ok(logout_user::Response::Default { status: http::StatusCode::SERVICE_UNAVAILABLE })
            }

            async fn get_user_by_name(
                &self,
                _: &Context,
                request: get_user_by_name::Request,
            ) -> Result<get_user_by_name::Response, ApiError> {
                Ok(get_user_by_name::Response::Ok(from_json(serde_json::json!({"username": request.username}))))
            }

            async fn update_user(
                &self,
                _: &Context,
                request: update_user::Request,
            ) -> Result<update_user::Response, ApiError> {
                check(request.username == "ann" && request.body.is_some(), &request)?;
                Ok(update_user::Response::Ok)
            }

            async fn delete_user(
                &self,
                _: &Context,
                request: delete_user::Request,
            ) -> Result<delete_user::Response, ApiError> {
                check(request.username == "ann", &request)?;
                Ok(delete_user::Response::Ok)
            }
        }

        #[tokio::test]
        async fn every_other_operation_goes_both_ways() {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
            let address = listener.local_addr().expect("an address");
            tokio::spawn(petstore_v3::server::router(Arc::new(Rest)).serve(listener));
            let client = petstore_v3::client::Client::new(format!("http://{address}"))
                .with_credential(PetstoreAuth::from("oauth-token"))
                .with_credential(ApiKey::from("special-key"));
            let rex: petstore_v3::types::Pet = from_json(serde_json::json!({"id": 4, "name": "Rex", "photoUrls": []}));
            let user: petstore_v3::types::User = from_json(serde_json::json!({"username": "ann"}));
            let order: petstore_v3::types::Order = from_json(serde_json::json!({"id": 2, "quantity": 3}));
            let response = client.send(&update_pet::Request { body: rex.clone() }).await.expect("answer");
            assert_eq!(response, update_pet::Response::Ok(rex));
            let request = find_pets_by_status::Request { status: Some(from_json(serde_json::json!("pending"))) };
            assert_eq!(client.send(&request).await.expect("answer"), find_pets_by_status::Response::Ok(Vec::new()));
            let request = find_pets_by_tags::Request { tags: vec!["a".into(), "b,c".into()] };
            assert_eq!(client.send(&request).await.expect("answer"), find_pets_by_tags::Response::BadRequest);
            let request =
                update_pet_with_form::Request { pet_id: 5, name: Some("Rex".into()), status: Some("sold".into()) };
            let response = client.send(&request).await.expect("answer");
            assert!(
                matches!(response, update_pet_with_form::Response::Ok(ref p) if p.id == Some(5) && p.name == "Rex"),
                "{response:?}"
            );
            let request = delete_pet::Request { api_key: None, pet_id: 1 };
            assert_eq!(client.send(&request).await.expect("answer"), delete_pet::Response::Ok);
            let response = client.send(&get_inventory::Request {}).await.expect("answer");
            assert!(
                matches!(response, get_inventory::Response::Ok(ref m) if m.get("placed") == Some(&1)),
                "{response:?}"
            );
            let response = client.send(&place_order::Request { body: Some(order.clone()) }).await.expect("answer");
            assert_eq!(response, place_order::Response::Ok(order));
            let response = client.send(&place_order::Request { body: None }).await.expect("answer");
            assert_eq!(response, place_order::Response::UnprocessableEntity);
            let response = client.send(&get_order_by_id::Request { order_id: 11 }).await.expect("answer");
            assert_eq!(response, get_order_by_id::Response::NotFound);
            let response = client.send(&delete_order::Request { order_id: 12 }).await.expect("answer");
            assert_eq!(response, delete_order::Response::Default { status: http::StatusCode::IM_A_TEAPOT });
            let response = client.send(&create_user::Request { body: Some(user.clone()) }).await.expect("answer");
            assert_eq!(response, create_user::Response::Ok(user.clone()));
            let request = create_users_with_list_input::Request { body: Some(vec![user.clone()]) };
            assert_eq!(
                client.send(&request).await.expect("answer"),
                create_users_with_list_input::Response::Ok(user.clone())
            );
            let request = login_user::Request { username: Some("ann".into()), password: None };
            let expected = login_user::Response::Ok { body: "s".into(), x_rate_limit: Some(1), x_expires_after: None };
            assert_eq!(client.send(&request).await.expect("answer"), expected);
            let response = client.send(&logout_user::Request {}).await.expect("answer");
            assert_eq!(response, logout_user::Response::Default { status: http::StatusCode::SERVICE_UNAVAILABLE });
            let response = client.send(&get_user_by_name::Request { username: "ann".into() }).await.expect("answer");
            assert!(matches!(response, get_user_by_name::Response::Ok(ref u) if u.username.as_deref() == Some("ann")));
            let request = update_user::Request { username: "ann".into(), body: Some(user) };
            assert_eq!(client.send(&request).await.expect("answer"), update_user::Response::Ok);
            let response = client.send(&delete_user::Request { username: "ann".into() }).await.expect("answer");
            assert_eq!(response, delete_user::Response::Ok);
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
            let request =
                upload_file::Request { pet_id: 3, additional_metadata: Some("front".into()), body: Some(photo()) };
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
            async fn both(
                &self,
                _: &Context,
                credential: both::Credentials,
                _: both::Request,
            ) -> Result<both::Response, ApiError> {
                let both::Credentials::ApiKeyAndBearer(key, token) = credential;
                Ok(both::Response::Ok(format!("key={} token={}", key.0, token.0)))
            }

            async fn either(
                &self,
                _: &Context,
                credential: either::Credentials,
                _: either::Request,
            ) -> Result<either::Response, ApiError> {
                Ok(either::Response::Ok(match credential {
                    either::Credentials::ApiKey(key) => format!("key={}", key.0),
                    either::Credentials::Basic(basic) => format!("basic={}:{}", basic.username, basic.password),
                    either::Credentials::CookieKeyAndQueryKey(cookie, query) => {
                        format!("cookie={} query={}", cookie.0, query.0)
                    }
                }))
            }

            async fn maybe(
                &self,
                _: &Context,
                credential: Option<Oidc>,
                _: maybe::Request,
            ) -> Result<maybe::Response, ApiError> {
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
            assert_eq!(
                client.send(&either::Request {}).await.expect("an answer"),
                either::Response::Ok("key=k".into())
            );
            assert_eq!(
                client.send(&maybe::Request {}).await.expect("an answer"),
                maybe::Response::Ok("anonymous".into())
            );
            let client = security_combos::client::Client::new(format!("http://{address}"))
                .with_credential(CookieKey::from("c"))
                .with_credential(QueryKey::from("q"))
                .with_credential(Basic { username: "ann".into(), password: "pw".into() })
                .with_credential(Oidc::from("o"));
            // `basic` comes before the cookie and query pair in the spec.
            assert_eq!(
                client.send(&either::Request {}).await.expect("an answer"),
                either::Response::Ok("basic=ann:pw".into())
            );
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

    /// `encoding` objects (`tests/fixtures/encoding`): a part's declared `contentType` is on
    /// the wire, and urlencoded arrays follow `style` and `explode`.
    mod encoding {
        use super::*;
        use encoding_forms::endpoints::{create_charge, search, upload_photo};
        use specgen_runtime::Endpoint as _;

        struct Server;

        impl encoding_forms::server::Api for Server {
            async fn upload_photo(
                &self,
                _: &Context,
                request: upload_photo::Request,
            ) -> Result<upload_photo::Response, ApiError> {
                let form = request.body;
                check(form.photo.bytes == photo(), &form.photo.bytes)?;
                check(form.photo.content_type.as_deref() == Some("image/png"), &form.photo.content_type)?;
                let types: Vec<_> = form.thumbnails.iter().map(|t| t.content_type.as_deref()).collect();
                check(types == [Some("image/jpeg"), Some("image/webp")], &types)?;
                let caption = form.meta.as_ref().and_then(|m| m.caption.as_deref());
                check(caption == Some("Rex"), &form.meta)?;
                Ok(upload_photo::Response::NoContent)
            }

            async fn search(&self, _: &Context, request: search::Request) -> Result<search::Response, ApiError> {
                let form = request.body;
                check(form.ids == [1, 2, 3], &form.ids)?;
                check(form.words == ["a b", "c"].map(String::from), &form.words)?;
                check(form.tags == ["x", "y"].map(String::from), &form.tags)?;
                check(form.filters == Some(filters()), &form.filters)?;
                Ok(search::Response::NoContent)
            }

            async fn create_charge(
                &self,
                _: &Context,
                request: create_charge::Request,
            ) -> Result<create_charge::Response, ApiError> {
                check(request == charge(), &request)?;
                Ok(create_charge::Response::NoContent)
            }
        }

        fn filters() -> Vec<encoding_forms::types::SearchBodyFiltersItem> {
            from_json(serde_json::json!([{"name": "a&b"}]))
        }

        /// Stripe's shapes: objects and lists in brackets, in the body and the query; strings
        /// of digits beside integers, in a union and in structs that keep undeclared members.
        fn charge() -> create_charge::Request {
            create_charge::Request {
                created: Some(from_json(serde_json::json!({"gt": 1700000000, "lte": 1800000000}))),
                expand: vec!["customer".into(), "invoice.lines".into()],
                body: create_charge::Form {
                    amount: 2000,
                    card: from_json(serde_json::json!({"number": "4242424242424242", "exp": {"month": 12, "year": 2030}})),
                    items: from_json(serde_json::json!([{"price": "price_a & b", "quantity": 2}, {"price": "price_c"}])),
                    metadata: Some(from_json(serde_json::json!({"order": "6735", "note": "[x] = y"}))),
                    expand: vec!["balance_transaction".into()],
                },
            }
        }

        fn upload() -> upload_photo::Request {
            upload_photo::Request {
                body: upload_photo::Form {
                    photo: FilePart::new(photo()).with_file_name("rex.png"),
                    thumbnails: vec![FilePart::new(vec![1, 2]), FilePart::new(vec![3]).with_content_type("image/webp")],
                    meta: Some(from_json(serde_json::json!({"caption": "Rex"}))),
                },
            }
        }

        #[test]
        fn declared_part_types_and_joined_arrays_are_on_the_wire() {
            let request = upload().try_into_http_request("http://h").expect("a request");
            let body = String::from_utf8_lossy(request.body());
            let head = |name: &str| {
                let start = body.find(&format!("name=\"{name}\"")).expect("the part");
                body[start..].split("\r\n\r\n").next().unwrap_or_default().to_owned()
            };
            assert!(head("photo").ends_with("Content-Type: image/png"), "{}", head("photo"));
            assert!(head("thumbnails").ends_with("Content-Type: image/jpeg"), "{}", head("thumbnails"));
            assert!(head("meta").ends_with("Content-Type: application/json"), "{}", head("meta"));
            let form = search::Form {
                ids: vec![1, 2, 3],
                words: vec!["a b".into(), "c".into()],
                tags: vec!["x".into(), "y".into()],
                filters: Some(filters()),
            };
            let request = search::Request { body: form }.try_into_http_request("http://h").expect("a request");
            assert_eq!(String::from_utf8_lossy(request.body()), "ids=1%2C2%2C3&words=a+b%7Cc&tags=x&tags=y&filters=%5B%7B%22name%22%3A%22a%26b%22%7D%5D");
            // In brackets, as Stripe reads them; members in the order `serde_json` keeps.
            let request = charge().try_into_http_request("http://h").expect("a request");
            let mut query: Vec<_> = request.uri().query().unwrap_or_default().split('&').collect();
            query.sort_unstable();
            assert_eq!(
                query,
                ["created%5Bgt%5D=1700000000", "created%5Blte%5D=1800000000", "expand%5B0%5D=customer", "expand%5B1%5D=invoice.lines"]
            );
            let body = String::from_utf8_lossy(request.body()).into_owned();
            let mut pairs: Vec<_> = body.split('&').collect();
            pairs.sort_unstable();
            assert_eq!(
                pairs,
                [
                    "amount=2000",
                    "card%5Bexp%5D%5Bmonth%5D=12",
                    "card%5Bexp%5D%5Byear%5D=2030",
                    "card%5Bnumber%5D=4242424242424242",
                    "expand%5B0%5D=balance_transaction",
                    "items%5B0%5D%5Bprice%5D=price_a+%26+b",
                    "items%5B0%5D%5Bquantity%5D=2",
                    "items%5B1%5D%5Bprice%5D=price_c",
                    "metadata%5Bnote%5D=%5Bx%5D+%3D+y",
                    "metadata%5Border%5D=6735",
                ]
            );
            let back = create_charge::Request::try_from_http_request(&request).expect("read back");
            assert_eq!(back, charge());
        }

        #[tokio::test]
        async fn encoded_forms_go_both_ways() {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
            let address = listener.local_addr().expect("an address");
            tokio::spawn(encoding_forms::server::router(Arc::new(Server)).serve(listener));
            let client = encoding_forms::client::Client::new(format!("http://{address}"));
            assert_eq!(client.send(&upload()).await.expect("answer"), upload_photo::Response::NoContent);
            let form = search::Form {
                ids: vec![1, 2, 3],
                words: vec!["a b".into(), "c".into()],
                tags: vec!["x".into(), "y".into()],
                filters: Some(filters()),
            };
            assert_eq!(
                client.send(&search::Request { body: form }).await.expect("answer"),
                search::Response::NoContent
            );
            assert_eq!(client.send(&charge()).await.expect("answer"), create_charge::Response::NoContent);
        }
    }
}
