//! `$ref`s inside example values (`tests/fixtures/example_refs`, shaped as the Matrix spec
//! shares event bodies between its examples): data by default, as OpenAPI says examples are,
//! and references with `examples.refs: resolve` (decision 24).

use std::path::PathBuf;

use generator::config::ExampleRefs;
use generator::{Config, Diagnostics, Inputs};

fn fixture() -> PathBuf {
    tests::fixtures().join("example_refs")
}

/// Lints the fixture's root with `example_refs`, and renders what it reports.
fn lint(example_refs: ExampleRefs) -> (Diagnostics, String) {
    let inputs = Inputs { root: Some(fixture()), example_refs, ..Inputs::default() };
    let mut diagnostics = Diagnostics::default();
    let checked = generator::check_with(&[fixture().join("api/events.yaml")], &inputs, &mut diagnostics);
    assert!(checked.is_some(), "{}", diagnostics.render(false));
    let rendered = diagnostics.render(false);
    (diagnostics, rendered)
}

#[test]
fn literal_examples_are_checked_as_written() {
    let (diagnostics, rendered) = lint(ExampleRefs::Literal);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    // The `$ref` member is undeclared in both examples, and what it stands for is missing.
    let undeclared = rendered.matches("example property `$ref` is not declared by its schema").count();
    assert_eq!(undeclared, 2, "{rendered}");
    assert!(codes.contains(&"example-invalid") && rendered.contains("missing required property"), "{rendered}");
}

#[test]
fn resolved_examples_are_the_events_they_refer_to() {
    let (diagnostics, rendered) = lint(ExampleRefs::Resolve);
    assert!(diagnostics.is_empty(), "{rendered}");
}

/// The config's `examples.refs` reaches the resolver, and the example test generated for
/// the response holds the event the refs make, members beside each ref laid over it.
#[test]
fn the_config_resolves_refs_in_examples_and_the_generated_test_holds_the_event() {
    let config = Config::load(&fixture().join("codegen.yaml")).expect("a valid config");
    assert_eq!(config.examples.refs, ExampleRefs::Resolve);
    let mut diagnostics = Diagnostics::default();
    let files = generator::run(&config, &mut diagnostics);
    assert!(diagnostics.is_empty(), "{}", diagnostics.render(false));
    let files = files.expect("the crate generates");
    let text: String = files.iter().map(|f| f.contents.as_str()).collect();
    assert!(!text.contains("$ref"), "a `$ref` is left in the generated code");
    // From the root's example, from `m.room.message.json` and from `core/room_event.json`.
    for member in ["!636q39766251:example.com", "This is an example text message", "$143273582443PhrSn:example.org"] {
        assert!(text.contains(member), "`{member}` is not in the generated code");
    }
    // Replaced by the members beside the refs.
    for replaced in ["!jEsUZKDJdhlrceRyVU:example.org", "org.example.custom.event"] {
        assert!(!text.contains(replaced), "`{replaced}` was replaced, yet is in the generated code");
    }
}
