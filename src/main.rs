//! The `chaff` command: turns flags into configs, calls the library, prints.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// The scan allocates many small, short-lived buffers per document on every thread (lines,
/// spans, parts, masked templates); mimalloc's per-thread free lists serve them at a fraction
/// of glibc malloc's cost (malloc and free took about a tenth of a scan's profile).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("chaff: error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  Cause: {cause}");
            }
            cli::ExitStatus::Error.into()
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
