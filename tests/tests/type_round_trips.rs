//! Values of the compiled goldens (`tests::goldens`) read from JSON and written back
//! unchanged, for the type rules whose point is the round trip: nullable unions and
//! nested discriminated bases (decision 26).

use serde_json::{json, Value};

/// Reads `value` as a `T` and writes it back: the same JSON.
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: Value) -> T {
    let read: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value} does not read: {e}"));
    assert_eq!(serde_json::to_value(&read).expect("serializes"), value);
    read
}

/// A union that is itself nullable is `Option` of its enum where it is used, so `null`
/// (required or not, as an item or a map value) is kept, as is every branch.
#[test]
fn a_nullable_union_keeps_null() {
    use tests::goldens::nullable_unions::{Cat, Holder, MaybeId, MaybePet};
    let all = json!({
        "pet": null,
        "id": 7,
        "other_pet": {"pet_type": "Cat", "meows": true},
        "owner": null,
        "name": null,
        "pets": [null, {"pet_type": "Dog", "barks": false}],
        "by_name": {"a": null, "b": "x"},
    });
    let holder: Holder = round_trip(all);
    assert_eq!(holder.pet, None);
    assert_eq!(holder.id, Some(MaybeId::Integer(7)));
    assert_eq!(
        holder.other_pet,
        Some(Some(MaybePet::Cat(Cat {
            pet_type: "Cat".into(),
            meows: true,
            additional_properties: Default::default()
        })))
    );
    assert_eq!(holder.owner, Some(None));
    // Absent stays absent beside `null`.
    let holder: Holder = round_trip(json!({"pet": {"pet_type": "Dog", "barks": true}, "id": "a"}));
    assert!(holder.other_pet.is_none() && holder.owner.is_none());

    use tests::goldens::nullable_unions_3_1::{Holder as Holder31, MaybeShape, Scalar};
    let holder: Holder31 = round_trip(json!({"shape": null, "scalar": null}));
    assert_eq!((holder.shape, holder.scalar), (None, None));
    let holder: Holder31 = round_trip(json!({"shape": {"side": 2.0}, "scalar": "s"}));
    assert!(matches!(holder.shape, Some(MaybeShape::Square(_))) && holder.scalar == Some(Scalar::String("s".into())));
    let holder: Holder31 = round_trip(json!({"shape": {"radius": 1.5}, "scalar": 3}));
    assert!(matches!(holder.shape, Some(MaybeShape::Circle(_))) && holder.scalar == Some(Scalar::Integer(3)));
}

/// Swagger 2.0 polymorphism two levels deep: every concrete schema reads by its tag and is
/// written back as read; a tag naming an abstract (discriminated) base is refused.
#[test]
fn nested_swagger_discriminators_read_every_branch() {
    use tests::goldens::nested_discriminators::{Dog, Pet};
    let cat: Pet = round_trip(json!({"name": "Tom", "petType": "Cat", "huntingSkill": "lazy"}));
    assert!(matches!(cat, Pet::Cat(_)));
    let lion: Pet = round_trip(json!({"name": "Leo", "petType": "Lion", "prideSize": 4}));
    assert!(matches!(lion, Pet::Lion(_)));
    let puppy: Pet = round_trip(json!({"name": "Rex", "petType": "Puppy", "packSize": 1, "ageWeeks": 9}));
    assert!(matches!(puppy, Pet::Dog(Dog::Puppy(_))), "{puppy:?}");
    let hound: Pet = round_trip(json!({"name": "Fido", "petType": "Hound", "packSize": 3, "scent": "fox"}));
    assert!(matches!(hound, Pet::Dog(Dog::Hound(_))), "{hound:?}");
    // `Dog` on its own reads its own branches, and `Pet` takes a `Dog`.
    let dog: Dog = round_trip(json!({"name": "Rex", "petType": "Puppy", "packSize": 1}));
    assert_eq!(Pet::from(dog.clone()), Pet::Dog(dog));
    for abstract_tag in ["Pet", "Dog"] {
        let value = json!({"name": "x", "petType": abstract_tag, "packSize": 1});
        assert!(serde_json::from_value::<Pet>(value).is_err(), "{abstract_tag}");
    }
}

/// OpenAPI 3 mappings that name a discriminated schema: by the same property (`Animal` →
/// `Bird`) and by another (`Vehicle` by `kind` → `Car` by `fuel`); every branch round-trips.
#[test]
fn nested_one_of_discriminators_read_every_branch() {
    use tests::goldens::nested_one_of::{Animal, Bird, Car, Vehicle};
    let fish: Animal = round_trip(json!({"class": "fish", "fins": 4}));
    assert!(matches!(fish, Animal::Fish(_)));
    let parrot: Animal = round_trip(json!({"class": "parrot", "words": 12}));
    assert!(matches!(parrot, Animal::Bird(Bird::Parrot(_))), "{parrot:?}");
    let owl: Animal = round_trip(json!({"class": "owl", "nocturnal": true}));
    assert!(matches!(owl, Animal::Bird(Bird::Owl(_))), "{owl:?}");
    let electric: Vehicle = round_trip(json!({"kind": "car", "fuel": "electric", "range": 400}));
    assert!(matches!(electric, Vehicle::Car(Car::Electric(_))), "{electric:?}");
    let diesel: Vehicle = round_trip(json!({"kind": "car", "fuel": "diesel"}));
    assert!(matches!(diesel, Vehicle::Car(Car::Diesel(_))), "{diesel:?}");
    let bike: Vehicle = round_trip(json!({"kind": "bike", "gears": 21}));
    assert!(matches!(bike, Vehicle::Bike(_)));
    // Built by hand, each writes both tags.
    let Vehicle::Car(car) = diesel else { unreachable!() };
    assert_eq!(serde_json::to_value(Vehicle::from(car)).expect("serializes"), json!({"kind": "car", "fuel": "diesel"}));
}

/// `formats:` picks `time` or `chrono` for dates: the same value, fraction and offset kept,
/// reads into each library's types and is written back as read.
#[test]
fn dates_round_trip_through_time_and_chrono() {
    let value = json!({
        "at": "2024-05-01T10:20:30.123456789+02:00",
        "on": "2024-05-01",
        "seen": ["1999-12-31T23:59:59.250123-05:30"],
        "until": null,
        "holidays": {"leap": "2024-02-29"},
    });
    let event: tests::goldens::dates_time::Event = round_trip(value.clone());
    assert_eq!((event.at.nanosecond(), event.at.offset().whole_minutes()), (123_456_789, 120));
    assert_eq!(event.on, time::Date::from_calendar_date(2024, time::Month::May, 1).expect("a date"));
    assert_eq!(event.until, Some(None));
    let event: tests::goldens::dates_chrono::Event = round_trip(value);
    assert_eq!(event.at.timestamp_subsec_nanos(), 123_456_789);
    assert_eq!(event.at.offset().local_minus_utc(), 7200);
    assert_eq!(event.on, chrono::NaiveDate::from_ymd_opt(2024, 5, 1).expect("a date"));
}

/// `allOf: [{$ref: Union}, {nullable: true}]` is `Option` of the union, and a 3.1 `anyOf` of a
/// string and `null` an optional string, not structs that lost the shape.
#[test]
fn an_annotated_all_of_is_the_type_it_annotates() {
    use tests::goldens::all_of_annotations::{Request, ToolChoice, ToolChoiceString};
    let request: Request = round_trip(json!({"tool_choice": null, "described": "auto", "note": null}));
    assert_eq!(request.tool_choice, None);
    assert_eq!(request.described, Some(ToolChoice::String(ToolChoiceString::Auto)));
    assert_eq!(request.note, Some(None));
    let request: Request = round_trip(json!({"tool_choice": {"type": "function", "name": "f"}, "note": "n"}));
    assert!(matches!(request.tool_choice, Some(ToolChoice::Named(_))));
    assert_eq!(request.note, Some(Some("n".into())));
}

/// `additionalProperties: {not: {}}` is `false`: declared members round-trip, others are refused.
#[test]
fn additional_properties_not_anything_refuses_unknown_members() {
    use tests::goldens::additional_not::Closed;
    let closed: Closed = round_trip(json!({"name": "a"}));
    assert_eq!(closed.name.as_deref(), Some("a"));
    assert!(serde_json::from_value::<Closed>(json!({"name": "a", "x": 1})).is_err());
}
