//! The two petstores (`tests/fixtures/petstore/`) and a fixture of security combinations
//! (`tests/fixtures/security/`): the classic Swagger 2.0 one and the
//! OpenAPI 3.0 one, generated, built in a scratch workspace beside `whole_crates.rs`'s
//! (sharing its target folder), and run on loopback: each operation through the generated
//! client against the generated server, whose handler checks what it received
//! (`petstore/wire.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::config::Config;
use generator::{Diagnostics, GeneratedFile};

fn config(version: &str) -> Config {
    let path = match version {
        "security" => tests::fixtures().join("security/codegen.yaml"),
        "encoding" => tests::fixtures().join("encoding/codegen.yaml"),
        _ => tests::fixtures().join(format!("petstore/{version}/codegen.yaml")),
    };
    Config::load(&path).expect("the fixture's config loads")
}

fn generate(config: &Config) -> (Vec<GeneratedFile>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let files = generator::run(config, &mut diagnostics)
        .unwrap_or_else(|| panic!("the fixture generates:\n{}", diagnostics.render(false)));
    (files, diagnostics)
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == Path::new(path)).unwrap_or_else(|| panic!("{path} is generated")).contents
}

/// Form fields are a typed struct, a file part is bytes, a binary body is bytes: nothing is
/// text any more, and no media type is reported.
#[test]
fn forms_and_binary_bodies_are_typed() {
    let (files, diagnostics) = generate(&config("v2"));
    assert!(!diagnostics.iter().any(|d| d.message.contains("media type")), "{}", diagnostics.render(false));
    let form = file(&files, "src/endpoints/update_pet_with_form.rs");
    assert!(form.contains("pub struct Form {"), "{form}");
    assert!(form.contains("pub name: ::std::option::Option<::std::string::String>,"), "{form}");
    assert!(form.contains("FormWriter::new(false)"), "{form}");
    let upload = file(&files, "src/endpoints/upload_file.rs");
    assert!(upload.contains("pub file: ::std::option::Option<::specgen_runtime::FilePart>,"), "{upload}");
    assert!(upload.contains("FormWriter::new(true)"), "{upload}");

    let (files, diagnostics) = generate(&config("v3"));
    assert!(!diagnostics.iter().any(|d| d.message.contains("media type")), "{}", diagnostics.render(false));
    let upload = file(&files, "src/endpoints/upload_file.rs");
    assert!(upload.contains("pub body: ::std::option::Option<::std::vec::Vec<u8>>,"), "{upload}");
}

/// The `encoding` fixture generates without a warning (a form field's inline object once
/// made the generator panic: form fields' types were not counted as used), and its parts
/// declare their media types.
#[test]
fn encoding_objects_reach_the_generated_forms() {
    let (files, diagnostics) = generate(&config("encoding"));
    assert!(diagnostics.is_empty(), "{}", diagnostics.render(false));
    let upload = file(&files, "src/endpoints/upload_photo.rs");
    assert!(upload.contains(r#"form.content_type("photo", "image/png");"#), "{upload}");
    let search = file(&files, "src/endpoints/search.rs");
    assert!(search.contains(r#"form.joined("ids", &self.ids, ',');"#), "{search}");
    assert!(search.contains(r#"form.fields().delimited("words", '|')?"#), "{search}");
    let charge = file(&files, "src/endpoints/create_charge.rs");
    assert!(charge.contains(r#"form.nested("card", &self.card)?;"#), "{charge}");
    assert!(charge.contains(r#"out.nested_query("created", value)?;"#), "{charge}");
    assert!(
        charge.contains(r#"card: form.fields().nested_required("card", &CREATE_CHARGE_BODY_CARD_SHAPE)?,"#),
        "{charge}"
    );
    assert!(charge.contains(r#"created: query.nested("created", Self::CREATED_SHAPE)?,"#), "{charge}");
    // Each named type a value in brackets reaches has its shape, which says its members' types.
    assert!(charge.contains("static CREATE_CHARGE_BODY_CARD_EXP_SHAPE: ::specgen_runtime::wire::Shape = ::specgen_runtime::wire::Shape::Object(\n    &[\n        (\"month\", &::specgen_runtime::wire::Shape::Integer),"), "{charge}");
    // A form that allows no field is a struct of none, not bytes.
    let get = file(&files, "src/endpoints/get_charge.rs");
    assert!(get.contains("pub struct Form {}\n\nimpl Form {"), "{get}");
    assert!(get.contains("pub body: ::std::option::Option<Form>,"), "{get}");
}

/// The scratch workspace: beside `whole_crates.rs`'s, sharing its target folder.
fn scratch() -> (PathBuf, PathBuf) {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    (tmp.join("petstore"), tmp.join("whole-crates-target"))
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
fn both_petstores_build_and_every_operation_goes_over_the_wire() {
    let (workspace, target) = scratch();
    let runtime = tests::workspace_root().join("runtime");
    for version in ["v2", "v3", "security", "encoding"] {
        let mut config = config(version);
        config.output = workspace.join(config.package.name.clone());
        config.runtime.path = Some(runtime.clone());
        let (files, _) = generate(&config);
        generator::write::write(&config.output, &files).expect("the crate is written");
    }
    let manifest = format!(
        r#"# Written by tests/tests/petstore.rs.
[package]
name = "petstore-wire"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
petstore-v2 = {{ path = "../petstore-v2", features = ["server", "client"] }}
petstore-v3 = {{ path = "../petstore-v3", features = ["server", "client"] }}
security-combos = {{ path = "../security-combos", features = ["server", "client"] }}
encoding-forms = {{ path = "../encoding-forms", features = ["server", "client"] }}
specgen-runtime = {{ path = {runtime:?}, features = ["server", "client"] }}
http = "1"
serde = "1"
serde_json = "1"
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "net", "io-util"] }}
"#,
        runtime = runtime.display().to_string(),
    );
    write_if_changed(&workspace.join("petstore-wire/Cargo.toml"), &manifest);
    write_if_changed(&workspace.join("petstore-wire/src/lib.rs"), include_str!("petstore/wire.rs"));
    write_if_changed(
        &workspace.join("Cargo.toml"),
        "# Written by tests/tests/petstore.rs.\n[workspace]\nresolver = \"2\"\nmembers = [\"petstore-v2\", \"petstore-v3\", \"security-combos\", \"encoding-forms\", \"petstore-wire\"]\n\n[profile.dev]\ndebug = false\n",
    );
    let lock = std::fs::read_to_string(tests::workspace_root().join("Cargo.lock")).expect("Cargo.lock is readable");
    std::fs::write(workspace.join("Cargo.lock"), lock).expect("the scratch folder is writable");
    cargo(&workspace, &target, &["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"]);
    cargo(&workspace, &target, &["test", "--workspace", "--all-features"]);
}
