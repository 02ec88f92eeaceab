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

/// A `date-time` the config maps to `time`: a `time::OffsetDateTime`, read and written as RFC
/// 3339 (`2024-05-01T10:20:30.5+02:00`), the offset and fraction kept as read (UTC is written
/// `Z`). A newtype, as `time`'s own serde form of `OffsetDateTime` is not RFC 3339 and its
/// `time::serde::rfc3339` would be an attribute per field that an `Option`, a `Vec` or a map
/// could not carry; it derefs to the `OffsetDateTime` it holds.
#[cfg(feature = "time")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rfc3339(pub time::OffsetDateTime);

#[cfg(feature = "time")]
impl std::ops::Deref for Rfc3339 {
    type Target = time::OffsetDateTime;
    fn deref(&self) -> &time::OffsetDateTime {
        &self.0
    }
}

#[cfg(feature = "time")]
impl From<time::OffsetDateTime> for Rfc3339 {
    fn from(value: time::OffsetDateTime) -> Self {
        Rfc3339(value)
    }
}

#[cfg(feature = "time")]
impl From<Rfc3339> for time::OffsetDateTime {
    fn from(value: Rfc3339) -> Self {
        value.0
    }
}

#[cfg(feature = "time")]
impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.format(&time::format_description::well_known::Rfc3339).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

#[cfg(feature = "time")]
impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(&time::format_description::well_known::Rfc3339).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

#[cfg(feature = "time")]
impl<'de> Deserialize<'de> for Rfc3339 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .map(Rfc3339)
            .map_err(|e| serde::de::Error::custom(format_args!("invalid RFC 3339 date-time `{text}`: {e}")))
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

    #[cfg(feature = "time")]
    #[test]
    fn rfc3339_keeps_the_offset_and_the_fraction() {
        for text in ["2024-05-01T10:20:30.123456789+02:00", "2024-05-01T10:20:30Z", "1999-12-31T23:59:59.5-05:30"] {
            let typed: Rfc3339 = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(serde_json::to_value(typed).unwrap(), json!(text));
            assert_eq!(typed.to_string(), text);
        }
        assert_eq!(
            serde_json::from_value::<Rfc3339>(json!("2024-05-01T10:20:30+02:00")).unwrap().offset().whole_hours(),
            2
        );
        let error = serde_json::from_value::<Rfc3339>(json!("2024-05-01 10:20")).unwrap_err();
        assert!(error.to_string().starts_with("invalid RFC 3339 date-time `2024-05-01 10:20`"), "{error}");
    }
}
