//! The results of a scan's flag pass, held in a temporary file until its last pass writes them
//! out.
//!
//! A scan flags and classifies each document once, in the pass that also learns the site
//! profiles and duplicate signatures. Two things in a result depend on the whole corpus and
//! are settled when it is read back in the last pass: the paywall verdict, judged against the
//! site's median kept length ([`PaywallCut`]), and the duplicate cluster. Everything else is
//! written here, in input order, one length-prefixed record per document, integers as
//! LEB128, compressed, and read back in the same order; the last pass re-reads the inputs
//! only for their text. Without a memory cap the results stay in memory (14% of the input's
//! size on a generated crawl: 36 MB for 256 MiB); under one they go to an unnamed temporary
//! file (gone when closed, or when the process dies). Nothing else ever reads them, so the
//! encoding carries no version. (Writing a template met before as a reference to it was
//! tried: zstd already finds those repeats, and the references made the file 4% larger.)

use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::SpooledTempFile;

use crate::classify::{DocClasses, PaywallCut, PaywallStatus};
use crate::error::{Error, Result};
use crate::result::DocResult;
use crate::span::{Class, PartKind, Span, SpanKind, SpanPart};
use crate::text::hash::BlockHash;
use crate::text::template::{Template, TemplateId};

/// Writes encoded results, in input order, through a fast zstd stream (the masked templates
/// and fillers that make up most of a record recur from page to page): into memory, or under a
/// memory cap into an unnamed temporary file (a spooled file, rolled to disk at once).
pub struct ResultWriter {
    out: zstd::stream::write::Encoder<'static, BufWriter<SpooledTempFile>>,
    dir: PathBuf,
}

/// zstd's fastest level: compressing costs a few percent of the flag pass.
const LEVEL: i32 = 1;

/// Buffers between zstd and the spooled file.
const BUFFER: usize = 1 << 20;

impl ResultWriter {
    /// Results held in memory (`spill` false), or in an unnamed temporary file in `temp_dir`
    /// (the system's temporary folder by default).
    pub fn new(spill: bool, temp_dir: Option<&Path>) -> Result<ResultWriter> {
        let dir = temp_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let file = if spill {
            let mut file = SpooledTempFile::new_in(0, &dir);
            // On disk from the start, so that a folder it cannot use fails here.
            file.roll().map_err(|e| spill_error(&dir, e))?;
            file
        } else {
            SpooledTempFile::new(usize::MAX)
        };
        let out = zstd::stream::write::Encoder::new(BufWriter::with_capacity(BUFFER, file), LEVEL)
            .map_err(|e| spill_error(&dir, e))?;
        Ok(ResultWriter { out, dir })
    }

    /// Appends one record made by [`encode`].
    pub fn write(&mut self, record: &[u8]) -> Result<()> {
        let mut len = [0u8; 10];
        let n = put_varint(&mut len, record.len() as u64);
        self.out
            .write_all(&len[..n])
            .and_then(|()| self.out.write_all(record))
            .map_err(|e| spill_error(&self.dir, e))
    }

    /// Ends writing; the reader starts at the first record.
    pub fn into_reader(self) -> Result<ResultReader> {
        let dir = self.dir;
        let buffered = self.out.finish().map_err(|e| spill_error(&dir, e))?;
        let mut file = buffered.into_inner().map_err(|e| spill_error(&dir, e.into_error()))?;
        file.rewind().map_err(|e| spill_error(&dir, e))?;
        let input =
            zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(BUFFER, file))
                .map_err(|e| spill_error(&dir, e))?;
        Ok(ResultReader { input, dir, record: Vec::new() })
    }
}

/// Reads the records back, in the order they were written.
pub struct ResultReader {
    input: zstd::stream::read::Decoder<'static, BufReader<SpooledTempFile>>,
    dir: PathBuf,
    record: Vec<u8>,
}

impl ResultReader {
    /// The next document's sequence number and result.
    pub fn next_result(&mut self) -> Result<(u64, DocResult)> {
        let len = read_varint(&mut self.input).map_err(|e| spill_error(&self.dir, e))?;
        self.record.resize(len as usize, 0);
        self.input.read_exact(&mut self.record).map_err(|e| spill_error(&self.dir, e))?;
        decode(&self.record).ok_or_else(|| {
            spill_error(
                &self.dir,
                io::Error::new(io::ErrorKind::InvalidData, "a damaged record of scan results"),
            )
        })
    }
}

/// The file has no name of its own: errors name its folder.
fn spill_error(dir: &Path, source: io::Error) -> Error {
    Error::Spill { path: dir.to_path_buf(), what: "scan results in a temporary file in", source }
}

/// Encodes the result of the document with sequence number `seq` (all of it but its
/// duplicate cluster, which is settled later) into `out`.
pub fn encode(seq: u64, r: &DocResult, out: &mut Vec<u8>) {
    out.clear();
    put(out, seq);
    put(out, u64::from(r.lines));
    put(out, u64::from(r.non_blank_lines));
    put(out, r.bytes);
    put(out, r.boilerplate_bytes);
    put(out, u64::from(r.boilerplate_lines));
    out.push(paywall_code(r.classes.paywall));
    put_classes(out, &r.classes.classes);
    match r.classes.cut {
        None => out.push(0),
        Some(cut) => {
            out.push(1);
            put(out, cut.kept_before);
            put(out, cut.kept_after);
        }
    }
    // One more than the offset, 0 for none: the varint of a document never cut is one byte.
    put(out, r.unflagged_from.map_or(0, |at| at + 1));
    put(out, r.spans.len() as u64);
    for s in &r.spans {
        for v in [s.first_line, s.last_line] {
            put(out, u64::from(v));
        }
        put(out, s.start as u64);
        put(out, s.end as u64);
        out.push(s.kind as u8);
        for v in [s.docs, s.sites, s.lines, s.context_lines, s.outside_body_lines] {
            put(out, u64::from(v));
        }
        out.push(s.class as u8);
        put_classes(out, &s.also);
        out.extend_from_slice(&s.template.0.to_le_bytes());
        put(out, s.parts.len() as u64);
        for p in &s.parts {
            put(out, u64::from(p.first_line));
            put(out, u64::from(p.last_line));
            put(out, p.start as u64);
            put(out, p.end as u64);
            out.push(p.kind as u8);
            put(out, u64::from(p.lines));
            out.extend_from_slice(&p.key.0.to_le_bytes());
            out.push(p.class as u8);
            out.extend_from_slice(&p.template.0.to_le_bytes());
            match &p.masked {
                None => out.push(0),
                Some(t) => {
                    out.push(1);
                    out.extend_from_slice(&t.id.0.to_le_bytes());
                    put_str(out, &t.text);
                    put(out, t.fillers.len() as u64);
                    for f in &t.fillers {
                        put_str(out, f);
                    }
                }
            }
        }
    }
}

/// The sequence number and result [`encode`] wrote; `None` for bytes it did not write.
pub fn decode(bytes: &[u8]) -> Option<(u64, DocResult)> {
    let mut d = Decoder { bytes, at: 0 };
    let seq = d.u64()?;
    let lines = d.u32()?;
    let non_blank_lines = d.u32()?;
    let bytes_len = d.u64()?;
    let boilerplate_bytes = d.u64()?;
    let boilerplate_lines = d.u32()?;
    let paywall = match d.byte()? {
        0 => PaywallStatus::None,
        1 => PaywallStatus::Teaser,
        2 => PaywallStatus::Truncated,
        _ => return None,
    };
    let classes = d.classes()?;
    let cut = match d.byte()? {
        0 => None,
        1 => Some(PaywallCut { kept_before: d.u64()?, kept_after: d.u64()? }),
        _ => return None,
    };
    let unflagged_from = d.u64()?.checked_sub(1);
    let n_spans = d.len()?;
    let mut spans = Vec::with_capacity(n_spans);
    for _ in 0..n_spans {
        let first_line = d.u32()?;
        let last_line = d.u32()?;
        let start = d.usize()?;
        let end = d.usize()?;
        let kind = *[SpanKind::CrossPage, SpanKind::WithinPage, SpanKind::SinglePage]
            .get(usize::from(d.byte()?))?;
        let docs = d.u32()?;
        let sites = d.u32()?;
        let lines = d.u32()?;
        let context_lines = d.u32()?;
        let outside_body_lines = d.u32()?;
        let class = d.class()?;
        let also = d.classes()?;
        let template = TemplateId(d.fixed()?);
        let n_parts = d.len()?;
        let mut parts = Vec::with_capacity(n_parts);
        for _ in 0..n_parts {
            let first_line = d.u32()?;
            let last_line = d.u32()?;
            let start = d.usize()?;
            let end = d.usize()?;
            let kind = *[
                PartKind::CrossPage,
                PartKind::WithinPage,
                PartKind::Context,
                PartKind::OutsideBody,
                PartKind::SinglePage,
            ]
            .get(usize::from(d.byte()?))?;
            let lines = d.u32()?;
            let key = BlockHash(d.fixed()?);
            let class = d.class()?;
            let template = TemplateId(d.fixed()?);
            let masked = match d.byte()? {
                0 => None,
                1 => {
                    let id = TemplateId(d.fixed()?);
                    let text = d.string()?;
                    let n = d.len()?;
                    let mut fillers = Vec::with_capacity(n);
                    for _ in 0..n {
                        fillers.push(d.string()?);
                    }
                    Some(Arc::new(Template { id, text, fillers }))
                }
                _ => return None,
            };
            parts.push(SpanPart {
                first_line,
                last_line,
                start,
                end,
                kind,
                lines,
                key,
                class,
                template,
                masked,
            });
        }
        spans.push(Span {
            first_line,
            last_line,
            start,
            end,
            kind,
            docs,
            sites,
            lines,
            context_lines,
            outside_body_lines,
            class,
            also,
            template,
            parts,
        });
    }
    if d.at != d.bytes.len() {
        return None;
    }
    let result = DocResult {
        lines,
        non_blank_lines,
        bytes: bytes_len,
        boilerplate_bytes,
        boilerplate_lines,
        spans,
        classes: DocClasses { paywall, classes, cut },
        duplicate: None,
        unflagged_from,
    };
    Some((seq, result))
}

fn paywall_code(p: PaywallStatus) -> u8 {
    match p {
        PaywallStatus::None => 0,
        PaywallStatus::Teaser => 1,
        PaywallStatus::Truncated => 2,
    }
}

/// LEB128: seven bits a byte, low bits first.
fn put(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 10];
    let n = put_varint(&mut buf, v);
    out.extend_from_slice(&buf[..n]);
}

/// Writes `v` as LEB128 at the start of `buf`; returns the bytes written.
fn put_varint(buf: &mut [u8; 10], mut v: u64) -> usize {
    let mut n = 0;
    while v >= 0x80 {
        buf[n] = v as u8 | 0x80;
        v >>= 7;
        n += 1;
    }
    buf[n] = v as u8;
    n + 1
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_classes(out: &mut Vec<u8>, classes: &[Class]) {
    put(out, classes.len() as u64);
    out.extend(classes.iter().map(|&c| c as u8));
}

fn read_varint(r: &mut impl Read) -> io::Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let mut b = [0u8];
        r.read_exact(&mut b)?;
        v |= u64::from(b[0] & 0x7f) << shift;
        if b[0] < 0x80 {
            return Ok(v);
        }
    }
    Err(io::Error::new(io::ErrorKind::InvalidData, "a length of more than 64 bits"))
}

/// Reads what [`encode`] wrote; every read is `None` past the end or on a bad value.
struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Decoder<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn u64(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        self.u64()?.try_into().ok()
    }

    fn usize(&mut self) -> Option<usize> {
        self.u64()?.try_into().ok()
    }

    /// A count of items that follow, each at least a byte: never more than the bytes left.
    fn len(&mut self) -> Option<usize> {
        self.usize().filter(|&n| n <= self.bytes.len() - self.at)
    }

    fn fixed(&mut self) -> Option<u64> {
        let b = self.bytes.get(self.at..self.at + 8)?;
        self.at += 8;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }

    fn class(&mut self) -> Option<Class> {
        Class::ALL.get(usize::from(self.byte()?)).copied()
    }

    fn classes(&mut self) -> Option<Vec<Class>> {
        let n = self.len()?;
        (0..n).map(|_| self.class()).collect()
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        let s = std::str::from_utf8(&self.bytes[self.at..self.at + n]).ok()?.to_string();
        self.at += n;
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Document;
    use crate::pipeline::{scan, ScanConfig};
    use crate::progress::NoProgress;
    use crate::result::DocSink;

    /// Every result of a scan of the sample crawl, as its sinks see it.
    fn sample_results() -> Vec<(u64, DocResult)> {
        struct Keep(Vec<(u64, DocResult)>);
        impl DocSink for Keep {
            fn document(&mut self, doc: &Document, result: &DocResult) -> Result<()> {
                self.0.push((doc.seq.0, result.clone()));
                Ok(())
            }
        }
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut keep = Keep(Vec::new());
        scan(&[corpus], &ScanConfig::default(), &NoProgress, &mut [&mut keep]).unwrap();
        keep.0
    }

    /// What [`decode`] must give back: all of a result but its duplicate cluster.
    fn without_cluster(r: &DocResult) -> String {
        format!("{:?}", DocResult { duplicate: None, ..r.clone() })
    }

    #[test]
    fn results_of_the_sample_crawl_come_back_as_they_were_written() {
        let results = sample_results();
        assert!(results.iter().any(|(_, r)| r.classes.cut.is_some()), "a paywalled page");
        assert!(results.iter().any(|(_, r)| r.spans.iter().any(|s| s.parts.len() > 1)));
        for spill in [false, true] {
            round_trip(&results, ResultWriter::new(spill, None).unwrap());
        }
    }

    fn round_trip(results: &[(u64, DocResult)], mut writer: ResultWriter) {
        let mut record = Vec::new();
        for (seq, r) in results {
            encode(*seq, r, &mut record);
            writer.write(&record).unwrap();
        }
        let mut reader = writer.into_reader().unwrap();
        for (seq, r) in results {
            let (got_seq, got) = reader.next_result().unwrap();
            assert_eq!(got_seq, *seq);
            assert_eq!(without_cluster(&got), without_cluster(r));
        }
        let past_end = reader.next_result().expect_err("no record past the last");
        let want = "scan results in a temporary file in";
        assert!(past_end.to_string().starts_with(want), "{past_end}");
    }

    /// Every kind, class and paywall status has a code that decodes to itself.
    #[test]
    fn every_enum_value_round_trips() {
        let (_, mut r) = sample_results().into_iter().find(|(_, r)| !r.spans.is_empty()).unwrap();
        let span = r.spans[0].clone();
        for class in Class::ALL {
            for kind in [SpanKind::CrossPage, SpanKind::WithinPage, SpanKind::SinglePage] {
                let mut s = span.clone();
                (s.class, s.kind, s.also) = (class, kind, vec![class]);
                r.spans = vec![s];
                for paywall in
                    [PaywallStatus::None, PaywallStatus::Teaser, PaywallStatus::Truncated]
                {
                    r.classes.paywall = paywall;
                    let mut record = Vec::new();
                    encode(7, &r, &mut record);
                    let (_, back) = decode(&record).unwrap();
                    assert_eq!(without_cluster(&back), without_cluster(&r));
                }
            }
        }
        let part = r.spans[0].parts[0].clone();
        for kind in [
            PartKind::CrossPage,
            PartKind::WithinPage,
            PartKind::Context,
            PartKind::OutsideBody,
            PartKind::SinglePage,
        ] {
            r.spans[0].parts = vec![SpanPart { kind, ..part.clone() }];
            let mut record = Vec::new();
            encode(7, &r, &mut record);
            assert_eq!(without_cluster(&decode(&record).unwrap().1), without_cluster(&r));
        }
    }

    proptest::proptest! {
        /// A truncated or damaged record decodes to `None` or to some result, never a panic.
        #[test]
        fn damaged_records_never_panic(cut in 0usize..400, flip in 0usize..400, bit in 0u8..8) {
            let results = SAMPLE.with(|s| s.clone());
            let (seq, r) = &results[cut % results.len()];
            let mut record = Vec::new();
            encode(*seq, r, &mut record);
            let mut damaged = record.clone();
            if !damaged.is_empty() {
                let i = flip % damaged.len();
                damaged[i] ^= 1 << bit;
            }
            let _ = decode(&damaged);
            let _ = decode(&record[..cut.min(record.len())]);
            if cut < record.len() {
                proptest::prop_assert!(decode(&record[..cut]).is_none());
            }
        }
    }

    thread_local! {
        static SAMPLE: Vec<(u64, DocResult)> = sample_results();
    }
}
