//! The learned file: what `chaff learn` writes for one shard and `chaff mark --learned` reads
//! for all of them.
//!
//! Two judgements of the mark pass need the whole corpus, not just the counts: whether a
//! teaser page was cut short (its kept text against its site's median page) and which
//! documents are copies of which (duplicate clusters span shards). A scan learns both in a pass
//! of its own; a distributed run learns them shard by shard (`chaff learn`, a map step after
//! the counts are merged), and each `mark` task reads every shard's learned file, so that each
//! shard is marked exactly as one scan would mark it.
//!
//! ```text
//! "CHAFFLRN"                 8 bytes magic
//! version                    u32 LE (1)
//! body                       zstd stream of:
//!   header length, header    u32 LE, JSON (LearnedHeader: settings, inputs, documents)
//!   per document, in input order:
//!     site u64, kept bytes u64, signed u8 (1 when a signature follows)
//!     [content_hash u64, content_bytes u64, words u32, shingles u32, page_only u8,
//!      minhash u32 × permutations, lead u32 × lead_permutations, id length u32, id bytes]
//!   checksum                 u64 LE: xxh3-64 (seed 0) of every body byte before it
//! ```

use std::io::{self, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::count::SiteKey;
use crate::dedup::content::DocSignature;
use crate::dedup::{DedupConfig, SignatureMeta, Signatures};
use crate::error::{Error, Result};
use crate::formats::counts::{read_u32, read_u64, CountsHeader};
use crate::formats::frame::{check_sum, BodyReader, Frame};

pub const MAGIC: &[u8; 8] = b"CHAFFLRN";
pub const VERSION: u32 = 1;

/// What a learned file was made from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnedHeader {
    /// The settings of the counts it was flagged against.
    pub counts: CountsHeader,
    /// Documents in those counts (the whole corpus's).
    pub counts_documents: u64,
    /// Duplicate detection settings; `None` when it was off.
    pub dedup: Option<DedupConfig>,
    /// The display names of the shard's input files, in order: `mark` finds its own shard's
    /// file by them.
    pub inputs: Vec<String>,
    /// Documents learned (records read as documents).
    pub documents: u64,
}

/// What the learn pass gives for some documents, in input order.
#[derive(Debug, Default)]
pub struct LearnedDocs {
    /// Each document's site and kept bytes (normalized non-blank lines outside spans).
    pub kept: Vec<(SiteKey, u64)>,
    /// Each document's duplicate signature, when duplicate detection is on.
    pub signatures: Option<Signatures>,
}

const FRAME: Frame = Frame { magic: MAGIC, version: VERSION, kind: "learned" };

/// Writes `learned` to `path`, atomically.
pub fn write(path: &Path, header: &LearnedHeader, learned: &LearnedDocs) -> Result<()> {
    FRAME.write(path, |w, io_err| write_body(w, header, learned, io_err))
}

/// Writes the header and every document; `io_err` wraps a failure to write, while a failure
/// to read spilled signatures back stays what it is.
fn write_body<W: Write>(
    w: &mut W,
    header: &LearnedHeader,
    learned: &LearnedDocs,
    io_err: &dyn Fn(io::Error) -> Error,
) -> Result<()> {
    let json = serde_json::to_vec(header).map_err(io::Error::other).map_err(io_err)?;
    w.write_all(&(json.len() as u32).to_le_bytes()).map_err(io_err)?;
    w.write_all(&json).map_err(io_err)?;
    for (i, &(site, kept)) in learned.kept.iter().enumerate() {
        let Some(sigs) = learned.signatures.as_ref() else {
            write_document(w, site, kept, None).map_err(io_err)?;
            continue;
        };
        let (minhash, lead) = (sigs.minhash(i)?, sigs.lead(i)?);
        write_document(w, site, kept, Some((sigs.meta(i), &minhash, &lead, sigs.id(i))))
            .map_err(io_err)?;
    }
    Ok(())
}

/// One document's row: its site, kept bytes and, when given, its signature (figures, MinHash
/// values, the lead's, id).
fn write_document<W: Write>(
    w: &mut W,
    site: SiteKey,
    kept: u64,
    signature: Option<(&SignatureMeta, &[u32], &[u32], &str)>,
) -> io::Result<()> {
    w.write_all(&site.0.to_le_bytes())?;
    w.write_all(&kept.to_le_bytes())?;
    let Some((meta, minhash, lead, id)) = signature else {
        return w.write_all(&[0]);
    };
    w.write_all(&[1])?;
    w.write_all(&meta.content_hash.to_le_bytes())?;
    w.write_all(&meta.content_bytes.to_le_bytes())?;
    w.write_all(&meta.words.to_le_bytes())?;
    w.write_all(&meta.shingles.to_le_bytes())?;
    w.write_all(&[u8::from(meta.page_only)])?;
    for v in minhash.iter().chain(lead.iter()) {
        w.write_all(&v.to_le_bytes())?;
    }
    w.write_all(&(id.len() as u32).to_le_bytes())?;
    w.write_all(id.as_bytes())
}

fn bad(path: &Path, message: impl Into<String>) -> Error {
    Error::LearnedFile { path: path.to_path_buf(), message: message.into() }
}

fn read_u8<R: Read>(r: &mut R) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

/// Opens a learned file: its header, and the reader of its documents.
fn open(path: &Path) -> Result<(LearnedHeader, BodyReader)> {
    let mut r = FRAME.open(path, &|m| bad(path, m))?;
    let corrupt = |e: io::Error| bad(path, format!("corrupt body: {e}"));
    let hlen = read_u32(&mut r).map_err(corrupt)? as usize;
    if hlen > 1 << 24 {
        return Err(bad(path, "header too long"));
    }
    let mut json = vec![0u8; hlen];
    r.read_exact(&mut json).map_err(corrupt)?;
    let header: LearnedHeader =
        serde_json::from_slice(&json).map_err(|e| bad(path, format!("bad header: {e}")))?;
    Ok((header, r))
}

/// The header of a learned file alone (what it was learned from, and with which settings).
pub fn read_header(path: &Path) -> Result<LearnedHeader> {
    open(path).map(|(header, _)| header)
}

/// Reads one learned file, appending its documents to `into` (whose signatures, when
/// duplicate detection is on, were made with `dedup`). Returns its header.
pub fn read_into(
    path: &Path,
    dedup: Option<&DedupConfig>,
    into: &mut LearnedDocs,
) -> Result<LearnedHeader> {
    let (header, mut r) = open(path)?;
    let corrupt = |e: io::Error| bad(path, format!("corrupt body: {e}"));
    if !DedupConfig::same_settings(header.dedup.as_ref(), dedup) {
        return Err(bad(path, "learned with other duplicate detection settings than this run"));
    }
    let (permutations, lead) = dedup.map_or((0, 0), |d| (d.permutations, d.lead_permutations));
    let mut values = vec![0u32; permutations + lead];
    for _ in 0..header.documents {
        let site = SiteKey(read_u64(&mut r).map_err(corrupt)?);
        let kept = read_u64(&mut r).map_err(corrupt)?;
        into.kept.push((site, kept));
        let signed = read_u8(&mut r).map_err(corrupt)?;
        match (signed, dedup, into.signatures.as_mut()) {
            (0, None, _) => continue,
            (1, Some(_), Some(sigs)) => {
                let content_hash = read_u64(&mut r).map_err(corrupt)?;
                let content_bytes = read_u64(&mut r).map_err(corrupt)?;
                let words = read_u32(&mut r).map_err(corrupt)?;
                let shingles = read_u32(&mut r).map_err(corrupt)?;
                let page_only = read_u8(&mut r).map_err(corrupt)? == 1;
                for v in values.iter_mut() {
                    *v = read_u32(&mut r).map_err(corrupt)?;
                }
                let id_len = read_u32(&mut r).map_err(corrupt)? as usize;
                if id_len > 1 << 24 {
                    return Err(bad(path, "document id too long"));
                }
                let mut id = vec![0u8; id_len];
                r.read_exact(&mut id).map_err(corrupt)?;
                let id =
                    String::from_utf8(id).map_err(|_| bad(path, "document id is not UTF-8"))?;
                let sig = DocSignature {
                    content_hash,
                    page_only,
                    content_bytes,
                    words,
                    shingles,
                    minhash: values[..permutations].to_vec(),
                    lead: values[permutations..].to_vec(),
                };
                sigs.push(&id, site, &sig)?;
            }
            _ => return Err(bad(path, "a document's signature does not match the settings")),
        }
    }
    check_sum(&mut r, &|m| bad(path, m))?;
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(dedup: Option<DedupConfig>, documents: u64) -> LearnedHeader {
        LearnedHeader {
            counts: crate::pipeline::counts_header(&crate::ScanConfig::default(), None),
            counts_documents: 10,
            dedup,
            inputs: vec!["shard-0.jsonl".into()],
            documents,
        }
    }

    #[test]
    fn documents_and_signatures_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0.learned");
        let dedup = DedupConfig::default();
        let mut sigs = Signatures::new(&dedup).unwrap();
        let sig = |seed: u32| DocSignature {
            content_hash: u64::from(seed) * 7,
            page_only: seed % 2 == 0,
            content_bytes: 100 + u64::from(seed),
            words: 20,
            shingles: 16,
            minhash: (0..dedup.permutations as u32).map(|v| v ^ seed).collect(),
            lead: (0..dedup.lead_permutations as u32).map(|v| v + seed).collect(),
        };
        sigs.push("a", SiteKey(1), &sig(1)).unwrap();
        sigs.push("bé", SiteKey(2), &sig(2)).unwrap();
        let learned =
            LearnedDocs { kept: vec![(SiteKey(1), 40), (SiteKey(2), 0)], signatures: Some(sigs) };
        write(&path, &header(Some(dedup.clone()), 2), &learned).unwrap();
        let mut back =
            LearnedDocs { kept: Vec::new(), signatures: Some(Signatures::new(&dedup).unwrap()) };
        let h = read_into(&path, Some(&dedup), &mut back).unwrap();
        assert_eq!(h, header(Some(dedup.clone()), 2));
        assert_eq!(back.kept, learned.kept);
        let (a, b) = (back.signatures.unwrap(), learned.signatures.unwrap());
        for i in 0..2 {
            assert_eq!(
                (a.id(i), a.meta(i), a.minhash(i).unwrap(), a.lead(i).unwrap()),
                (b.id(i), b.meta(i), b.minhash(i).unwrap(), b.lead(i).unwrap())
            );
        }
        // Other settings, or a damaged byte, are refused.
        let mut other = LearnedDocs::default();
        assert!(read_into(&path, None, &mut other).is_err());
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 0x55;
        std::fs::write(&path, bytes).unwrap();
        let mut again =
            LearnedDocs { kept: Vec::new(), signatures: Some(Signatures::new(&dedup).unwrap()) };
        assert!(read_into(&path, Some(&dedup), &mut again).is_err());
    }
}
