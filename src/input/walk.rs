//! Expands the user's paths into input files: folders walked recursively in sorted order, so
//! the list (and so every output) is the same whatever order the file system lists them in.

use std::path::{Path, PathBuf};

use super::decompress::strip_compression_suffix;
use super::{Format, InputFile, InputProblem};

/// The format a file name says, after any compression suffix.
pub fn format_by_name(name: &str) -> Option<Format> {
    let stem = strip_compression_suffix(name).to_ascii_lowercase();
    let ext = stem.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "txt" | "md" | "text" => Some(Format::Text),
        "jsonl" | "json" | "ndjson" => Some(Format::Jsonl),
        "warc" | "wet" => Some(Format::Warc),
        "parquet" => Some(Format::Parquet),
        _ => None,
    }
}

/// Expands `paths` into files. Files named directly are always read (JSONL when the name says
/// nothing); under folders only files with a known extension are read, hidden entries are
/// skipped, and symlinks are followed (a loop is reported, not followed forever).
pub fn expand(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for root in paths {
        let shown = root.display().to_string();
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                problems.push(InputProblem::new(&shown, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        if !meta.is_dir() {
            let name =
                root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            files.push(InputFile {
                path: root.clone(),
                display: shown,
                relative: String::new(),
                format: format_by_name(&name).unwrap_or(Format::Jsonl),
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at =
                        e.path().map(Path::display).map(|d| d.to_string()).unwrap_or(shown.clone());
                    problems.push(InputProblem::new(&at, 0, 0, format!("cannot list: {e}")));
                    continue;
                }
            };
            if entry.file_type().is_dir() {
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            let Some(format) = format_by_name(&name) else { continue };
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push(InputFile {
                path: entry.path().to_path_buf(),
                display: entry.path().display().to_string(),
                relative,
                format,
            });
        }
    }
    (files, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name() {
        assert_eq!(format_by_name("a.txt"), Some(Format::Text));
        assert_eq!(format_by_name("a.MD"), Some(Format::Text));
        assert_eq!(format_by_name("a.jsonl.gz"), Some(Format::Jsonl));
        assert_eq!(format_by_name("a.json.zst"), Some(Format::Jsonl));
        assert_eq!(format_by_name("a.warc.gz"), Some(Format::Warc));
        assert_eq!(format_by_name("CC-MAIN-1-00000.warc.wet.gz"), Some(Format::Warc));
        assert_eq!(format_by_name("train-00000-of-00001.parquet"), Some(Format::Parquet));
        assert_eq!(format_by_name("a.html"), None);
        assert_eq!(format_by_name("README"), None);
    }

    #[test]
    fn folders_are_walked_sorted_and_relative() {
        let dir = tempfile::tempdir().unwrap();
        for p in ["b/2.txt", "b/1.txt", "a/x.md", ".hidden/z.txt", "a/skip.html", "c.jsonl"] {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let (files, problems) = expand(&[dir.path().to_path_buf()]);
        assert!(problems.is_empty());
        let rel: Vec<&str> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(rel, ["a/x.md", "b/1.txt", "b/2.txt", "c.jsonl"]);
    }

    #[test]
    fn missing_path_is_a_problem() {
        let (files, problems) = expand(&[PathBuf::from("/no/such/path")]);
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
    }
}
