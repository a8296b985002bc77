//! The counts file: what `chaff count` writes and `chaff merge` / `chaff mark` read.
//!
//! ```text
//! "CHAFFCNT"                 8 bytes magic
//! version                    u32 LE (2)
//! header length, header      u32 LE, JSON: the counting settings (see CountsHeader)
//! body                       zstd stream of:
//!   documents, duplicates    u64 LE each
//!   site count               u64 LE; then per site, sorted by key:
//!                              key u64, docs u64, name length u32, name bytes
//!   then per (block, site), sorted by (block, site), a row tagged 1:
//!                              1u8, block u64, site u64, docs u32
//!   and a final 0u8 (rows are streamed: a merge never holds them all)
//! checksum                   u64 LE: xxh3-64 (seed 0) of every byte before it
//! ```
//!
//! Version 2 dropped the occurrences and the most occurrences in one document from each row
//! (version 1 had them): flagging never read them. A file holds every (block, site) counted,
//! those on one document too, so that files counted apart sum exactly; reading files into
//! [`Counts`] keeps only the blocks on two documents or more.
//!
//! Rows are sorted, so merging files is a streaming k-way merge; sums are exact, so merge is
//! associative and commutative. A file may hold only the blocks of one hash partition
//! (`hash % n == i`), so that a reduce can run one task per partition.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::count::{CountTable, Counts, CountsBuilder, SiteInfo, SiteKey};
use crate::error::{Error, Result};
use crate::output::AtomicFile;
use crate::text::hash::SEED;
use crate::text::normalize::NormalizeConfig;

pub const MAGIC: &[u8; 8] = b"CHAFFCNT";
pub const VERSION: u32 = 2;

/// The settings that decide what was counted. Files merge, and mark reads them, only when these
/// agree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsHeader {
    pub seed: u64,
    pub normalize: NormalizeConfig,
    pub shingle: usize,
    pub max_line_bytes: usize,
    /// Absent from files written before the document cap existed (they had none).
    #[serde(default = "no_doc_cap")]
    pub max_doc_bytes: usize,
    pub count_duplicates: bool,
    /// The site field (none: registrable domain of the URL).
    pub site_field: Option<String>,
    /// `(i, n)`: only blocks with `hash % n == i`.
    pub partition: Option<(u64, u64)>,
}

fn no_doc_cap() -> usize {
    usize::MAX
}

impl CountsHeader {
    /// The same settings, whatever the partition.
    pub fn compatible(&self, other: &CountsHeader) -> bool {
        CountsHeader { partition: None, ..self.clone() }
            == CountsHeader { partition: None, ..other.clone() }
    }
}

/// Writes bytes and hashes them.
pub(crate) struct HashingWriter<W: Write> {
    pub(crate) inner: W,
    pub(crate) hasher: Xxh3,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reads bytes and hashes them.
pub(crate) struct HashingReader<R: Read> {
    pub(crate) inner: R,
    pub(crate) hasher: Xxh3,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// One row: the documents of one site holding one block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    pub block: u64,
    pub site: u64,
    pub docs: u32,
}

/// Feeds the writer its rows, in sorted order, through the sink it is given.
type Feed<'a> = dyn FnMut(&mut dyn FnMut(Row) -> Result<()>) -> Result<()> + 'a;

/// Writes a whole counts file to `out`; `feed` hands over the rows in sorted order.
fn write_counts_to<W: Write>(
    path: &Path,
    out: W,
    header: &CountsHeader,
    documents: u64,
    duplicates: u64,
    sites: &[(SiteKey, SiteInfo)],
    feed: &mut Feed,
) -> Result<W> {
    let io = |source: io::Error| Error::Write { path: path.to_path_buf(), source };
    let mut w = HashingWriter { inner: out, hasher: Xxh3::new() };
    let mut z = write_head(&mut w, header, documents, duplicates, sites).map_err(io)?;
    let mut buf = [0u8; 21];
    buf[0] = 1;
    feed(&mut |r: Row| {
        buf[1..9].copy_from_slice(&r.block.to_le_bytes());
        buf[9..17].copy_from_slice(&r.site.to_le_bytes());
        buf[17..21].copy_from_slice(&r.docs.to_le_bytes());
        z.write_all(&buf).map_err(io)
    })?;
    z.write_all(&[0u8]).map_err(io)?;
    z.finish().map_err(io)?;
    let sum = w.hasher.digest();
    w.inner.write_all(&sum.to_le_bytes()).map_err(io)?;
    Ok(w.inner)
}

/// Writes everything before the rows, and opens the zstd stream they go in.
fn write_head<'w, W: Write>(
    w: &'w mut HashingWriter<W>,
    header: &CountsHeader,
    documents: u64,
    duplicates: u64,
    sites: &[(SiteKey, SiteInfo)],
) -> io::Result<zstd::stream::write::Encoder<'static, &'w mut HashingWriter<W>>> {
    w.write_all(MAGIC)?;
    w.write_all(&VERSION.to_le_bytes())?;
    let json = serde_json::to_vec(header).map_err(io::Error::other)?;
    w.write_all(&(json.len() as u32).to_le_bytes())?;
    w.write_all(&json)?;
    let mut z = zstd::stream::write::Encoder::new(w, 3)?;
    z.write_all(&documents.to_le_bytes())?;
    z.write_all(&duplicates.to_le_bytes())?;
    z.write_all(&(sites.len() as u64).to_le_bytes())?;
    for (key, info) in sites {
        z.write_all(&key.0.to_le_bytes())?;
        z.write_all(&info.docs.to_le_bytes())?;
        z.write_all(&(info.name.len() as u32).to_le_bytes())?;
        z.write_all(info.name.as_bytes())?;
    }
    Ok(z)
}

/// Writes a count table (pass one's result) to `path`, atomically: every (block, site) it
/// counted, none left out, so that files made apart sum exactly.
pub fn write_table(path: &Path, header: &CountsHeader, mut table: CountTable) -> Result<()> {
    let mut sites: Vec<(SiteKey, SiteInfo)> =
        std::mem::take(&mut table.sites).into_iter().collect();
    sites.sort_by_key(|(k, _)| *k);
    let (documents, duplicates) = (table.documents, table.duplicates);
    let partition = header.partition;
    let mut table = Some(table);
    let file = AtomicFile::create(path)?;
    let out = write_counts_to(
        path,
        AtomicSink(file),
        header,
        documents,
        duplicates,
        &sites,
        &mut |sink| {
            let Some(table) = table.take() else { return Ok(()) };
            table.for_each_block(|block, group| {
                if in_partition(block, partition) {
                    for &(site, docs) in group {
                        sink(Row { block, site: site.0, docs })?;
                    }
                }
                Ok(())
            })?;
            Ok(())
        },
    )?;
    out.0.commit()
}

/// Adapts an [`AtomicFile`] to `io::Write`.
struct AtomicSink(AtomicFile);

impl Write for AtomicSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_all(buf).map_err(io::Error::other)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn in_partition(block: u64, partition: Option<(u64, u64)>) -> bool {
    partition.is_none_or(|(i, n)| block % n == i)
}

/// A counts file opened for reading: its header, small sections, and a stream of rows.
pub struct CountsReader {
    pub header: CountsHeader,
    pub documents: u64,
    pub duplicates: u64,
    pub sites: Vec<(SiteKey, SiteInfo)>,
    done: bool,
    body: zstd::stream::read::Decoder<'static, BufReader<HashingReader<io::Take<BufReader<File>>>>>,
    path: std::path::PathBuf,
}

fn bad(path: &Path, message: impl Into<String>) -> Error {
    Error::CountsFile { path: path.to_path_buf(), message: message.into() }
}

pub(crate) fn read_u32<R: Read>(r: &mut R) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

pub(crate) fn read_u64<R: Read>(r: &mut R) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

impl CountsReader {
    pub fn open(path: &Path) -> Result<CountsReader> {
        let io_err = |source: io::Error| Error::Read { path: path.to_path_buf(), source };
        let file = File::open(path).map_err(io_err)?;
        let len = file.metadata().map_err(io_err)?.len();
        if len < 8 + 4 + 4 + 8 {
            return Err(bad(path, "too short to be a counts file"));
        }
        let limited = BufReader::with_capacity(1 << 16, file).take(len - 8);
        let mut r = HashingReader { inner: limited, hasher: Xxh3::new() };
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic).map_err(io_err)?;
        if &magic != MAGIC {
            return Err(bad(path, "not a chaff counts file (bad magic bytes)"));
        }
        let version = read_u32(&mut r).map_err(io_err)?;
        if version != VERSION {
            return Err(bad(
                path,
                format!("counts format version {version}, this chaff reads {VERSION}"),
            ));
        }
        let hlen = read_u32(&mut r).map_err(io_err)? as usize;
        if hlen > 1 << 20 {
            return Err(bad(path, "header too long"));
        }
        let mut json = vec![0u8; hlen];
        r.read_exact(&mut json).map_err(io_err)?;
        let header: CountsHeader =
            serde_json::from_slice(&json).map_err(|e| bad(path, format!("bad header: {e}")))?;
        if header.seed != SEED {
            return Err(bad(
                path,
                format!("hash seed {:#x}, this chaff uses {SEED:#x}", header.seed),
            ));
        }
        let mut body = zstd::stream::read::Decoder::new(r).map_err(io_err)?;
        let corrupt = |e: io::Error| bad(path, format!("corrupt body: {e}"));
        let documents = read_u64(&mut body).map_err(corrupt)?;
        let duplicates = read_u64(&mut body).map_err(corrupt)?;
        let n_sites = read_u64(&mut body).map_err(corrupt)?;
        let mut sites = Vec::new();
        for _ in 0..n_sites {
            let key = read_u64(&mut body).map_err(corrupt)?;
            let docs = read_u64(&mut body).map_err(corrupt)?;
            let nlen = read_u32(&mut body).map_err(corrupt)? as usize;
            if nlen > 1 << 20 {
                return Err(bad(path, "site name too long"));
            }
            let mut name = vec![0u8; nlen];
            body.read_exact(&mut name).map_err(corrupt)?;
            let name = String::from_utf8(name).map_err(|_| bad(path, "site name is not UTF-8"))?;
            sites.push((SiteKey(key), SiteInfo { name, docs }));
        }
        Ok(CountsReader {
            header,
            documents,
            duplicates,
            sites,
            done: false,
            body,
            path: path.to_path_buf(),
        })
    }

    /// The next row; at the end, checks the checksum.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        if self.done {
            return Ok(None);
        }
        let corrupt = |path: &Path, e: io::Error| bad(path, format!("corrupt body: {e}"));
        let mut tag = [0u8; 1];
        self.body.read_exact(&mut tag).map_err(|e| corrupt(&self.path, e))?;
        match tag[0] {
            0 => {
                self.done = true;
                self.verify()?;
                return Ok(None);
            }
            1 => {}
            t => return Err(bad(&self.path, format!("corrupt body: row tag {t}"))),
        }
        let mut buf = [0u8; 20];
        self.body.read_exact(&mut buf).map_err(|e| corrupt(&self.path, e))?;
        let u64_at = |i: usize| u64::from_le_bytes(buf[i..i + 8].try_into().expect("8 bytes"));
        Ok(Some(Row {
            block: u64_at(0),
            site: u64_at(8),
            docs: u32::from_le_bytes(buf[16..20].try_into().expect("4 bytes")),
        }))
    }

    fn verify(&mut self) -> Result<()> {
        // Drain the zstd frame so that every body byte has been hashed.
        let mut rest = Vec::new();
        self.body
            .read_to_end(&mut rest)
            .map_err(|e| bad(&self.path, format!("corrupt body: {e}")))?;
        if !rest.is_empty() {
            return Err(bad(&self.path, "trailing bytes after the rows"));
        }
        let hashing = self.body.get_mut().get_mut();
        let mut trailer = [0u8; 8];
        let computed = hashing.hasher.digest();
        let file = hashing.inner.get_mut();
        file.read_exact(&mut trailer).map_err(|e| bad(&self.path, format!("no checksum: {e}")))?;
        if u64::from_le_bytes(trailer) != computed {
            return Err(bad(&self.path, "checksum mismatch: the file is damaged"));
        }
        Ok(())
    }
}

/// A streaming k-way merge of the rows of counts files: rows of one (block, site) in several
/// files come out once, their documents summed.
struct RowMerger {
    readers: Vec<CountsReader>,
    heap: BinaryHeap<Reverse<(u64, u64, usize, u32)>>,
    partition: Option<(u64, u64)>,
}

impl RowMerger {
    fn new(mut readers: Vec<CountsReader>, partition: Option<(u64, u64)>) -> Result<RowMerger> {
        let mut heap = BinaryHeap::with_capacity(readers.len());
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some(row) = next_in_partition(r, partition)? {
                heap.push(Reverse((row.block, row.site, i, row.docs)));
            }
        }
        Ok(RowMerger { readers, heap, partition })
    }

    fn next(&mut self) -> Result<Option<Row>> {
        let Some(Reverse((block, site, i, docs))) = self.heap.pop() else { return Ok(None) };
        let mut row = Row { block, site, docs };
        self.refill(i)?;
        while let Some(&Reverse((b, s, j, d))) = self.heap.peek() {
            if (b, s) != (block, site) {
                break;
            }
            self.heap.pop();
            row.docs = row.docs.saturating_add(d);
            self.refill(j)?;
        }
        Ok(Some(row))
    }

    fn refill(&mut self, i: usize) -> Result<()> {
        if let Some(r) = next_in_partition(&mut self.readers[i], self.partition)? {
            self.heap.push(Reverse((r.block, r.site, i, r.docs)));
        }
        Ok(())
    }
}

/// Reads counts files (whole, or partitions, or shards to be summed) into finished counts,
/// streaming: memory holds the kept blocks (on two documents or more), not the rows.
pub fn read_counts(paths: &[&Path]) -> Result<(CountsHeader, Counts)> {
    let mut header: Option<CountsHeader> = None;
    let mut readers = Vec::with_capacity(paths.len());
    let mut sites: FxHashMap<SiteKey, SiteInfo> = FxHashMap::default();
    let (mut documents, mut duplicates) = (0u64, 0u64);
    for path in paths {
        let mut r = CountsReader::open(path)?;
        match &header {
            None => header = Some(CountsHeader { partition: None, ..r.header.clone() }),
            Some(h) if !h.compatible(&r.header) => {
                return Err(bad(path, "counted with other settings than the first counts file"))
            }
            Some(_) => {}
        }
        // Partitions of one merge each carry the full site list and totals: count them once.
        if r.header.partition.is_none_or(|(i, _)| i == 0) {
            documents += r.documents;
            duplicates += r.duplicates;
            for (k, v) in r.sites.drain(..) {
                let e =
                    sites.entry(k).or_insert_with(|| SiteInfo { name: v.name.clone(), docs: 0 });
                e.docs += v.docs;
            }
        }
        readers.push(r);
    }
    let header = header.ok_or_else(|| Error::Config("no counts file given".into()))?;
    let mut merged = RowMerger::new(readers, None)?;
    let mut builder = CountsBuilder::default();
    let mut group: Vec<(SiteKey, u32)> = Vec::new();
    let mut current: Option<u64> = None;
    while let Some(row) = merged.next()? {
        if current != Some(row.block) {
            if let Some(h) = current {
                builder.push(h, &group);
            }
            group.clear();
            current = Some(row.block);
        }
        group.push((SiteKey(row.site), row.docs));
    }
    if let Some(h) = current {
        builder.push(h, &group);
    }
    Ok((header, builder.build(sites, documents, duplicates)))
}

/// Merges counts files into one, keeping only partition `partition` when given: a streaming
/// k-way merge over the sorted rows, so memory stays small whatever the files' size.
pub fn merge_files(inputs: &[&Path], output: &Path, partition: Option<(u64, u64)>) -> Result<()> {
    let mut readers: Vec<CountsReader> =
        inputs.iter().map(|p| CountsReader::open(p)).collect::<Result<_>>()?;
    let Some(first) = readers.first() else {
        return Err(Error::Config("no counts file given".into()));
    };
    let header = CountsHeader { partition, ..first.header.clone() };
    for r in &readers {
        if !header.compatible(&r.header) {
            return Err(bad(&r.path, "counted with other settings than the first counts file"));
        }
        if r.header.partition.is_some() && r.header.partition != partition {
            return Err(bad(
                &r.path,
                "holds another hash partition; merge whole files or one partition",
            ));
        }
    }
    let mut sites: FxHashMap<SiteKey, SiteInfo> = FxHashMap::default();
    let (mut documents, mut duplicates) = (0, 0);
    for r in &mut readers {
        documents += r.documents;
        duplicates += r.duplicates;
        for (k, v) in r.sites.drain(..) {
            let e = sites.entry(k).or_insert_with(|| SiteInfo { name: v.name.clone(), docs: 0 });
            e.docs += v.docs;
        }
    }
    let mut sites: Vec<(SiteKey, SiteInfo)> = sites.into_iter().collect();
    sites.sort_by_key(|(k, _)| *k);
    let mut merged = RowMerger::new(readers, partition)?;
    let file = AtomicFile::create(output)?;
    let out = write_counts_to(
        output,
        AtomicSink(file),
        &header,
        documents,
        duplicates,
        &sites,
        &mut |sink| {
            while let Some(row) = merged.next()? {
                sink(row)?;
            }
            Ok(())
        },
    )?;
    out.0.commit()
}

fn next_in_partition(r: &mut CountsReader, partition: Option<(u64, u64)>) -> Result<Option<Row>> {
    while let Some(row) = r.next_row()? {
        if in_partition(row.block, partition) {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::Merge;
    use crate::text::hash::LineHash;
    use crate::text::shingle::blocks;

    fn header() -> CountsHeader {
        CountsHeader {
            seed: SEED,
            normalize: NormalizeConfig::default(),
            shingle: 2,
            max_line_bytes: 1 << 20,
            max_doc_bytes: usize::MAX,
            count_duplicates: false,
            site_field: None,
            partition: None,
        }
    }

    fn table(docs: &[(&str, &[u64])]) -> CountTable {
        let mut t = CountTable::default();
        for (site, lines) in docs {
            let h: Vec<LineHash> = lines.iter().map(|&l| LineHash(l)).collect();
            t.add_document(site, &blocks(&h, 2));
        }
        t
    }

    fn snapshot(c: &Counts) -> (u64, Vec<(u64, u64, u32)>) {
        let mut v = Vec::new();
        for (b, _, sites) in c.recurring() {
            v.extend(sites.into_iter().map(|(s, d)| (b.0, s.0, d)));
        }
        (c.distinct_blocks, v)
    }

    #[test]
    fn write_read_merge_and_partition_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let a = table(&[("x", &[1, 2, 3]), ("y", &[1, 2])]);
        let b = table(&[("x", &[1, 2, 9]), ("z", &[4, 4, 4])]);
        let (pa, pb, pm) =
            (dir.path().join("a.counts"), dir.path().join("b.counts"), dir.path().join("m.counts"));
        write_table(&pa, &header(), a).unwrap();
        write_table(&pb, &header(), b).unwrap();
        merge_files(&[&pa, &pb], &pm, None).unwrap();
        let (_, merged) = read_counts(&[&pm]).unwrap();
        let mut all = table(&[("x", &[1, 2, 3]), ("y", &[1, 2])]);
        all.merge(table(&[("x", &[1, 2, 9]), ("z", &[4, 4, 4])]));
        let direct = all.finish();
        assert_eq!(snapshot(&merged), snapshot(&direct));
        assert_eq!(merged.documents, 4);
        assert_eq!(merged.sites.len(), 3);
        // Shards read together sum like a merge; partitions read together rebuild it.
        let (_, summed) = read_counts(&[&pa, &pb]).unwrap();
        assert_eq!(snapshot(&summed), snapshot(&direct));
        let parts: Vec<_> = (0..3).map(|i| dir.path().join(format!("p{i}.counts"))).collect();
        for (i, p) in parts.iter().enumerate() {
            merge_files(&[&pb, &pa], p, Some((i as u64, 3))).unwrap();
        }
        let refs: Vec<&Path> = parts.iter().map(|p| p.as_path()).collect();
        let (h, rebuilt) = read_counts(&refs).unwrap();
        assert_eq!(h.partition, None);
        assert_eq!(snapshot(&rebuilt), snapshot(&direct));
        assert_eq!(rebuilt.documents, 4);
    }

    #[test]
    fn damage_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.counts");
        write_table(&p, &header(), table(&[("x", &[1, 2, 3, 4, 5, 6])])).unwrap();
        let mut bytes = std::fs::read(&p).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&p, &bytes).unwrap();
        let err = read_counts(&[&p]).err().unwrap().to_string();
        assert!(err.contains("checksum"), "{err}");
        std::fs::write(&p, b"not a counts file at all, no").unwrap();
        let err = read_counts(&[&p]).err().unwrap().to_string();
        assert!(err.contains("magic"), "{err}");
    }

    #[test]
    fn other_settings_do_not_merge() {
        let dir = tempfile::tempdir().unwrap();
        let (pa, pb) = (dir.path().join("a.counts"), dir.path().join("b.counts"));
        write_table(&pa, &header(), table(&[("x", &[1])])).unwrap();
        write_table(&pb, &CountsHeader { shingle: 3, ..header() }, table(&[("x", &[1])])).unwrap();
        assert!(merge_files(&[&pa, &pb], &dir.path().join("m"), None).is_err());
        assert!(read_counts(&[&pa, &pb]).is_err());
    }
}
