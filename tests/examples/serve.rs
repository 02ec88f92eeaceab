//! Serves the generated `/sync` endpoint on 127.0.0.1, answering every authenticated request
//! with the spec's `200` example (read from the spec by the generator, as the tests do).
//!
//! `cargo run -p tests --example serve [PORT]`: the port comes from the argument, else the
//! `PORT` variable, else 8008. Then:
//!
//! ```text
//! curl 'http://127.0.0.1:8008/_matrix/client/v2_alpha/sync?access_token=t&timeout=30000'
//! ```

use std::error::Error;
use std::sync::Arc;

use matrix_sync_api::endpoints::{sync, AccessToken};
use matrix_sync_api::runtime::ApiError;
use matrix_sync_api::server::{Api, Context};
use matrix_sync_api::types::SyncResponse;

struct Example {
    response: SyncResponse,
}

impl Api for Example {
    async fn sync(&self, _: &Context, _: AccessToken, request: sync::Request) -> Result<sync::Response, ApiError> {
        eprintln!("sync: {request:?}");
        Ok(sync::Response::Ok(self.response.clone()))
    }
}

/// The spec's example of the `200` response of `/sync`.
fn example() -> Result<SyncResponse, Box<dyn Error>> {
    let config = generator::Config::load(&tests::sync_config_path()).map_err(|d| d.message)?;
    let mut diagnostics = generator::Diagnostics::default();
    let model = generator::check(&config.spec_path(), &config.overlay_paths(), &mut diagnostics)
        .and_then(|checked| generator::lower::lower(&checked, &config, &mut diagnostics))
        .ok_or_else(|| diagnostics.render(false))?;
    let example = model
        .operations
        .iter()
        .filter(|op| op.name == sync::METADATA.name)
        .flat_map(|op| &op.responses)
        .find(|r| r.status == Some(200))
        .and_then(|r| r.example.clone())
        .ok_or("the spec has no example of the 200 response of /sync")?;
    Ok(serde_json::from_value(example)?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = match std::env::args().nth(1).or_else(|| std::env::var("PORT").ok()) {
        Some(port) => port.parse().map_err(|e| format!("invalid port `{port}`: {e}"))?,
        None => 8008,
    };
    let api = Arc::new(Example { response: example()? });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("serving http://{}{}", listener.local_addr()?, sync::METADATA.path);
    // `router(api).serve(listener)` does the same with the defaults; `ServerConfig` holds the
    // header, idle and body timeouts and the size limits.
    let config = matrix_sync_api::runtime::server::ServerConfig::default();
    matrix_sync_api::server::router(api).with_config(config).serve(listener).await?;
    Ok(())
}
