//! Nothing lost on the wire: values read into the compiled goldens of the codegen fixtures
//! and written back are the values read, as JSON (issue 9, decisions 18 and 19).
//!
//! - An open object (no `additionalProperties`, or `true`) keeps the members it does not
//!   declare; `additionalProperties: false` refuses them rather than dropping them; a schema
//!   for `additionalProperties` beside `properties` types the rest.
//! - `format: float` is an `f64`: `0.1` comes back as `0.1`.
//! - `type: [T, "null"]` is a nullable `T`: absent, `null` and a value each come back.
//! - `items: [A, B]` is a tuple `(A, B)`.
//! - Unions (decision 26): every branch of each enum round-trips; untagged ones are read by
//!   the most specific branch, tagged ones by the tag, which is written once.
//! - `format: byte` is base64 bytes; `int-or-string`, through the config, an integer or a string.
//! - A string enum is open: a value the spec does not list comes back as it was.
//! - `x-nullable: true` is `nullable`: a map value or an optional property may be `null`,
//!   and absent, `null` and a value each come back (issue 10).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use tests::goldens::{
    any_of, closed_enums, formats, numbers, one_of_discriminator, one_of_inheritance, one_of_untagged, open_enums,
    open_objects, swagger_discriminator, tuples, type_lists, x_nullable,
};

/// Reads `value` into `T` and writes it back; the two must be equal as JSON.
fn round_trip<T: Serialize + DeserializeOwned>(value: Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value} is read: {e}"));
    let back = serde_json::to_value(&typed).expect("the value is written");
    assert_eq!(back, value, "the value changed on its way through the type");
    typed
}

#[test]
fn members_an_open_object_does_not_declare_survive_a_round_trip() {
    let event: open_objects::Event = round_trip(json!({
        "type": "m.presence",
        "content": {"presence": "online"},
        "sender": "@alice:example.org",
        "unsigned": {"age": 1234, "transaction_id": null},
    }));
    assert_eq!(event.type_, "m.presence");
    assert_eq!(event.additional_properties["sender"], json!("@alice:example.org"));
    assert_eq!(event.additional_properties["unsigned"]["age"], json!(1234));
    let explicit: open_objects::Explicit = round_trip(json!({"name": "n", "extra": [1, {"deep": true}]}));
    assert_eq!(explicit.additional_properties.len(), 1);
    // A value built in code writes its extra members beside the declared ones.
    let mut built = open_objects::Explicit::default();
    built.additional_properties.insert("x".into(), json!(1));
    assert_eq!(serde_json::to_value(&built).expect("written"), json!({"x": 1}));
}

#[test]
fn a_closed_object_refuses_other_members_instead_of_dropping_them() {
    round_trip::<open_objects::Closed>(json!({"id": "r1"}));
    let error = serde_json::from_value::<open_objects::Closed>(json!({"id": "r1", "other": 1})).unwrap_err();
    assert!(error.to_string().contains("unknown field `other`"), "{error}");
}

#[test]
fn typed_additional_properties_beside_properties_are_a_typed_map() {
    let counts: open_objects::Counts = round_trip(json!({"total": 3, "unread": 2, "highlights": 1}));
    assert_eq!(counts.total, 3);
    assert_eq!(counts.additional_properties.get("unread"), Some(&2));
    assert!(serde_json::from_value::<open_objects::Counts>(json!({"total": 3, "unread": "two"})).is_err());
}

#[test]
fn the_map_field_gives_way_to_a_property_of_its_name() {
    let clash: open_objects::Clash = round_trip(json!({"additional_properties": "declared", "other": 1}));
    assert_eq!(clash.additional_properties.as_deref(), Some("declared"));
    assert_eq!(clash.additional_properties_2["other"], json!(1));
}

#[test]
fn a_float_comes_back_as_written() {
    let numbers: numbers::Numbers = round_trip(json!({"a": 1, "b": 2, "c": 3, "d": 0.1, "e": 0.2, "f": 0.3}));
    assert_eq!(numbers.d, 0.1);
}

#[test]
fn a_type_list_with_null_is_a_nullable_type() {
    for value in [json!({}), json!({"status_msg": null}), json!({"status_msg": "away"})] {
        round_trip::<type_lists::Pusher>(value);
    }
    let pusher: type_lists::Pusher =
        round_trip(json!({"status_msg": null, "profile_tag": ["xyz"], "actions": ["notify", {"set_tweak": "sound"}]}));
    assert_eq!(pusher.status_msg, Some(None));
    assert_eq!(pusher.profile_tag, Some(vec!["xyz".to_owned()]));
}

#[test]
fn a_tuple_array_is_a_tuple() {
    let (status, container): tuples::InviteResponse =
        round_trip(json!([200, {"event": {"type": "m.room.member"}, "origin": "example.org"}]));
    assert_eq!(status, 200);
    assert_eq!(container.additional_properties["origin"], json!("example.org"));
    let pair: tuples::Pair = round_trip(json!(["a", 0.5]));
    assert_eq!(pair, ("a".to_owned(), 0.5));
    // A tuple holds exactly its items: more or fewer are refused, never dropped.
    assert!(serde_json::from_value::<tuples::Pair>(json!(["a", 0.5, 1])).is_err());
    assert!(serde_json::from_value::<tuples::Pair>(json!(["a"])).is_err());
    round_trip::<tuples::Loose>(json!(["a", 0.5, "more"]));
}

#[test]
fn an_untagged_one_of_reads_every_branch_by_the_most_specific_variant() {
    use one_of_untagged::{Amount, Setting, SettingValue, Shape, Unit};
    // The rectangle has more required members than the circle, so it is tried first.
    let rect = json!({"width": 2.0, "height": 3.0});
    assert!(matches!(round_trip::<Shape>(rect), Shape::Rectangle(r) if r.width == 2.0));
    let circle = json!({"radius": 1.5});
    assert!(matches!(round_trip::<Shape>(circle), Shape::Circle(c) if c.radius == 1.5));
    assert_eq!(round_trip::<Amount>(json!("all")), Amount::Unit(Unit::All));
    assert_eq!(round_trip::<Amount>(json!("some")), Amount::String("some".into()));
    assert_eq!(round_trip::<Amount>(json!(7)), Amount::Integer(7));
    assert_eq!(round_trip::<Amount>(json!(7.5)), Amount::Number(7.5));
    // Too large for the `i32` branch: the number reads it.
    assert_eq!(round_trip::<Amount>(json!(1e10)), Amount::Number(1e10));
    let value = |v: Value| round_trip::<Setting>(json!({"value": v})).value.expect("a value");
    assert_eq!(value(json!(true)), SettingValue::Boolean(true));
    assert_eq!(value(json!(["a"])), SettingValue::Array(vec!["a".into()]));
    assert!(matches!(value(json!({"name": "n", "x": 1})), SettingValue::Named(n) if n.name == "n"));
    assert!(matches!(value(json!({"other": 1})), SettingValue::Object(m) if m["other"] == 1));
    // Each variant converts from its branch.
    assert_eq!(Amount::from(3), Amount::Integer(3));
    assert_eq!(SettingValue::from(false), SettingValue::Boolean(false));
    assert!(serde_json::from_value::<Shape>(json!({"side": 1})).is_err());
    let tree = one_of_untagged::Tree::Array(vec!["a".to_owned().into(), one_of_untagged::Tree::Array(vec![])]);
    assert_eq!(round_trip::<one_of_untagged::Tree>(json!(["a", []])), tree);
}

#[test]
fn a_discriminated_one_of_is_read_by_its_tag_and_writes_it_once() {
    use one_of_discriminator::{Cat, Lizard, Loose, Owner, Pet};
    let cat = json!({"petType": "cat", "name": "Tom", "huntingSkill": "lazy"});
    assert!(matches!(round_trip::<Pet>(cat), Pet::Cat(c) if c.name == "Tom" && c.pet_type == "cat"));
    let dog = json!({"petType": "dog", "packSize": 3});
    assert!(matches!(round_trip::<Pet>(dog), Pet::Dog(d) if d.pack_size == 3));
    // Lizard does not declare the tag: it is taken away before the closed struct reads the
    // rest, and written again.
    let lizard = json!({"petType": "Lizard", "lovesRocks": true});
    assert!(matches!(round_trip::<Pet>(lizard), Pet::Lizard(l) if l.loves_rocks == Some(true)));
    let built = serde_json::to_value(Pet::from(Lizard { loves_rocks: None })).expect("written");
    assert_eq!(built, json!({"petType": "Lizard"}));
    // The tag picks the branch, even where another would read the members.
    let error = serde_json::from_value::<Pet>(json!({"petType": "dog", "name": "Tom"})).unwrap_err();
    assert!(error.to_string().contains("packSize"), "{error}");
    let error = serde_json::from_value::<Pet>(json!({"petType": "cow"})).unwrap_err();
    assert!(error.to_string().contains("unknown variant `cow`"), "{error}");
    let error = serde_json::from_value::<Pet>(json!({"name": "Tom"})).unwrap_err();
    assert!(error.to_string().contains("missing field `petType`"), "{error}");
    let owner: Owner =
        round_trip(json!({"pets": [{"petType": "cat", "name": "a"}, {"petType": "dog", "packSize": 1}]}));
    assert_eq!(owner.pets.map(|p| p.len()), Some(2));
    // The written value has the tag once.
    let cat = Cat {
        pet_type: "cat".into(),
        name: "n".into(),
        hunting_skill: None,
        additional_properties: Default::default(),
    };
    assert_eq!(serde_json::to_string(&Pet::from(cat)).expect("written"), r#"{"petType":"cat","name":"n"}"#);
    // A discriminator it cannot honour is an untagged union.
    assert_eq!(round_trip::<Loose>(json!("x")), Loose::String("x".into()));
    assert!(matches!(round_trip::<Loose>(json!({"petType": "cat", "name": "n"})), Loose::Cat(_)));
}

#[test]
fn a_swagger_discriminator_base_is_an_enum_of_the_schemas_that_extend_it() {
    use swagger_discriminator::Pet;
    let cat = json!({"petType": "Cat", "name": "Tom", "huntingSkill": "lazy"});
    assert!(matches!(round_trip::<Pet>(cat), Pet::Cat(c) if c.hunting_skill.as_deref() == Some("lazy")));
    let dog = json!({"petType": "Dog", "name": "Rex", "packSize": 4});
    assert!(matches!(round_trip::<Pet>(dog), Pet::Dog(d) if d.pack_size == 4));
    assert!(serde_json::from_value::<Pet>(json!({"petType": "Pet", "name": "x"})).is_err());
    let lion = json!({"petType": "Lion", "name": "Leo", "prideSize": 12});
    assert!(matches!(round_trip::<Pet>(lion), Pet::Lion(l) if l.pride_size == Some(12)));
}

#[test]
fn an_any_of_is_an_untagged_enum_that_keeps_what_it_reads() {
    use any_of::{Id, Person};
    // Both branches read it: the first in order does, and nothing is lost.
    let both = json!({"name": "Ann", "age": 40});
    assert!(matches!(round_trip::<Person>(both), Person::Named(n) if n.additional_properties["age"] == 40));
    assert!(matches!(round_trip::<Person>(json!({"age": 40})), Person::Aged(a) if a.age == 40));
    assert_eq!(round_trip::<Id>(json!(5)), Id::Integer(5));
    assert_eq!(round_trip::<Id>(json!("5")), Id::String("5".into()));
}

#[test]
fn a_type_list_of_several_types_is_an_enum_of_them() {
    use type_lists::PusherActionsItem;
    let pusher: type_lists::Pusher =
        round_trip(json!({"actions": ["notify", {"set_tweak": "sound", "value": "default"}]}));
    let actions = pusher.actions.expect("actions");
    assert_eq!(actions[0], PusherActionsItem::String("notify".into()));
    assert!(matches!(&actions[1], PusherActionsItem::Object(o) if o["set_tweak"] == "sound"));
}

#[test]
fn a_base_with_the_one_of_of_its_subtypes_is_the_enum_of_them() {
    use one_of_inheritance::Pet;
    let cat = json!({"petType": "Cat", "name": "Tom", "climbs": true});
    assert!(matches!(round_trip::<Pet>(cat), Pet::Cat(c) if c.climbs == Some(true) && c.pet_type == "Cat"));
    let dog = json!({"petType": "Dog", "barks": false});
    assert!(matches!(round_trip::<Pet>(dog), Pet::Dog(d) if d.barks == Some(false)));
}

#[test]
fn x_nullable_map_values_and_properties_take_null() {
    // Docker's own example of `PortMap`.
    let ports: x_nullable::PortMap =
        round_trip(json!({"443/tcp": [{"HostIp": "127.0.0.1", "HostPort": "4443"}], "2377/tcp": null}));
    assert_eq!(ports["2377/tcp"], None);
    for value in [json!({}), json!({"OnBuild": null}), json!({"OnBuild": ["RUN x"]}), json!({"Healthcheck": null})] {
        round_trip::<x_nullable::ContainerConfig>(value);
    }
    let config: x_nullable::ContainerConfig = round_trip(json!({"OnBuild": null, "Healthcheck": {"HostPort": "1"}}));
    assert_eq!(config.on_build, Some(None));
    assert!(matches!(config.healthcheck, Some(Some(_))));
}

#[test]
fn an_open_enum_keeps_a_value_the_spec_does_not_list() {
    use open_enums::{Kind, Member, Membership};
    let member: Member = round_trip(json!({"membership": "knock", "kinds": ["other", "known", "new"]}));
    assert_eq!(member.membership, Membership::Other("knock".into()));
    assert!(matches!(member.kinds.as_deref(), Some([Kind::Other, Kind::Known, Kind::Other2(new)]) if new == "new"));
    let member: Member = round_trip(json!({"membership": "join"}));
    assert!(matches!(member.membership, Membership::Join));
    // Display and FromStr agree with the wire, for listed and unlisted values alike.
    for value in ["join", "knock"] {
        let parsed: Membership = value.parse().expect("every string is a value");
        assert_eq!(parsed.to_string(), value);
        assert_eq!(serde_json::to_value(&parsed).expect("written"), json!(value));
    }
    // A listed value built as the catch-all is that value: written, compared, hashed alike.
    let built = Membership::Other("join".into());
    assert_eq!(serde_json::to_value(&built).expect("written"), json!("join"));
    assert_eq!(built, Membership::Join);
    let set: std::collections::HashSet<Membership> = [built.clone(), Membership::Join].into_iter().collect();
    assert_eq!(set.len(), 1);
    assert!(matches!(built.normalized(), Membership::Join));
    assert!(Membership::Join < Membership::Leave && Membership::Invite < Membership::Other("a".into()));
}

#[test]
fn formats_have_their_types_on_the_wire() {
    let blob: formats::Blob =
        round_trip(json!({"data": "aGk=", "parts": ["", "AP8="], "created": "2024-01-01T00:00:00Z", "revision": "9"}));
    assert_eq!(*blob.data, b"hi");
    assert_eq!(blob.revision.as_deref(), Some("9"));
    assert!(serde_json::from_value::<formats::Blob>(json!({"data": "not base64!"})).is_err());
    // Kubernetes' `ServicePort.targetPort` takes a number or a port's name.
    for target in [json!(8080), json!("http")] {
        let port: formats::ServicePort = round_trip(json!({"port": 80, "targetPort": target}));
        assert!(port.target_port.is_some());
    }
    let port: formats::ServicePort = round_trip(json!({"port": 80, "targetPort": 8080}));
    assert_eq!(port.target_port, Some(specgen_runtime::IntOrString::Int(8080)));
}

#[test]
fn a_closed_enum_refuses_a_value_the_spec_does_not_list() {
    let join: closed_enums::Membership = round_trip(json!("join"));
    assert_eq!(join, closed_enums::Membership::Join);
    assert!(serde_json::from_value::<closed_enums::Membership>(json!("knock")).is_err());
    assert!("knock".parse::<closed_enums::Membership>().is_err());
}
