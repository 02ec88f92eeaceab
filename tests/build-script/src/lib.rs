//! A crate whose API types come from its `build.rs` (`generator::Builder`), `include!`d at
//! the crate root, where generated code expects to be.

include!(concat!(env!("OUT_DIR"), "/external_api.rs"));

#[cfg(test)]
mod tests {
    /// A generated type, with a type from a file its spec refers to, reads and writes JSON.
    #[test]
    fn generated_types_round_trip() {
        let json = serde_json::json!({
            "first": {"name": "ada", "home": {"city": "Paris"}},
            "node": {"next": {"next": {}}}
        });
        let envelope: crate::types::Envelope = serde_json::from_value(json.clone()).expect("the JSON fits the types");
        assert_eq!(envelope.first.as_ref().and_then(|user| user.name.as_deref()), Some("ada"));
        assert_eq!(serde_json::to_value(&envelope).expect("serializes"), json);
    }
}
