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
