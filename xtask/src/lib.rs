//! The workspace's conventions that the command line and the tests share: which files of
//! `api/` are codegen configs.

/// The end of a codegen config's file name, and the configs of a folder: the generator
/// library's convention, which the `specgen` command line shares.
pub use generator::config::{configs, CONFIG_SUFFIX};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_are_the_codegen_yaml_files_of_the_folder_sorted() {
        let dir = std::env::temp_dir().join(format!("xtask-configs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("nested")).expect("temp dir");
        for name in
            ["b.codegen.yaml", "a.codegen.yaml", "notes.yaml", "codegen.yaml", ".codegen.yaml", "nested/c.codegen.yaml"]
        {
            std::fs::write(dir.join(name), "").expect("write");
        }
        std::fs::create_dir_all(dir.join("folder.codegen.yaml")).expect("a folder with a config's name");
        let found = configs(&dir).expect("the folder is readable");
        assert_eq!(found, [dir.join("a.codegen.yaml"), dir.join("b.codegen.yaml")]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
