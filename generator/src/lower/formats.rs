//! What the config says about types beyond the spec's shapes: whether string enums are open
//! (decision 27), and the Rust type of each string `format` (decision 28).

use std::collections::BTreeMap;

use crate::config::{Config, EnumsConfig, FormatType};

/// The type options of one run, read from the config.
#[derive(Debug, Clone)]
pub struct TypeOptions {
    /// String enums get a catch-all variant holding a value the spec does not list.
    pub open_enums: bool,
    /// The type of each string format the config names.
    pub formats: BTreeMap<String, FormatType>,
}

impl Default for TypeOptions {
    fn default() -> Self {
        TypeOptions { open_enums: true, formats: BTreeMap::new() }
    }
}

impl TypeOptions {
    pub fn from_config(config: &Config) -> Self {
        TypeOptions { open_enums: config.enums == EnumsConfig::Open, formats: config.formats.clone() }
    }
}

/// The name of an open enum's catch-all variant, unless a listed value took it.
pub const OTHER_VARIANT: &str = "Other";

#[cfg(test)]
mod tests {
    use crate::config::{Config, EnumsConfig};

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

    fn load(path: &std::path::Path, text: &str) -> Result<Config, Box<crate::diagnostics::Diagnostic>> {
        std::fs::write(path, text).expect("write config");
        Config::load(path)
    }
}
