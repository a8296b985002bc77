//! The library's one error type.
//!
//! Errors that stop a run (an output that cannot be written, a table too large for memory) are
//! [`Error`]s. A bad document or record is not an error of the run: it becomes an
//! [`InputProblem`](crate::doc::InputProblem), is counted in the report and the run goes on.

use std::io;
use std::path::{Path, PathBuf};

/// What can stop a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input path could not be opened or listed.
    #[error("reading {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// An output file could not be created, written or moved into place.
    #[error("writing {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A temporary file or folder that holds what outgrows the memory cap could not be made,
    /// written or read back (a full disk, a folder removed under the run, a path that is not
    /// a folder). `what` is what was being done, worded to be followed by the path: "writing
    /// count runs to".
    #[error("{what} {}", .path.display())]
    Spill {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: io::Error,
    },
    /// Two outputs name the same file (or both go to stdout): one would be lost.
    #[error("{first} and {second} both write {}: give each output its own path", .path.display())]
    OutputClash { first: &'static str, second: &'static str, path: PathBuf },
    /// An output names one of the inputs: writing it would destroy the input.
    #[error(
        "{flag} {} is the input {}: write the output elsewhere",
        .output.display(),
        .input.display()
    )]
    OutputIsInput { flag: &'static str, output: PathBuf, input: PathBuf },
    /// A count table would not fit in memory.
    #[error("cannot reserve memory for {entries} entries of the {table} table")]
    TableTooLarge { table: &'static str, entries: usize },
    /// A counts file is damaged, of another version, or counted with other settings.
    #[error("counts file {}: {message}", .path.display())]
    CountsFile { path: PathBuf, message: String },
    /// A learned file is damaged, of another version, or learned with other settings.
    #[error("learned file {}: {message}", .path.display())]
    LearnedFile { path: PathBuf, message: String },
    /// A clusters file is damaged, of another version, or made with other settings.
    #[error("clusters file {}: {message}", .path.display())]
    ClustersFile { path: PathBuf, message: String },
    /// A clean or removed file given to restore is damaged or does not pair up with the other.
    #[error("{}:{line}: {message}", .path.display())]
    Restore { path: PathBuf, line: u64, message: String },
    /// A setting is out of its range.
    #[error("invalid setting: {0}")]
    Config(String),
    /// Under `strict`, the first bad input stops the run.
    #[error("{0}")]
    Strict(crate::doc::InputProblem),
}

impl Error {
    /// Wraps an I/O error met spilling to `path`:
    /// `.map_err(Error::spill("writing count runs to", &path))`.
    pub(crate) fn spill<'p>(
        what: &'static str,
        path: &'p Path,
    ) -> impl Fn(io::Error) -> Error + 'p {
        move |source| Error::Spill { path: path.to_path_buf(), what, source }
    }
}

/// The message of `r`'s error, which must be a spill error (for the spill tests).
#[cfg(test)]
pub(crate) fn spill_message<T>(r: Result<T>) -> String {
    match r {
        Err(e @ Error::Spill { .. }) => e.to_string(),
        Err(e) => panic!("not a spill error: {e:?}"),
        Ok(_) => panic!("no error"),
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
