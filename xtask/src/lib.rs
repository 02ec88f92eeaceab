//! The workspace's conventions that the command line and the tests share: which files of
//! `api/` are codegen configs.

use std::path::{Path, PathBuf};

/// The end of a codegen config's file name: `api/NAME.codegen.yaml` is a config, each
/// generating one crate (by convention `generated/<package name>`).
pub const CONFIG_SUFFIX: &str = ".codegen.yaml";

/// Every codegen config in `dir` (not its subfolders): the files whose name ends with
/// [`CONFIG_SUFFIX`], sorted by name, so every run takes them in the same order.
pub fn configs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.len() > CONFIG_SUFFIX.len() && name.ends_with(CONFIG_SUFFIX) && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

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
