//! What the config says about types beyond the spec's shapes: whether string enums are open
//! (decision 28), and the Rust type of each string `format` (decision 29).

use std::collections::BTreeMap;

use crate::config::{Config, EnumsConfig, FormatType};
use crate::diagnostics::Location;

/// The type options of one run, read from the config.
#[derive(Debug, Clone)]
pub struct TypeOptions {
    /// String enums get a catch-all variant holding a value the spec does not list.
    pub open_enums: bool,
    /// The type of each string format the config names.
    pub formats: BTreeMap<String, FormatType>,
    /// The formats met that became `String` without the config saying so, each with where
    /// the first schema that has it writes it, for [`note_unmapped`].
    pub unmapped: BTreeMap<String, Option<Location>>,
}

impl Default for TypeOptions {
    fn default() -> Self {
        TypeOptions { open_enums: true, formats: BTreeMap::new(), unmapped: BTreeMap::new() }
    }
}

impl TypeOptions {
    pub fn from_config(config: &Config) -> Self {
        TypeOptions {
            open_enums: config.enums == EnumsConfig::Open,
            formats: config.formats.clone(),
            unmapped: BTreeMap::new(),
        }
    }
}

/// A Rust type a string `format` becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FormatTy {
    /// `specgen_runtime::Base64`: bytes, base64 on the wire.
    Bytes,
    /// `specgen_runtime::IntOrString`.
    IntOrString,
    /// `chrono::DateTime<chrono::FixedOffset>`.
    ChronoDateTime,
    /// `chrono::NaiveDate`.
    ChronoDate,
    /// `specgen_runtime::formats::Rfc3339`, a `time::OffsetDateTime`.
    TimeDateTime,
    /// `time::Date`.
    TimeDate,
}

impl FormatTy {
    /// Whether values of the type are strings on the wire (all but `IntOrString`).
    pub fn is_string(self) -> bool {
        self != FormatTy::IntOrString
    }
}

impl TypeOptions {
    /// The type of a string schema of `format`, or `None` for a `String`. A parameter's own
    /// schema (`pointer` ends in `/parameters/N/schema`) is always a `String`: a URL or header
    /// carries the text, which the handler reads as it needs.
    /// A format that becomes `String` without the config saying so is remembered, with `at`,
    /// where it is written.
    pub fn format(&mut self, format: &str, pointer: &str, at: Option<&Location>) -> Option<FormatTy> {
        if is_parameter_schema(pointer) {
            return None;
        }
        let configured = self.formats.get(format).copied();
        let Some(chosen) = configured.or((format == "byte").then_some(FormatType::Bytes)) else {
            self.unmapped.entry(format.to_owned()).or_insert_with(|| at.cloned());
            return None;
        };
        match chosen {
            FormatType::String => None,
            FormatType::Bytes => Some(FormatTy::Bytes),
            FormatType::IntOrString => Some(FormatTy::IntOrString),
            FormatType::Chrono if format == "date" => Some(FormatTy::ChronoDate),
            FormatType::Chrono => Some(FormatTy::ChronoDateTime),
            FormatType::Time if format == "date" => Some(FormatTy::TimeDate),
            FormatType::Time => Some(FormatTy::TimeDateTime),
        }
    }

    /// Whether a format the config maps to `chrono` is used, so the crate depends on it.
    pub fn uses_chrono(&self) -> bool {
        self.formats.values().any(|t| *t == FormatType::Chrono)
    }

    /// Whether a format the config maps to `time` is used, so the crate depends on it.
    pub fn uses_time(&self) -> bool {
        self.formats.values().any(|t| *t == FormatType::Time)
    }
}

/// One note listing the string formats that became `String` without the config saying so,
/// at the first schema that has the first of them (in name order).
pub fn note_unmapped(options: &TypeOptions, diagnostics: &mut crate::Diagnostics) {
    let Some((_, at)) = options.unmapped.iter().next() else { return };
    let shown: Vec<String> = options.unmapped.keys().map(|f| format!("`{}`", crate::lower::names::shown(f))).collect();
    let (what, have, own, are) = if shown.len() == 1 {
        ("format", "has", "its own", "its values are")
    } else {
        ("formats", "have", "their own", "their values are")
    };
    diagnostics.push(
        crate::diagnostics::Diagnostic::note(
            crate::diagnostics::codes::FORMAT_AS_STRING,
            format!("string {what} {} {have} no Rust type of {own}; {are} `String`", shown.join(", ")),
        )
        .at(at.clone())
        .label("a `String`")
        .help("map a format to a type under `formats:` in the config (`bytes`, `chrono`, `time`, `int_or_string`), or to `string` to say it is text"),
    );
}

/// Whether `pointer` is the schema of a parameter (`.../parameters/0/schema`).
fn is_parameter_schema(pointer: &str) -> bool {
    let Some(rest) = pointer.strip_suffix("/schema") else { return false };
    let Some((parent, index)) = rest.rsplit_once('/') else { return false };
    index.chars().all(|c| c.is_ascii_digit()) && parent.ends_with("/parameters")
}

/// The name of an open enum's catch-all variant, unless a listed value took it.
pub const OTHER_VARIANT: &str = "Other";

#[cfg(test)]
mod tests {
    use crate::config::{Config, EnumsConfig, FormatType};

    /// The generated `types.rs` of `spec` under `config`'s options.
    fn types(spec: &str, edit: impl FnOnce(&mut Config)) -> String {
        let dir = std::env::temp_dir().join(format!("formats-{}-{}", std::process::id(), spec.len()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("spec.yaml"), spec).expect("write spec");
        let mut config = Config::new(dir.join("spec.yaml"), dir.join("out"), "x");
        edit(&mut config);
        let mut diagnostics = crate::Diagnostics::default();
        let files = crate::run(&config, &mut diagnostics).expect("generates");
        let _ = std::fs::remove_dir_all(&dir);
        files.into_iter().find(|f| f.path.ends_with("src/types.rs")).expect("a types file").contents
    }

    const ENUM: &str =
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  E: {type: string, enum: [a, b]}\n";

    /// Enums are open unless the config closes them; a closed enum is the plain `Copy` enum.
    #[test]
    fn enums_are_open_unless_the_config_closes_them() {
        let open = types(ENUM, |_| {});
        assert!(open.contains("Other(::std::string::String)"), "{open}");
        let closed = types(ENUM, |c| c.enums = EnumsConfig::Closed);
        assert!(!closed.contains("Other("), "{closed}");
        assert!(closed.contains("Copy") && closed.contains("UnknownVariant"), "{closed}");
    }

    /// `enums` takes `open` or `closed`; another value is refused at its line.
    #[test]
    fn the_enums_key_is_checked_at_its_line() {
        let dir = std::env::temp_dir().join(format!("config-enums-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("codegen.yaml");
        let head = "spec: a.yaml\noutput: out\npackage: {name: x}\n";
        assert_eq!(load(&path, head).expect("valid").enums, EnumsConfig::Open);
        assert_eq!(load(&path, &format!("{head}enums: closed\n")).expect("valid").enums, EnumsConfig::Closed);
        let error = load(&path, &format!("{head}enums: shut\n")).expect_err("not a setting");
        assert!(error.message.contains("unknown variant `shut`, expected `open` or `closed`"), "{}", error.message);
        assert_eq!(error.location.as_ref().map(|l| l.line), Some(4));
        let _ = std::fs::remove_dir_all(&dir);
    }

    const FORMATS: &str = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  T:\n    properties:\n      at: {type: string, format: date-time}\n      on: {type: string, format: date}\n      raw: {type: string, format: byte}\n      n: {type: string, format: int64}\n";

    /// `byte` is base64 bytes and the others `String` by default; one line selects `chrono`
    /// for the dates, and the crate then depends on it; `string` undoes the `byte` default.
    #[test]
    fn formats_map_to_their_configured_types() {
        let plain = types(FORMATS, |_| {});
        assert!(plain.contains("pub raw: ::std::option::Option<::specgen_runtime::Base64>"), "{plain}");
        assert!(plain.contains("pub at: ::std::option::Option<::std::string::String>"), "{plain}");
        assert!(plain.contains("pub n: ::std::option::Option<::std::string::String>"), "{plain}");
        let chrono = |c: &mut Config| {
            c.formats.insert("date-time".into(), FormatType::Chrono);
            c.formats.insert("date".into(), FormatType::Chrono);
            c.formats.insert("byte".into(), FormatType::String);
        };
        let dated = types(FORMATS, chrono);
        assert!(dated.contains("::chrono::DateTime<::chrono::FixedOffset>"), "{dated}");
        assert!(dated.contains("pub on: ::std::option::Option<::chrono::NaiveDate>"), "{dated}");
        assert!(dated.contains("pub raw: ::std::option::Option<::std::string::String>"), "{dated}");
        let mut config = Config::new("spec.yaml", "out", "x");
        chrono(&mut config);
        let manifest = crate::emit::manifest_for_tests(&config);
        assert!(manifest.contains("[dependencies.chrono]\nversion = \"0.4\""), "{manifest}");
        assert!(!crate::emit::manifest_for_tests(&Config::new("s", "o", "x")).contains("chrono"));
    }

    /// One line selects `time` for the dates: `time::Date` and the runtime's RFC 3339 newtype,
    /// and the crate depends on `time` with its serde support and on the runtime's `time`.
    #[test]
    fn time_is_offered_beside_chrono() {
        let time = |c: &mut Config| {
            c.formats.insert("date-time".into(), FormatType::Time);
            c.formats.insert("date".into(), FormatType::Time);
        };
        let dated = types(FORMATS, time);
        assert!(dated.contains("pub at: ::std::option::Option<::specgen_runtime::formats::Rfc3339>"), "{dated}");
        assert!(dated.contains("pub on: ::std::option::Option<::time::Date>"), "{dated}");
        let mut config = Config::new("spec.yaml", "out", "x");
        time(&mut config);
        let manifest = crate::emit::manifest_for_tests(&config);
        assert!(
            manifest.contains(
                "[dependencies.time]\nversion = \"0.3\"\nfeatures = [\"formatting\", \"parsing\", \"serde\", \"serde-human-readable\"]"
            ),
            "{manifest}"
        );
        assert!(manifest.contains("features = [\"time\"]") && !manifest.contains("chrono"), "{manifest}");
    }

    /// The formats that stay `String` without the config saying so are listed in one note,
    /// at the first; a format the config maps (to `string` too) is not listed.
    #[test]
    fn formats_that_stay_strings_are_listed_once_as_a_note() {
        let dir = std::env::temp_dir().join(format!("formats-note-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("spec.yaml"), FORMATS).expect("write spec");
        let mut config = Config::new(dir.join("spec.yaml"), dir.join("out"), "x");
        let notes = |config: &Config| {
            let mut diagnostics = crate::Diagnostics::default();
            crate::run(config, &mut diagnostics).expect("generates");
            assert!(!diagnostics.has_warnings());
            diagnostics.iter().map(|d| (d.message.clone(), d.location.as_ref().map(|l| l.line))).collect::<Vec<_>>()
        };
        let message =
            "string formats `date`, `date-time`, `int64` have no Rust type of their own; their values are `String`";
        assert_eq!(notes(&config), [(message.to_owned(), Some(8))]);
        config.formats.insert("date".into(), FormatType::String);
        config.formats.insert("int64".into(), FormatType::String);
        assert_eq!(
            notes(&config),
            [("string format `date-time` has no Rust type of its own; its values are `String`".to_owned(), Some(7))]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A format's type is one of the names the config knows, else an error at its line.
    #[test]
    fn the_formats_key_is_checked_at_its_line() {
        let dir = std::env::temp_dir().join(format!("config-formats-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("codegen.yaml");
        let head = "spec: a.yaml\noutput: out\npackage: {name: x}\nformats:\n";
        let config =
            load(&path, &format!("{head}  date-time: chrono\n  int-or-string: int_or_string\n")).expect("valid");
        assert_eq!(config.formats["int-or-string"], FormatType::IntOrString);
        let error = load(&path, &format!("{head}  date-time: chrono\n  date: jiff\n")).expect_err("unknown type");
        assert!(error.message.contains("unknown variant `jiff`"), "{}", error.message);
        assert_eq!(error.location.as_ref().map(|l| l.line), Some(6));
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn load(path: &std::path::Path, text: &str) -> Result<Config, Box<crate::diagnostics::Diagnostic>> {
        std::fs::write(path, text).expect("write config");
        Config::load(path)
    }
}
