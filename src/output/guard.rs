//! Checks a run's output paths against each other and against its inputs before anything is
//! read, so that no output replaces an input or another output.
//!
//! Paths are compared by what they name, not by how they are spelled: the canonical path (links
//! and `..` resolved; for a file that does not exist yet, its folder's canonical path and its
//! name) and, for files that exist, device and inode (a hard link is the same file under
//! another name).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One output a run will write: the flag that names it and its path (`-` for stdout).
#[derive(Clone, Copy, Debug)]
pub struct PlannedOutput<'a> {
    /// The flag, as the user typed it (`--clean`), for messages.
    pub flag: &'static str,
    pub path: &'a Path,
}

/// What the checks found that is not an error.
#[derive(Debug, Default)]
pub struct OutputPlan {
    /// The canonical paths of the outputs that lie inside an input folder: a walk of that
    /// folder must not read them as input.
    pub inside_inputs: Vec<InsideInput>,
}

/// An output written inside a folder that is also an input.
#[derive(Clone, Debug)]
pub struct InsideInput {
    pub flag: &'static str,
    /// The output's canonical path.
    pub output: PathBuf,
    /// The input folder, as given.
    pub folder: PathBuf,
}

/// Whether `path` means standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuses a plan where two outputs name one file, more than one output goes to stdout, or an
/// output is one of the input files; reports the outputs that lie inside an input folder.
/// Devices and pipes (`/dev/null`) may take several outputs: they are written in place.
pub fn check(outputs: &[PlannedOutput<'_>], inputs: &[PathBuf]) -> Result<OutputPlan> {
    let mut seen: Vec<(PlannedOutput<'_>, Identity)> = Vec::new();
    let mut stdout: Option<&'static str> = None;
    for &out in outputs {
        if is_stdout(out.path) {
            if let Some(first) = stdout {
                return Err(Error::OutputClash {
                    first,
                    second: out.flag,
                    path: out.path.to_path_buf(),
                });
            }
            stdout = Some(out.flag);
            continue;
        }
        let id = Identity::of(out.path);
        if id.special {
            continue;
        }
        if let Some((first, _)) = seen.iter().find(|(_, other)| other.same(&id)) {
            return Err(Error::OutputClash {
                first: first.flag,
                second: out.flag,
                path: out.path.to_path_buf(),
            });
        }
        seen.push((out, id));
    }
    let mut plan = OutputPlan::default();
    for input in inputs.iter().filter(|p| !is_stdout(p)) {
        let input_id = Identity::of(input);
        let is_folder = input.is_dir();
        for (out, out_id) in &seen {
            if out_id.same(&input_id) {
                return Err(Error::OutputIsInput {
                    flag: out.flag,
                    output: out.path.to_path_buf(),
                    input: input.clone(),
                });
            }
            if is_folder && out_id.canonical.starts_with(&input_id.canonical) {
                plan.inside_inputs.push(InsideInput {
                    flag: out.flag,
                    output: out_id.canonical.clone(),
                    folder: input.clone(),
                });
            }
        }
    }
    Ok(plan)
}

/// What a path names.
#[derive(Debug)]
struct Identity {
    canonical: PathBuf,
    /// Device and inode, for a file that exists.
    inode: Option<(u64, u64)>,
    /// A device, pipe or socket that exists: written in place, shared freely.
    special: bool,
}

impl Identity {
    fn of(path: &Path) -> Identity {
        let meta = std::fs::metadata(path).ok();
        let special = meta.as_ref().is_some_and(|m| !m.is_file() && !m.is_dir());
        Identity { canonical: canonical(path), inode: meta.as_ref().and_then(inode), special }
    }

    fn same(&self, other: &Identity) -> bool {
        self.canonical == other.canonical
            || matches!((self.inode, other.inode), (Some(a), Some(b)) if a == b)
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// The canonical form of `path`, for a file that may not exist yet: the deepest existing
/// ancestor canonicalized, the rest appended as spelled.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(path) {
        return c;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    while let Some(parent) = at.parent() {
        rest.push(at.file_name().map(|n| n.to_os_string()).unwrap_or_default());
        if let Ok(c) = std::fs::canonicalize(parent) {
            let mut out = c;
            out.extend(rest.iter().rev());
            return out;
        }
        at = parent;
    }
    absolute
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned<'a>(flag: &'static str, path: &'a Path) -> PlannedOutput<'a> {
        PlannedOutput { flag, path }
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_naming_both() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, "{}\n").unwrap();
        let spelled_otherwise = dir.path().join(".").join("in.jsonl");
        let err = check(&[planned("--clean", &spelled_otherwise)], std::slice::from_ref(&input))
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("--clean") && message.contains("in.jsonl"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_link_to_an_input_is_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, "{}\n").unwrap();
        let link = dir.path().join("other-name.jsonl");
        std::fs::hard_link(&input, &link).unwrap();
        assert!(check(&[planned("--annotations", &link)], &[input]).is_err());
    }

    #[test]
    fn two_outputs_on_one_path_are_refused_even_before_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("x.jsonl");
        let b = dir.path().join("sub/../x.jsonl");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let err = check(&[planned("--clean", &a), planned("--annotations", &b)], &[]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("--clean") && message.contains("--annotations"), "{message}");
    }

    #[test]
    fn only_one_output_may_go_to_stdout() {
        let dash = Path::new("-");
        assert!(check(&[planned("--clean", dash)], &[]).is_ok());
        assert!(check(&[planned("--clean", dash), planned("--report", dash)], &[]).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn devices_take_several_outputs() {
        let null = Path::new("/dev/null");
        assert!(check(&[planned("--clean", null), planned("--annotations", null)], &[]).is_ok());
    }

    #[test]
    fn an_output_inside_an_input_folder_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("clean.jsonl");
        let plan = check(&[planned("--clean", &out)], &[dir.path().to_path_buf()]).unwrap();
        assert_eq!(plan.inside_inputs.len(), 1);
        assert_eq!(plan.inside_inputs[0].flag, "--clean");
    }
}
