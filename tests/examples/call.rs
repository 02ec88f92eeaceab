//! Calls `/sync` with the generated client and prints the response body as JSON.
//!
//! `cargo run -p tests --example call [BASE_URL] [TOKEN]`: by default
//! `http://127.0.0.1:8008` (what the `serve` example listens on) and the token `t`.

use std::error::Error;

use matrix_sync_api::client::Client;
use matrix_sync_api::endpoints::{sync, AccessToken};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let base_url = args.next().unwrap_or_else(|| "http://127.0.0.1:8008".to_owned());
    let token = args.next().unwrap_or_else(|| "t".to_owned());
    let client = Client::new(base_url).with_credential(AccessToken::from(token));
    let request = sync::Request { timeout: Some(30000), ..sync::Request::default() };
    let sync::Response::Ok(body) = client.send(&request).await?;
    println!("{}", serde_json::to_string_pretty(&body)?);
    Ok(())
}
