//! Each document's signature (its content's hash and MinHash minima), held in memory or spilled to a temporary file under a memory cap.

use super::config::DedupConfig;
use super::content::DocSignature;
use super::minhash::lsh_buckets;
use crate::count::SiteKey;
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The figures kept per document besides its minima.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureMeta {
    pub content_hash: u64,
    pub content_bytes: u64,
    pub site: SiteKey,
    pub words: u32,
    pub shingles: u32,
    /// Too little content: matched on the whole page's exact hash only.
    pub page_only: bool,
}

/// Every document's signature, in input order, in flat arrays; under a memory budget
/// ([`DedupConfig::memory_budget`]) the minima go to a temporary file instead, one row per
/// document, and only the figures and ids stay in memory.
#[derive(Debug, Default)]
pub struct Signatures {
    pub(super) permutations: usize,
    pub(super) lead_permutations: usize,
    pub(super) minhash: Vec<u32>,
    pub(super) lead: Vec<u32>,
    pub(super) meta: Vec<SignatureMeta>,
    pub(super) ids: String,
    pub(super) id_ends: Vec<usize>,
    pub(super) spill: Option<SpilledMinima>,
    pub(super) budget: Option<u64>,
}

/// The minima of every document, on disk: per document the MinHash values, then the lead's,
/// as u32 LE. The file has no name and goes when it is closed.
#[derive(Debug)]
pub(crate) struct SpilledMinima {
    pub(super) file: File,
    /// The folder the file is in: what an error names, the file having no name.
    pub(super) dir: PathBuf,
    pub(super) writer: Mutex<MinimaWriter>,
}

/// The writing end of [`SpilledMinima`]: open while documents are pushed, sealed by the first
/// read.
#[derive(Debug)]
pub(crate) enum MinimaWriter {
    Open(BufWriter<File>),
    Sealed,
    /// Sealing failed: what was written cannot be read back.
    Failed,
}

pub(crate) const WRITING_MINIMA: &str = "writing signatures to a temporary file in";
pub(crate) const READING_MINIMA: &str = "reading signatures from a temporary file in";

impl SpilledMinima {
    pub(crate) fn new(temp_dir: Option<&Path>) -> Result<SpilledMinima> {
        let dir = temp_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let (file, writer) = {
            let fail = Error::spill("creating a temporary file for signatures in", &dir);
            let file = tempfile::tempfile_in(&dir).map_err(&fail)?;
            let writer = BufWriter::with_capacity(1 << 20, file.try_clone().map_err(&fail)?);
            (file, writer)
        };
        Ok(SpilledMinima { file, dir, writer: Mutex::new(MinimaWriter::Open(writer)) })
    }

    /// Appends one document's values.
    pub(crate) fn write(&mut self, values: impl Iterator<Item = u32>) -> Result<()> {
        let w = self.writer.get_mut().unwrap_or_else(|e| e.into_inner());
        let MinimaWriter::Open(w) = w else {
            panic!("signatures are pushed before they are read");
        };
        for v in values {
            w.write_all(&v.to_le_bytes()).map_err(Error::spill(WRITING_MINIMA, &self.dir))?;
        }
        Ok(())
    }

    /// Makes every row written so far readable. Once it failed, every later call fails too.
    pub(crate) fn seal(&self) -> Result<()> {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let flushed = match &mut *w {
            MinimaWriter::Sealed => return Ok(()),
            MinimaWriter::Failed => Err(io::Error::other("an earlier write failed")),
            MinimaWriter::Open(open) => open.flush(),
        };
        *w = if flushed.is_ok() { MinimaWriter::Sealed } else { MinimaWriter::Failed };
        flushed.map_err(Error::spill(WRITING_MINIMA, &self.dir))
    }

    /// Fills `buf` from offset `at`.
    pub(crate) fn read_into(&self, buf: &mut [u8], at: u64) -> Result<()> {
        self.seal()?;
        read_at(&self.file, buf, at).map_err(Error::spill(READING_MINIMA, &self.dir))
    }

    pub(crate) fn read(&self, at: u64, values: usize) -> Result<Vec<u32>> {
        let mut bytes = vec![0u8; 4 * values];
        self.read_into(&mut bytes, at)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect())
    }
}

/// Fills `buf` from `file` at offset `at`, without moving a shared cursor.
#[cfg(unix)]
pub(crate) fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
pub(crate) fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

impl Signatures {
    /// No signatures yet. Fails only under a memory budget, when the temporary file for the
    /// minima cannot be made.
    pub fn new(config: &DedupConfig) -> Result<Signatures> {
        let spill = match config.memory_budget {
            Some(_) => Some(SpilledMinima::new(config.temp_dir.as_deref())?),
            None => None,
        };
        Ok(Signatures {
            permutations: config.permutations,
            lead_permutations: config.lead_permutations,
            spill,
            budget: config.memory_budget,
            ..Signatures::default()
        })
    }

    /// Bytes of one document's minima.
    pub(crate) fn row_bytes(&self) -> u64 {
        4 * (self.permutations + self.lead_permutations) as u64
    }

    /// Appends the next document (in input order: its index is its [`DocId`](crate::doc::DocId)). Fails only
    /// under a memory budget, when the minima cannot be written to their temporary file.
    pub fn push(&mut self, id: &str, site: SiteKey, sig: &DocSignature) -> Result<()> {
        debug_assert_eq!(sig.minhash.len(), self.permutations);
        match &mut self.spill {
            None => {
                self.minhash.extend_from_slice(&sig.minhash);
                self.lead.extend_from_slice(&sig.lead);
            }
            Some(s) => s.write(sig.minhash.iter().chain(&sig.lead).copied())?,
        }
        self.meta.push(SignatureMeta {
            content_hash: sig.content_hash,
            content_bytes: sig.content_bytes,
            site,
            words: sig.words,
            shingles: sig.shingles,
            page_only: sig.page_only,
        });
        self.ids.push_str(id);
        self.id_ends.push(self.ids.len());
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Document `i`'s MinHash values. Fails only when they were spilled and cannot be read
    /// back (as [`Signatures::lead`]).
    pub fn minhash(&self, i: usize) -> Result<Cow<'_, [u32]>> {
        Ok(match &self.spill {
            None => {
                Cow::Borrowed(&self.minhash[i * self.permutations..(i + 1) * self.permutations])
            }
            Some(s) => Cow::Owned(s.read(i as u64 * self.row_bytes(), self.permutations)?),
        })
    }

    /// The MinHash values of document `i`'s opening.
    pub fn lead(&self, i: usize) -> Result<Cow<'_, [u32]>> {
        let n = self.lead_permutations;
        Ok(match &self.spill {
            None => Cow::Borrowed(&self.lead[i * n..(i + 1) * n]),
            Some(s) => {
                Cow::Owned(s.read(i as u64 * self.row_bytes() + 4 * self.permutations as u64, n)?)
            }
        })
    }

    /// Buckets of documents agreeing on a whole band of their MinHash (`lead`: of their
    /// opening's), as [`lsh_buckets`] makes them; `take(i)` leaves documents out. In memory,
    /// one call over every band; with spilled minima, a few bands at a time, read from the
    /// file into columns, so that the keys of every band never stand in memory at once.
    /// Bands are keyed apart either way, and the pairs drawn from the buckets are sorted, so
    /// the candidates are the same.
    pub(crate) fn buckets(
        &self,
        lead: bool,
        bands: usize,
        take: impl Fn(usize) -> bool + Sync,
    ) -> Result<Vec<Vec<u32>>> {
        let n = self.len();
        let (offset, values) =
            if lead { (self.permutations, self.lead_permutations) } else { (0, self.permutations) };
        let Some(spill) = &self.spill else {
            let flat = if lead { &self.lead } else { &self.minhash };
            return Ok(lsh_buckets(n, bands, |i| {
                take(i).then(|| &flat[i * values..(i + 1) * values])
            }));
        };
        let rows = values / bands.max(1);
        // Per band and document: its values in the column, its key and the key's copy while
        // the keys are collected and sorted.
        let per_band = (n as u64 * (4 * rows as u64 + 32)).max(1);
        let group = (self.budget.unwrap_or(0) / per_band).clamp(1, bands as u64) as usize;
        let row_bytes = self.row_bytes() as usize;
        let chunk_docs = ((4 << 20) / row_bytes).max(1);
        let mut buf = vec![0u8; chunk_docs * row_bytes];
        let mut out = Vec::new();
        let mut first = 0;
        while first < bands {
            let g = group.min(bands - first);
            let width = g * rows;
            let mut cols: Vec<u32> = Vec::with_capacity(n * width);
            let mut doc = 0;
            while doc < n {
                let m = chunk_docs.min(n - doc);
                let bytes = &mut buf[..m * row_bytes];
                spill.read_into(bytes, (doc * row_bytes) as u64)?;
                for row in bytes.chunks_exact(row_bytes) {
                    let at = 4 * (offset + first * rows);
                    cols.extend(
                        row[at..at + 4 * width]
                            .chunks_exact(4)
                            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes"))),
                    );
                }
                doc += m;
            }
            out.extend(lsh_buckets(n, g, |i| take(i).then(|| &cols[i * width..(i + 1) * width])));
            first += g;
        }
        Ok(out)
    }

    pub fn meta(&self, i: usize) -> &SignatureMeta {
        &self.meta[i]
    }

    pub fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] };
        &self.ids[start..self.id_ends[i]]
    }
}

impl DedupConfig {
    /// Bytes the sign pass holds per document, besides its id.
    pub fn bytes_per_document(&self) -> usize {
        4 * (self.permutations + self.lead_permutations) + std::mem::size_of::<SignatureMeta>()
    }
}
