//! Progress reporting. The library never draws: it calls a [`Progress`], and the binary's
//! adapter draws bars (hidden when stderr is not a terminal).

/// Receives progress of a run. Every method has a do-nothing default.
pub trait Progress: Sync {
    /// A phase starts; `total_bytes` is the raw size of the inputs when known.
    fn start(&self, _phase: Phase, _total_bytes: Option<u64>) {}
    /// Raw input bytes read so far in this phase, and documents done.
    fn update(&self, _bytes: u64, _documents: u64) {}
    /// The phase is over.
    fn finish(&self) {}
}

/// The passes of a scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading and counting blocks.
    Count,
    /// Reading again to learn each site's usual page.
    Profile,
    /// Reading again, signing each document's content for duplicate detection.
    Sign,
    /// Reading again, flagging and writing outputs.
    Mark,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Count => "counting",
            Phase::Profile => "profiling",
            Phase::Sign => "signing",
            Phase::Mark => "marking",
        }
    }
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {}
