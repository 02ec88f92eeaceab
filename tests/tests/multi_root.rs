//! Several root documents in one crate: `tests/fixtures/multi/rooms/` names three roots in its
//! `codegen.yaml`. The generated crate has a module of endpoints per root, one type for the
//! schema file two roots refer to, both operations of a path two roots share, and both
//! operations of a method and path declared twice. It is built in a scratch workspace beside
//! `whole_crates.rs`'s (sharing its target folder), with a crate that serves it on loopback
//! and calls it through its client and raw HTTP (`multi_root/wire.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config::Config;
use generator::{Diagnostics, GeneratedFile};

fn config() -> Config {
    Config::load(&tests::fixtures().join("multi/rooms/codegen.yaml")).expect("the fixture's config loads")
}

fn generate(config: &Config) -> (Vec<GeneratedFile>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let files = generator::run(config, &mut diagnostics)
        .unwrap_or_else(|| panic!("the fixture generates:\n{}", diagnostics.render(false)));
    (files, diagnostics)
}

/// The two lines every generated file starts with, and the blank line after them.
fn header(text: &str) -> &str {
    let end = text.match_indices('\n').nth(2).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == Path::new(path)).unwrap_or_else(|| panic!("{path} is generated")).contents
}

#[test]
fn each_root_is_a_module_of_endpoints() {
    let (files, diagnostics) = generate(&config());
    assert!(!diagnostics.has_errors());
    let endpoints = file(&files, "src/endpoints.rs");
    for module in ["pub mod rooms;", "pub mod room_state;", "pub mod content_repo;"] {
        assert!(endpoints.contains(module), "{endpoints}");
    }
    assert!(endpoints.contains("/// Room state\n///\n/// Changing the state of rooms."), "{endpoints}");
    let rooms = file(&files, "src/endpoints/rooms.rs");
    assert!(rooms.contains("pub mod get_room_state_with_key;") && rooms.contains("pub mod get_events;"), "{rooms}");
    // The path both roots have, with a method each, and each root's own path parameter doc.
    let get = file(&files, "src/endpoints/rooms/get_room_state_with_key.rs");
    let put = file(&files, "src/endpoints/room_state/set_room_state_with_key.rs");
    let path = r#"path: "/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}""#;
    assert!(get.contains(path) && put.contains(path), "{get}\n{put}");
    assert!(get.contains("The room to read.") && !get.contains("The room to change."), "{get}");
    assert!(put.contains("The room to change.") && !put.contains("The room to read."), "{put}");
    // Each root's basePath.
    assert!(
        file(&files, "src/endpoints/content_repo/upload_content.rs").contains(r#"path: "/_matrix/media/v3/upload""#)
    );
    // The trailing space is not part of the route.
    let invite = file(&files, "src/endpoints/room_state/invite_by3_pid.rs");
    assert!(invite.contains(r#"path: "/_matrix/client/v3/rooms/{roomId}/invite""#), "{invite}");
    // The schema file both roots refer to is one type, in `types` itself.
    let types = file(&files, "src/types.rs");
    assert_eq!(types.matches("pub struct StateEvent ").count(), 1, "{types}");
    assert!(!files.iter().any(|f| f.path.starts_with("src/types/") && f.contents.contains("pub struct StateEvent ")));
    // A type written in a root is in that root's module, documented by the root's title in
    // its own file; `types.rs` declares the modules of the roots that have types.
    assert!(
        types.starts_with(&format!("{}\npub mod content_repo;\npub mod room_state;\npub mod rooms;\n", header(types))),
        "{types}"
    );
    let rooms = file(&files, "src/types/rooms.rs");
    assert!(rooms.contains("//! Rooms\n//!\n//! The types written in `rooms.yaml`;"), "{rooms}");
    assert!(rooms.contains("pub struct InviteUserBody {"), "{rooms}");
    assert!(file(&files, "src/types/room_state.rs").contains("pub struct InviteBy3PidBody {"));
    // Every other place names it by its full path.
    let invite = file(&files, "src/endpoints/rooms/invite_user.rs");
    assert!(invite.contains("crate::types::rooms::InviteUserBody"), "{invite}");
    let examples = file(&files, "tests/spec_examples.rs");
    assert!(examples.contains("::multi_rooms::types::room_state::SetRoomStateWithKeyResponse"), "{examples}");
    let readme = file(&files, "README.md");
    assert!(readme.contains("| `rooms::InviteUserBody` | struct |"), "{readme}");
    // `getEvents` in two roots: two modules, and server methods told apart by module.
    let server = file(&files, "src/server.rs");
    assert!(server.contains("fn rooms_get_events(") && server.contains("fn room_state_get_events("), "{server}");
    assert!(server.contains("crate::endpoints::room_state::get_events::Request"), "{server}");
    assert!(!server.contains("fn get_events("), "{server}");
    // An operation named as its root: clippy's `module_inception` is allowed there only.
    let content_repo = file(&files, "src/endpoints/content_repo.rs");
    assert!(content_repo.contains("#[allow(clippy::module_inception)]\npub mod content_repo;"), "{content_repo}");
    assert_eq!(content_repo.matches("allow").count(), 1, "{content_repo}");
    // Spec example tests are named after the unique `Api` methods.
    let examples = file(&files, "tests/spec_examples.rs");
    assert!(
        examples.contains("fn rooms_get_events_200_example")
            && examples.contains("fn room_state_get_events_200_example")
    );
    assert!(readme.contains("| `endpoints::room_state::set_room_state_with_key` |"), "{readme}");
    // A second operation on one method and path is reported, not refused.
    let shared: Vec<_> = diagnostics.iter().filter(|d| d.code == "shared-route").collect();
    assert_eq!(shared.len(), 1, "{}", diagnostics.render(false));
    let space = diagnostics.iter().find(|d| d.code == "invalid-path").expect("the trailing space is reported");
    assert_eq!(space.severity, generator::Severity::Warning);
    let at = space.location.as_ref().expect("a location");
    assert!(at.file.ends_with("room_state.yaml") && (at.line, at.column) == (46, 26), "{at:?}");
}

/// The `Content-Type` header parameter is not written as a header of its own: it is the
/// media type of the body, and the server takes any.
/// OpenAPI 3 roots whose servers differ in their path (Matrix from v1.8, OpenAPI 3.1): each
/// root's operations are below its own server's path, and the crate's server is the origin.
#[test]
fn roots_with_their_own_server_paths_keep_them_in_their_routes() {
    let config = Config::load(&tests::fixtures().join("multi/servers/codegen.yaml")).expect("the config loads");
    let (files, diagnostics) = generate(&config);
    assert!(diagnostics.is_empty(), "{}", diagnostics.render(false));
    let state = file(&files, "src/endpoints/client/get_state.rs");
    assert!(state.contains(r#"path: "/_matrix/client/v3/rooms/{roomId}/state","#), "{state}");
    let media = file(&files, "src/endpoints/media/get_config.rs");
    assert!(media.contains(r#"path: "/_matrix/media/v3/config","#), "{media}");
    let client = file(&files, "src/client.rs");
    assert!(client.contains("The spec names the server `https://localhost:8008`."), "{client}");
    assert!(!client.contains("already starts with the base path"), "{client}");
}

#[test]
fn a_content_type_parameter_names_the_body_media_type() {
    let (files, _) = generate(&config());
    let upload = file(&files, "src/endpoints/content_repo/upload_content.rs");
    assert!(!upload.contains(r#"out.header("Content-Type""#), "{upload}");
    assert!(upload.contains(r#"request_body: ::std::option::Option::Some("*/*")"#), "{upload}");
}

/// The scratch workspace: beside `whole_crates.rs`'s, sharing its target folder.
fn scratch() -> (PathBuf, PathBuf) {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    (tmp.join("multi-root"), tmp.join("whole-crates-target"))
}

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("the scratch folder is writable");
    }
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn cargo(workspace: &Path, target: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let tail = |text: &str| text.chars().rev().take(30_000).collect::<Vec<_>>().into_iter().rev().collect::<String>();
    assert!(output.status.success(), "`cargo {}` failed:\n{}\n{}", args.join(" "), tail(&stdout), tail(&stderr));
}

#[test]
fn the_crate_of_several_roots_builds_and_serves_both_operations_of_a_route() {
    let (workspace, target) = scratch();
    let mut config = config();
    let crate_dir = workspace.join("multi-rooms");
    config.output = crate_dir.clone();
    config.runtime.path = Some(tests::workspace_root().join("runtime"));
    let (files, _) = generate(&config);
    generator::write::write(&crate_dir, &files).expect("the crate is written");
    let runtime = tests::workspace_root().join("runtime");
    let manifest = format!(
        r#"# Written by tests/tests/multi_root.rs.
[package]
name = "multi-wire"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
multi-rooms = {{ path = "../multi-rooms", features = ["server", "client"] }}
specgen-runtime = {{ path = {runtime:?}, features = ["server", "client"] }}
http = "1"
serde_json = "1"
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "net", "io-util"] }}
"#,
        runtime = runtime.display().to_string(),
    );
    write_if_changed(&workspace.join("multi-wire/Cargo.toml"), &manifest);
    write_if_changed(&workspace.join("multi-wire/src/lib.rs"), include_str!("multi_root/wire.rs"));
    write_if_changed(
        &workspace.join("Cargo.toml"),
        "# Written by tests/tests/multi_root.rs.\n[workspace]\nresolver = \"2\"\nmembers = [\"multi-rooms\", \"multi-wire\"]\n\n[profile.dev]\ndebug = false\n",
    );
    let lock = std::fs::read_to_string(tests::workspace_root().join("Cargo.lock")).expect("Cargo.lock is readable");
    std::fs::write(workspace.join("Cargo.lock"), lock).expect("the scratch folder is writable");
    cargo(&workspace, &target, &["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"]);
    cargo(&workspace, &target, &["test", "--workspace", "--all-features"]);
}
