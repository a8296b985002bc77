//! Expands the user's paths into input files: folders walked recursively in sorted order, so
//! the list (and so every output) is the same whatever order the file system lists them in.

use std::path::{Path, PathBuf};

use super::decompress::{strip_compression_suffix, unread_compression_by_name};
use super::{Format, InputFile, InputProblem};
use crate::doc::{SkipReason, SkippedFile};

/// The format a file name says, after any compression suffix; extensions are matched without
/// regard to case (`a.JSONL.GZ`).
pub fn format_by_name(name: &str) -> Option<Format> {
    let stem = strip_compression_suffix(name).to_ascii_lowercase();
    let ext = stem.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "txt" | "md" | "text" => Some(Format::Text),
        "jsonl" | "json" | "ndjson" => Some(Format::Jsonl),
        "warc" | "wet" => Some(Format::Warc),
        "parquet" => Some(Format::Parquet),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        _ => None,
    }
}

/// What [`expand`] found: the files to read, in order; the paths that could not be listed or
/// will not be read (a problem each); and the files a folder walk passed over.
#[derive(Clone, Debug, Default)]
pub struct Expanded {
    pub files: Vec<InputFile>,
    pub problems: Vec<InputProblem>,
    pub skipped: Vec<SkippedFile>,
}

/// Expands `paths` into files. Files named directly are always read (JSONL when the name says
/// nothing); under folders only files with a known extension are read, and the others, like
/// hidden entries, are listed as skipped; symlinks are followed (a loop is reported, not
/// followed forever). A file compressed in a way chaff does not read (`.bz2`, `.xz`, `.lz4`
/// …) is a problem, named directly or found under a folder with a known format inside
/// (`a.jsonl.xz`).
pub fn expand(paths: &[PathBuf]) -> Expanded {
    let mut out = Expanded::default();
    for root in paths {
        let shown = root.display().to_string();
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                out.problems.push(InputProblem::new(&shown, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        if !meta.is_dir() {
            let name =
                root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if let Some(e) = unread_compression_by_name(&name) {
                out.problems.push(InputProblem::new(&shown, 0, 0, e.to_string()));
                continue;
            }
            out.files.push(InputFile {
                path: root.clone(),
                display: shown,
                relative: String::new(),
                format: format_by_name(&name).unwrap_or(Format::Jsonl),
            });
            continue;
        }
        walk(root, &shown, &mut out);
    }
    out
}

/// Walks one folder the user named, in sorted order.
fn walk(root: &Path, shown: &str, out: &mut Expanded) {
    let mut walker = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().map_or(shown.to_string(), |p| p.display().to_string());
                out.problems.push(InputProblem::new(&at, 0, 0, format!("cannot list: {e}")));
                continue;
            }
        };
        let display = entry.path().display().to_string();
        let name = entry.file_name().to_string_lossy();
        let is_dir = entry.file_type().is_dir();
        if entry.depth() > 0 && name.starts_with('.') {
            if is_dir {
                walker.skip_current_dir();
            }
            out.skipped.push(SkippedFile { file: display, reason: SkipReason::Hidden });
            continue;
        }
        if is_dir {
            continue;
        }
        let Some(format) = format_by_name(&name) else {
            out.skipped.push(SkippedFile { file: display, reason: SkipReason::UnknownFormat });
            continue;
        };
        if let Some(e) = unread_compression_by_name(&name) {
            out.problems.push(InputProblem::new(&display, 0, 0, e.to_string()));
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.files.push(InputFile { path: entry.path().to_path_buf(), display, relative, format });
    }
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
        assert_eq!(format_by_name("a.html"), Some(Format::Html));
        assert_eq!(format_by_name("a.HTM"), Some(Format::Html));
        assert_eq!(format_by_name("a.jsonl.GZ"), Some(Format::Jsonl));
        assert_eq!(format_by_name("a.Warc.Zst"), Some(Format::Warc));
        assert_eq!(format_by_name("a.jsonl.bz2"), Some(Format::Jsonl));
        assert_eq!(format_by_name("a.tsv"), None);
        assert_eq!(format_by_name("README"), None);
    }

    #[test]
    fn folders_are_walked_sorted_and_relative() {
        let dir = tempfile::tempdir().unwrap();
        for p in ["b/2.txt", "b/1.txt", "a/x.md", ".hidden/z.txt", "a/skip.tsv", "c.jsonl"] {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let found = expand(&[dir.path().to_path_buf()]);
        assert!(found.problems.is_empty());
        let rel: Vec<&str> = found.files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(rel, ["a/x.md", "b/1.txt", "b/2.txt", "c.jsonl"]);
        let skipped: Vec<(String, SkipReason)> = found
            .skipped
            .iter()
            .map(|s| {
                (s.file.strip_prefix(&*dir.path().to_string_lossy()).unwrap().into(), s.reason)
            })
            .collect();
        assert_eq!(
            skipped,
            [
                ("/.hidden".into(), SkipReason::Hidden),
                ("/a/skip.tsv".into(), SkipReason::UnknownFormat)
            ]
        );
    }

    #[test]
    fn missing_path_is_a_problem() {
        let found = expand(&[PathBuf::from("/no/such/path")]);
        assert!(found.files.is_empty());
        assert_eq!(found.problems.len(), 1);
    }
}
