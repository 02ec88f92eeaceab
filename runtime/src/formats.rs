//! Types of string `format`s that generated code uses (decision 29).

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes, written on the wire as standard base64 with padding (`format: byte`). A newtype
/// rather than a field attribute, so the bytes keep their encoding inside an `Option`, a
/// `Vec` or a map; it derefs to the `Vec<u8>` it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl std::ops::Deref for Base64 {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl std::ops::DerefMut for Base64 {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64(bytes)
    }
}

impl From<Base64> for Vec<u8> {
    fn from(bytes: Base64) -> Self {
        bytes.0
    }
}

impl fmt::Display for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl std::str::FromStr for Base64 {
    type Err = base64::DecodeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        base64::engine::general_purpose::STANDARD.decode(text).map(Base64)
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(|e| serde::de::Error::custom(format_args!("invalid base64: {e}")))
    }
}

/// An integer or a string (Kubernetes' `format: int-or-string`: a port `8080` or a port's
/// name `"http"`), each written back as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// A JSON integer.
    Int(i32),
    /// A JSON string, whatever it holds (`"8080"` stays a string).
    String(String),
}

impl From<i32> for IntOrString {
    fn from(value: i32) -> Self {
        IntOrString::Int(value)
    }
}

impl From<String> for IntOrString {
    fn from(value: String) -> Self {
        IntOrString::String(value)
    }
}

impl From<&str> for IntOrString {
    fn from(value: &str) -> Self {
        IntOrString::String(value.to_owned())
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(value) => write!(f, "{value}"),
            IntOrString::String(value) => f.write_str(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bytes_are_base64_on_the_wire_wherever_they_are() {
        let value = json!({"a": "aGk=", "b": ["", "AP8="]});
        let typed: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_value(value).unwrap();
        let a: Base64 = serde_json::from_value(typed["a"].clone()).unwrap();
        assert_eq!(*a, b"hi");
        let b: Option<Vec<Base64>> = serde_json::from_value(typed["b"].clone()).unwrap();
        assert_eq!(b, Some(vec![Base64(vec![]), Base64(vec![0, 255])]));
        assert_eq!(serde_json::to_value(&b).unwrap(), json!(["", "AP8="]));
        let error = serde_json::from_value::<Base64>(json!("not base64!")).unwrap_err();
        assert!(error.to_string().starts_with("invalid base64"), "{error}");
    }

    #[test]
    fn int_or_string_keeps_what_it_read() {
        for value in [json!(8080), json!("http"), json!("8080")] {
            let typed: IntOrString = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(serde_json::to_value(&typed).unwrap(), value);
        }
        assert_eq!(serde_json::from_value::<IntOrString>(json!(8080)).unwrap(), IntOrString::Int(8080));
        assert!(serde_json::from_value::<IntOrString>(json!(1.5)).is_err());
    }
}
