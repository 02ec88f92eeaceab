//! What every open string enum of a generated crate shares (decision 28).

/// Implements what an open string enum shares with every other, from what it alone
/// knows: its inherent `ALL` (the listed variants, in the spec's order) and `as_str(&self)`
/// (the wire value), and its catch-all variant, which holds a value the spec does not list.
///
/// A value is one of the listed variants whenever it can be: reading, `FromStr` and `From`
/// map a listed value to its variant, never to the catch-all. A value built by hand as the
/// catch-all of a listed value is the same value as the variant: it is written as that value,
/// and equality, hashing and ordering compare the wire value, so the two cannot silently
/// differ; `normalized` gives the variant itself. Listed values order as a closed enum's
/// derived `Ord` would, in the spec's order, before every value the spec does not list.
///
/// ```
/// #[derive(Debug, Clone)]
/// pub enum Color {
///     Red,
///     Green,
///     Other(String),
/// }
///
/// impl Color {
///     pub const ALL: &'static [Self] = &[Self::Red, Self::Green];
///
///     pub fn as_str(&self) -> &str {
///         match self {
///             Self::Red => "red",
///             Self::Green => "green",
///             Self::Other(value) => value,
///         }
///     }
/// }
///
/// specgen_runtime::open_enum!(Color, Other);
///
/// assert_eq!("green".parse::<Color>().unwrap(), Color::Green);
/// assert_eq!(Color::Other("red".into()), Color::Red);
/// assert!(matches!(Color::Other("red".into()).normalized(), Color::Red));
/// assert!(Color::Green < Color::from("blue"));
/// assert!(matches!(Color::known("red"), Some(Color::Red)));
/// assert!(Color::known("blue").is_none());
/// ```
#[macro_export]
macro_rules! open_enum {
    ($name:ident, $other:ident) => {
        impl $name {
            /// The listed variant a value is, if any: `None` for a value the spec does not list.
            pub fn known(value: &str) -> ::core::option::Option<Self> {
                Self::ALL.iter().find(|known| known.as_str() == value).cloned()
            }

            /// The value, a listed one built as the catch-all variant made its own variant.
            pub fn normalized(self) -> Self {
                match self {
                    Self::$other(value) => Self::from(value),
                    known => known,
                }
            }

            /// The position of a listed value, after every listed one for another: the order
            /// of the derived `Ord` of a closed enum, a value the spec does not list last.
            fn rank(&self) -> (usize, &str) {
                let value = self.as_str();
                let position = Self::ALL.iter().position(|known| known.as_str() == value).unwrap_or(Self::ALL.len());
                (position, value)
            }
        }

        impl ::core::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::core::cmp::Eq for $name {}

        impl ::core::hash::Hash for $name {
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                ::core::hash::Hash::hash(self.as_str(), state)
            }
        }

        impl ::core::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
            }
        }

        impl ::core::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                self.rank().cmp(&other.rank())
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::$other(::std::borrow::ToOwned::to_owned(value)))
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::known(&value).unwrap_or(Self::$other(value))
            }
        }

        // Every string is a value of an open enum.
        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, <Self as ::core::str::FromStr>::Err> {
                ::core::result::Result::Ok(Self::from(value))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    /// An open enum whose catch-all is not called `Other`, and with a variant called `Err`
    /// (`FromStr::Err` must not be read as it).
    #[derive(Debug, Clone)]
    enum Status {
        Err,
        Ok,
        Other,
        Other2(String),
    }

    impl Status {
        const ALL: &'static [Self] = &[Self::Err, Self::Ok, Self::Other];

        fn as_str(&self) -> &str {
            match self {
                Self::Err => "err",
                Self::Ok => "ok",
                Self::Other => "other",
                Self::Other2(value) => value,
            }
        }
    }

    crate::open_enum!(Status, Other2);

    fn hash(value: &Status) -> u64 {
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn known_finds_the_listed_values_only() {
        assert!(matches!(Status::known("err"), Some(Status::Err)));
        assert!(matches!(Status::known("other"), Some(Status::Other)));
        assert!(Status::known("Other2").is_none());
        assert!(Status::known("").is_none());
    }

    #[test]
    fn a_listed_value_reads_as_its_variant_and_any_other_is_kept() {
        assert!(matches!("ok".parse::<Status>(), Ok(Status::Ok)));
        assert!(matches!(Status::from("other"), Status::Other));
        assert!(matches!(Status::from(String::from("new")), Status::Other2(v) if v == "new"));
        let read: Vec<Status> = serde_json::from_str(r#"["err", "new"]"#).unwrap();
        assert!(matches!(read.as_slice(), [Status::Err, Status::Other2(v)] if v == "new"));
        assert_eq!(serde_json::to_string(&read).unwrap(), r#"["err","new"]"#);
        assert_eq!(Status::Other2("x".into()).to_string(), "x");
    }

    #[test]
    fn a_listed_value_built_as_the_catch_all_is_the_same_value() {
        let built = Status::Other2("ok".into());
        assert_eq!(built, Status::Ok);
        assert_eq!(hash(&built), hash(&Status::Ok));
        assert_eq!(built.cmp(&Status::Ok), std::cmp::Ordering::Equal);
        assert_eq!(serde_json::to_string(&built).unwrap(), r#""ok""#);
        assert!(matches!(built.normalized(), Status::Ok));
        assert!(matches!(Status::Other2("new".into()).normalized(), Status::Other2(v) if v == "new"));
    }

    #[test]
    fn listed_values_order_as_listed_and_before_the_rest() {
        let mut values: Vec<Status> = ["b", "other", "a", "ok", "err"].into_iter().map(Status::from).collect();
        values.sort();
        let order: Vec<&str> = values.iter().map(Status::as_str).collect();
        assert_eq!(order, ["err", "ok", "other", "a", "b"]);
        assert!(Status::Other < Status::Other2("a".into()));
    }
}
