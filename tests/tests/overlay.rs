//! The overlay stage through the public API: load → resolve → overlay.
//!
//! Own fixtures are in `tests/fixtures/overlay/`: `api.yaml` (with `schemas/pet.yaml`, bundled
//! as `components/schemas/pet`) and one overlay per case. The official examples of the
//! Overlay Specification are in `tests/fixtures/overlay/official/`; its `PROVENANCE.md`
//! says where each came from. Re-bless snapshots with `INSTA_UPDATE=always`.

use std::path::{Path, PathBuf};

use generator::diagnostics::codes;
use generator::source::Spec as Bundle;
use generator::{load, overlay, resolve, Diagnostics, Severity};
use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    tests::fixtures().join("overlay").join(name)
}

/// Loads and resolves a spec as `generator::check` does.
fn bundle(spec: &Path) -> Bundle {
    let mut diagnostics = Diagnostics::default();
    let root = load::load_file(spec, &generator::display_path(spec)).expect("the spec loads");
    let bundle = resolve::resolve(root, spec.parent().expect("a file has a folder"), &mut diagnostics);
    assert!(diagnostics.is_empty(), "{}", diagnostics.render(false));
    bundle
}

/// The outcome of applying one overlay.
struct Run {
    before: Value,
    bundle: Bundle,
    diagnostics: Diagnostics,
}

impl Run {
    /// `file:line:column` of the value at `pointer` of the document, through the source map.
    fn at(&self, pointer: &str) -> String {
        let location = self.bundle.value_location(pointer).unwrap_or_else(|| panic!("no location for `{pointer}`"));
        format!("{}:{}:{}", location.file, location.line, location.column)
    }

    /// `file:line:column` of the key naming the node at `pointer`.
    fn key_at(&self, pointer: &str) -> String {
        let location = self.bundle.key_location(pointer).unwrap_or_else(|| panic!("no location for `{pointer}`"));
        format!("{}:{}:{}", location.file, location.line, location.column)
    }

    fn messages(&self, severity: Severity) -> Vec<String> {
        self.diagnostics.iter().filter(|d| d.severity == severity).map(|d| d.message.clone()).collect()
    }

    /// The overlay was refused: errors, and the document exactly as it was.
    fn assert_unchanged(&self) {
        assert!(self.diagnostics.has_errors());
        assert_eq!(self.bundle.document, self.before);
    }
}

fn run(spec: &Path, overlay: &Path) -> Run {
    let bundle = bundle(spec);
    let before = bundle.document.clone();
    let mut diagnostics = Diagnostics::default();
    let bundle = overlay::apply(bundle, overlay, &mut diagnostics);
    Run { before, bundle, diagnostics }
}

/// Applies an overlay of `tests/fixtures/overlay/` to `api.yaml`.
fn pets(overlay: &str) -> Run {
    run(&fixture("api.yaml"), &fixture(overlay))
}

fn parameter_names(document: &Value) -> Vec<&str> {
    document["paths"]["/pets"]["get"]["parameters"]
        .as_array()
        .expect("parameters are a list")
        .iter()
        .map(|p| p["name"].as_str().expect("a parameter has a name"))
        .collect()
}

#[test]
fn update_merges_objects_deeply_and_replaces_other_values() {
    let run = pets("merge.yaml");
    assert!(run.diagnostics.is_empty(), "{}", run.diagnostics.render(false));
    let pet = &run.bundle.document["components"]["schemas"]["pet"];
    assert_eq!(
        pet,
        &json!({
            "type": "object",
            "description": "A pet",
            "required": ["id"],
            "properties": {
                "id": { "type": "string" },
                "name": { "type": "string", "description": "The pet's name", "maxLength": 64 },
                "age": { "type": "integer" }
            }
        })
    );
    // Nothing else changed.
    let mut expected = run.before.clone();
    expected["components"]["schemas"]["pet"] = pet.clone();
    assert_eq!(run.bundle.document, expected);
    // What the overlay put in points into the overlay; the rest into the files it came from.
    let pet = "/components/schemas/pet";
    assert_eq!(run.at(&format!("{pet}/properties/name/maxLength")), "fixtures/overlay/merge.yaml:12:22");
    assert_eq!(run.at(&format!("{pet}/required")), "fixtures/overlay/merge.yaml:9:17");
    assert_eq!(run.at(&format!("{pet}/required/0")), "fixtures/overlay/merge.yaml:9:18");
    assert_eq!(run.key_at(&format!("{pet}/properties/age")), "fixtures/overlay/merge.yaml:13:9");
    assert_eq!(run.at(&format!("{pet}/properties/age/type")), "fixtures/overlay/merge.yaml:14:17");
    assert_eq!(run.at(&format!("{pet}/properties/name/description")), "fixtures/overlay/schemas/pet.yaml:8:18");
    assert_eq!(run.key_at(&format!("{pet}/properties/name")), "fixtures/overlay/schemas/pet.yaml:6:3");
}

#[test]
fn remove_takes_array_elements_and_members_out() {
    let run = pets("remove.yaml");
    assert!(run.diagnostics.is_empty(), "{}", run.diagnostics.render(false));
    let document = &run.bundle.document;
    assert_eq!(parameter_names(document), ["limit", "offset"]);
    let methods: Vec<&str> =
        document["paths"]["/pets/{id}"].as_object().into_iter().flat_map(|o| o.keys()).map(String::as_str).collect();
    assert_eq!(methods, ["get"]);
    // `offset` moved from index 2 to 1 and still points at its line.
    assert_eq!(run.at("/paths/~1pets/get/parameters/1/name"), "fixtures/overlay/api.yaml:21:17");
    assert_eq!(run.at("/paths/~1pets/get/parameters/1/schema/type"), "fixtures/overlay/api.yaml:24:19");
    assert_eq!(run.at("/paths/~1pets/get/parameters/0/name"), "fixtures/overlay/api.yaml:13:17");
}

#[test]
fn an_action_applies_to_every_node_its_target_selects() {
    let run = pets("multiple.yaml");
    assert!(run.diagnostics.is_empty(), "{}", run.diagnostics.render(false));
    let document = &run.bundle.document;
    assert_eq!(document["paths"]["/pets"]["get"]["x-safe"], json!(true));
    assert_eq!(document["paths"]["/pets/{id}"]["get"]["x-safe"], json!(true));
    assert_eq!(document["paths"]["/pets/{id}"]["delete"].get("x-safe"), None);
    assert_eq!(run.at("/paths/~1pets/get/x-safe"), "fixtures/overlay/multiple.yaml:8:15");
    assert_eq!(run.at("/paths/~1pets~1{id}/get/x-safe"), "fixtures/overlay/multiple.yaml:8:15");
    // Elements 0 and 2 of one list were removed, the higher index first.
    assert_eq!(parameter_names(document), ["X-Trace"]);
    assert_eq!(run.at("/paths/~1pets/get/parameters/0/name"), "fixtures/overlay/api.yaml:17:17");
}

#[test]
fn update_of_an_array_appends_the_value() {
    let run = pets("append.yaml");
    assert!(run.diagnostics.is_empty(), "{}", run.diagnostics.render(false));
    let document = &run.bundle.document;
    assert_eq!(parameter_names(document), ["limit", "X-Trace", "offset", "sort"]);
    assert_eq!(
        document["paths"]["/pets"]["get"]["parameters"][3],
        json!({ "name": "sort", "in": "query", "schema": { "type": "string" } })
    );
    assert_eq!(
        document["servers"],
        json!([
            { "url": "https://pets.example.com/v1" },
            { "url": "https://staging.pets.example.com/v1" },
            { "url": "http://localhost:8080" }
        ])
    );
    assert_eq!(run.at("/paths/~1pets/get/parameters/3/name"), "fixtures/overlay/append.yaml:8:13");
    assert_eq!(run.at("/paths/~1pets/get/parameters/3/schema/type"), "fixtures/overlay/append.yaml:11:15");
    assert_eq!(run.at("/paths/~1pets/get/parameters/2/name"), "fixtures/overlay/api.yaml:21:17");
    assert_eq!(run.at("/servers/2/url"), "fixtures/overlay/append.yaml:14:12");
}

#[test]
fn actions_apply_in_order_each_to_what_the_previous_left() {
    let run = pets("order.yaml");
    assert!(run.diagnostics.is_empty(), "{}", run.diagnostics.render(false));
    let document = &run.bundle.document;
    // Removed, created again by the second action, appended to by the third.
    assert_eq!(document["servers"], json!([{ "url": "http://localhost:8080" }, { "url": "http://localhost:9090" }]));
    // Added by the fourth action, removed by the fifth.
    assert_eq!(document["info"], run.before["info"]);
    // The re-created list points into the overlay, not at the removed servers.
    assert_eq!(run.at("/servers/0/url"), "fixtures/overlay/order.yaml:11:16");
    assert_eq!(run.at("/servers/1/url"), "fixtures/overlay/order.yaml:14:12");
}

#[test]
fn a_target_that_matches_nothing_is_a_warning() {
    let run = pets("no-match.yaml");
    assert!(!run.diagnostics.has_errors());
    assert_eq!(run.messages(Severity::Warning), ["overlay action target `$.paths['/pets'].post` matches nothing"]);
    let warning = run.diagnostics.iter().next().expect("one diagnostic");
    assert_eq!(warning.code, codes::OVERLAY_NO_MATCH);
    let location = warning.location.as_ref().expect("a location");
    assert_eq!((&*location.file, location.line, location.column), ("fixtures/overlay/no-match.yaml", 6, 13));
    assert_eq!(run.bundle.document, run.before);
    insta::assert_snapshot!(run.diagnostics.render(false));
}

#[test]
fn a_target_that_is_not_jsonpath_is_an_error_at_the_mistake() {
    let run = pets("bad-jsonpath.yaml");
    run.assert_unchanged();
    let error = run.diagnostics.iter().next().expect("one diagnostic");
    assert_eq!(run.diagnostics.iter().count(), 1);
    assert_eq!(error.code, codes::OVERLAY_INVALID);
    assert_eq!(error.message, "invalid JSONPath `$.paths[/pets].get` in `actions[1].target`");
    let location = error.location.as_ref().expect("a location");
    // The target starts at column 13; the parser points at the `[` of the unquoted name.
    assert_eq!((location.line, location.column), (9, 20));
    insta::assert_snapshot!(run.diagnostics.render(false));
}

#[test]
fn an_overlay_without_actions_is_refused() {
    let run = pets("missing-actions.yaml");
    run.assert_unchanged();
    assert_eq!(run.messages(Severity::Error), ["invalid overlay: `actions` is missing"]);
    insta::assert_snapshot!(run.diagnostics.render(false));
}

#[test]
fn an_action_that_updates_and_removes_is_refused_and_nothing_is_applied() {
    let run = pets("update-and-remove.yaml");
    // The first action is fine, but the overlay is checked whole before any action runs.
    run.assert_unchanged();
    assert_eq!(run.messages(Severity::Error), ["invalid overlay: `actions[1]` has both `update` and `remove: true`"]);
    insta::assert_snapshot!(run.diagnostics.render(false));
}

#[test]
fn an_update_of_a_string_is_refused_and_nothing_is_half_applied() {
    let run = pets("update-primitive.yaml");
    // The first action ran before the second failed; its change is not kept either.
    run.assert_unchanged();
    assert_eq!(
        run.messages(Severity::Error),
        ["`actions[1]` cannot update `$['info']['title']`: it is a string, not an object or a list"]
    );
    insta::assert_snapshot!(run.diagnostics.render(false));
}

#[test]
fn an_update_of_an_object_must_be_a_mapping() {
    let run = pets("update-not-mapping.yaml");
    run.assert_unchanged();
    assert_eq!(
        run.messages(Severity::Error),
        ["`actions[0].update` must be a mapping to merge into the object `$['info']`, found a string"]
    );
    let location = run.diagnostics.iter().next().and_then(|d| d.location.clone()).expect("a location");
    assert_eq!((location.line, location.column), (7, 13));
}

#[test]
fn the_root_cannot_be_removed() {
    let run = pets("remove-root.yaml");
    run.assert_unchanged();
    assert_eq!(run.messages(Severity::Error), ["`actions[0]` cannot remove the document root"]);
}

#[test]
fn a_missing_overlay_file_is_an_error() {
    let run = pets("no-such-overlay.yaml");
    run.assert_unchanged();
    assert_eq!(run.diagnostics.iter().next().map(|d| d.code), Some(codes::IO));
}

/// `api/overlays/sync-fixes.yaml` turns the vendored `rooms.additionalProperties` into the
/// object schema upstream meant.
#[test]
fn sync_fixes_repair_the_rooms_schema() {
    let root = tests::workspace_root();
    let run = run(&root.join("api/sync.yaml"), &root.join("api/overlays/sync-fixes.yaml"));
    assert!(run.diagnostics.is_empty(), "{}", run.diagnostics.render(false));
    let rooms_pointer = "/paths/~1sync/get/responses/200/schema/properties/rooms";
    let before = run.before.pointer(rooms_pointer).expect("`rooms` is in the spec");
    let rooms = run.bundle.document.pointer(rooms_pointer).expect("`rooms` is still there");
    let joined = "A list of room ids that the user is a member of that\nhave updates.";
    let invited = "A list of room ids that the user has been invited to.";
    let archived = "A list of room ids that the user has left or been\nbanned from. The entries in the room_map will have a\n``state`` key and a ``timeline`` key. But will lack the\n``emphemeral`` key.";
    assert_eq!(
        rooms,
        &json!({
            "type": "object",
            "description": before["description"],
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "joined": { "type": "array", "description": joined, "items": { "type": "string" } },
                    "invited": { "type": "array", "description": invited, "items": { "type": "string" } },
                    "archived": { "type": "array", "description": archived, "items": { "type": "string" } }
                }
            }
        })
    );
    // The descriptions are upstream's, word for word.
    for (name, description) in [("joined", joined), ("invited", invited), ("archived", archived)] {
        assert_eq!(before["additionalProperties"][name]["description"], description);
    }
    // Nothing outside `rooms.additionalProperties` changed.
    let mut expected = run.before.clone();
    if let Some(slot) = expected.pointer_mut(&format!("{rooms_pointer}/additionalProperties")) {
        *slot = rooms["additionalProperties"].clone();
    }
    assert_eq!(run.bundle.document, expected);
    // Diagnostics about the new schemas point into the overlay, the rest into the spec.
    let items = run
        .bundle
        .value_location(&format!("{rooms_pointer}/additionalProperties/properties/joined/items/type"))
        .expect("a location");
    assert!(items.file.ends_with("api/overlays/sync-fixes.yaml"), "{}", items.file);
    let added = std::fs::read_to_string(root.join("api/overlays/sync-fixes.yaml")).expect("the overlay reads");
    assert_eq!(added.lines().nth(items.line - 1).map(str::trim), Some("type: string"));
    let description = run.bundle.value_location(&format!("{rooms_pointer}/description")).expect("a location");
    assert!(description.file.ends_with("api/sync.yaml"), "{}", description.file);
    assert_eq!(description.line, 77);
}

/// Every compliant set of the Overlay Specification repository written for Overlay 1.0:
/// the document after the overlay is upstream's `output.yaml`.
#[test]
fn official_compliant_sets_give_the_official_output() {
    let sets = [
        "compliant-sets/add-a-license",
        "compliant-sets/description-and-summary",
        "compliant-sets/remove-example",
        "compliant-sets/remove-matching-responses",
        "compliant-sets/remove-property",
        "compliant-sets/remove-server",
        "compliant-sets/update-root",
        "adapted/replace-servers-for-sandbox",
    ];
    for set in sets {
        let folder = fixture("official").join(set);
        let run = run(&folder.join("openapi.yaml"), &folder.join("overlay.yaml"));
        assert!(run.diagnostics.is_empty(), "{set}: {}", run.diagnostics.render(false));
        let output = load::load_file(&folder.join("output.yaml"), "output.yaml").expect("the output loads");
        assert_eq!(run.bundle.document, *output.value, "{set}");
        assert_ne!(run.bundle.document, run.before, "{set} changes the document");
    }
}

/// The one compliant set written as Overlay 1.1 is refused as not supported yet; its
/// 1.0 adaptation is in the test above.
#[test]
fn official_overlay_1_1_set_is_not_supported_yet() {
    let folder = fixture("official/compliant-sets/replace-servers-for-sandbox");
    let run = run(&folder.join("openapi.yaml"), &folder.join("overlay.yaml"));
    run.assert_unchanged();
    let codes: Vec<&str> = run.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [codes::UNSUPPORTED, codes::OVERLAY_INVALID]);
    assert_eq!(
        run.messages(Severity::Error),
        ["Overlay `1.1.0` is not supported yet", "invalid overlay: unknown field `description` in `info`"]
    );
}

/// The overlays the Overlay 1.0 JSON Schema rejects (upstream `tests/v1.0/fail`) are refused,
/// each for the reason its name gives. Most of them also have an action with only a
/// `target`, which is valid and only warned about (see the next test).
#[test]
fn official_schema_failures_are_refused() {
    let cases: &[(&str, &[&str])] = &[
        (
            "action-remove-invalid-type",
            &["invalid overlay: `actions[0].remove` must be `true` or `false`, found a string"],
        ),
        ("action-target-invalid-type", &["invalid overlay: `actions[0].target` must be a string, found a number"]),
        (
            "actions-invalid-description",
            &["invalid overlay: `actions[0].description` must be a string, found a number"],
        ),
        ("actions-invalid-target", &["invalid JSONPath `info.description` in `actions[0].target`"]),
        ("actions-invalid-type", &["invalid overlay: `actions` must be a list, found a mapping"]),
        ("actions-item-invalid-type", &["invalid overlay: `actions[0]` must be a mapping, found a number"]),
        ("actions-minimal", &["invalid overlay: `actions` is empty"]),
        ("actions-missing", &["invalid overlay: `actions` is missing"]),
        ("actions-missing-target", &["invalid overlay: `actions[0]` has no `target`"]),
        ("actions-not-unique", &["invalid overlay: `actions[1]` repeats `actions[0]`"]),
        ("extends-invalid-type", &["invalid overlay: `extends` must be a string"]),
        ("info-invalid-type", &["invalid overlay: `info` must be a mapping, found a string"]),
        ("info-missing-title", &["invalid overlay: `info.title` is missing"]),
        ("info-missing-version", &["invalid overlay: `info.version` is missing"]),
        ("info-title-invalid-type", &["invalid overlay: `info.title` must be a string, found a number"]),
        ("info-version-invalid-type", &["invalid overlay: `info.version` must be a string, found a boolean"]),
        ("invalid-overlay-version", &["invalid overlay: `overlay` must be a string, found a number"]),
        ("not-an-object", &["invalid overlay: the document is not a mapping"]),
        (
            "overlay-invalid-pattern",
            &["invalid overlay: `overlay` version `1.0` is not of the form `major.minor.patch`"],
        ),
        ("root-invalid-property", &["invalid overlay: unknown field `invalidProperty` in the overlay"]),
    ];
    let folder = fixture("official/schema-tests/fail");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("the folder reads")
        .map(|entry| entry.expect("an entry").path().file_stem().expect("a name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, cases.iter().map(|(name, _)| *name).collect::<Vec<_>>(), "every upstream case is checked");
    for (name, expected) in cases {
        let run = run(&fixture("api.yaml"), &folder.join(format!("{name}.yaml")));
        run.assert_unchanged();
        let mut messages = run.messages(Severity::Error);
        messages.sort();
        let mut expected: Vec<String> = expected.iter().map(|m| (*m).to_owned()).collect();
        expected.sort();
        assert_eq!(messages, expected, "{name}");
        let mut errors = run.diagnostics.iter().filter(|d| d.severity == Severity::Error);
        assert!(errors.all(|d| d.code == codes::OVERLAY_INVALID), "{name}");
        assert!(run.diagnostics.iter().all(|d| d.location.is_some()), "{name}");
    }
}

/// The overlays the Overlay 1.0 JSON Schema accepts (upstream `tests/v1.0/pass`), applied to
/// `api.yaml`. Five have an action with only a `target`, which the schema allows and which
/// does nothing: they apply, with a warning that says so. Two are refused, on purpose:
/// - `actions-update-with-remove` has both, where the specification ignores `update`; this
///   generator refuses the ambiguity;
/// - `actions-traits-example` targets `$.paths.*.get[?@.x-oai-traits.paged]`, which is not
///   RFC 9535 JSONPath (a member name after `.` cannot hold `-`); Overlay 1.1.0 rewrote the
///   example as `$.paths[?(@.get['x-oai-traits'][?(@ == 'paged')])].get`.
#[test]
fn official_schema_passes_are_accepted_except_where_stricter() {
    const NOTHING: &str = "overlay action `actions[0]` has neither `update` nor `remove: true`";
    let does_nothing = ["actions-description", "actions-extensions", "info-extensions", "minimal", "root-extensions"];
    let cases: &[(&str, &[&str])] = &[
        ("actions-array-modification-example-remove", &[]),
        ("actions-array-modification-example-update", &[]),
        ("actions-description", &[]),
        ("actions-extensions", &[]),
        ("actions-structured-overlay-example", &[]),
        ("actions-targeted-overlay-example", &[]),
        ("actions-traits-example", &["invalid JSONPath `$.paths.*.get[?@.x-oai-traits.paged]` in `actions[0].target`"]),
        ("actions-update-with-remove", &["invalid overlay: `actions[0]` has both `update` and `remove: true`"]),
        ("actions-wildcard-overlay-example", &[]),
        ("info-extensions", &[]),
        ("minimal", &[]),
        ("root-extensions", &[]),
    ];
    let folder = fixture("official/schema-tests/pass");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("the folder reads")
        .map(|entry| entry.expect("an entry").path().file_stem().expect("a name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, cases.iter().map(|(name, _)| *name).collect::<Vec<_>>(), "every upstream case is checked");
    for (name, expected) in cases {
        let run = run(&fixture("api.yaml"), &folder.join(format!("{name}.yaml")));
        assert_eq!(run.messages(Severity::Error), *expected, "{name}");
        if !expected.is_empty() {
            run.assert_unchanged();
        }
        if does_nothing.contains(name) {
            assert_eq!(run.bundle.document, run.before, "{name} changes nothing");
        }
        let warned = run.messages(Severity::Warning).contains(&NOTHING.to_owned());
        assert_eq!(warned, does_nothing.contains(name), "{name}");
    }
}

/// The 1.0.0 specification's wildcard example against `api.yaml`: every `get` gets
/// `x-safe`, and the filter selects no parameter (none is named `filter`).
#[test]
fn official_wildcard_example() {
    let run = pets("official/schema-tests/pass/actions-wildcard-overlay-example.yaml");
    assert!(!run.diagnostics.has_errors());
    assert_eq!(
        run.messages(Severity::Warning),
        ["overlay action target `$.paths.*.get.parameters[?@.name=='filter' && @.in=='query']` matches nothing"]
    );
    let document = &run.bundle.document;
    assert_eq!(document["paths"]["/pets"]["get"]["x-safe"], json!(true));
    assert_eq!(document["paths"]["/pets/{id}"]["get"]["x-safe"], json!(true));
    assert_eq!(document["paths"]["/pets/{id}"]["delete"].get("x-safe"), None);
}

/// A Swagger 2.0 `basePath` holding a template is refused, with a help line that says to
/// set it with an overlay; with that overlay the spec lints clean and the base is the one set.
#[test]
fn an_overlay_sets_a_templated_base_path() {
    let spec = fixture("base-path/spec.yaml");
    let mut diagnostics = Diagnostics::default();
    assert!(generator::check(&spec, &[], &mut diagnostics).is_none());
    let error = diagnostics.iter().find(|d| d.code == codes::INVALID_SERVER).expect("the base path is refused");
    assert_eq!(error.help.as_deref(), Some("basePath is not templated in Swagger 2.0; use an overlay to set it"));
    let location = error.location.as_ref().expect("the error has a location");
    assert_eq!((location.line, location.column), (4, 27));

    let mut diagnostics = Diagnostics::default();
    let overlays = [fixture("base-path/set-base-path.yaml")];
    let checked = generator::check(&spec, &overlays, &mut diagnostics);
    assert!(diagnostics.is_empty(), "{}", diagnostics.render(false));
    let checked = checked.expect("the spec with the overlay lints");
    assert_eq!(checked.api.servers[0].url, "https://matrix.example.org/_matrix/client/v3");
}
