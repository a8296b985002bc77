//! WARC and WET files (`.warc`, `.warc.gz` with one gzip member per record, `.wet`,
//! `.wet.gz`, or any file whose decompressed bytes start with `WARC/`).
//!
//! A `response` record holding an HTTP response with a 2xx status and an HTML content type
//! becomes a document: the HTTP headers are stripped, a chunked transfer encoding is undone,
//! the payload is decoded by its charset and turned into text lines by [`super::html`]. A
//! `conversion` record (WET) is text already and is taken as it is. Every other record
//! (`warcinfo`, `request`, `metadata`, `resource`, `revisit`, responses that are not HTML or
//! not 2xx) is skipped and counted. The id is the `WARC-Record-ID`, the URL the
//! `WARC-Target-URI`, and the site the URL's registrable domain.
//!
//! A malformed record (no version line, a header without a length, a length that is not a
//! number or is over [`MAX_RECORD_BYTES`], a length running past the end of the file, a
//! truncated gzip member) is an [`InputProblem`] naming the file, the record's number (1-based,
//! every record counted) and its byte offset in the decompressed stream. Documents read
//! before it are kept; the reader then looks for the next line starting with `WARC/` and goes
//! on from there. So it does after a corrupt gzip member, which [`super::gzip`] steps over to
//! the next member (the problem names the compressed bytes skipped; offsets after it count
//! the decompressed bytes read, without the lost member's); any other read error ends the
//! file.

use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::html::{decode, html_to_text};
use super::{site::registrable_domain, InputFile, InputProblem, Item};
use crate::doc::{DocId, Document, SourceRef};

/// Larger records are reported and skipped, never read into memory.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;
/// A header line longer than this is cut (the rest is read and dropped).
const MAX_LINE_BYTES: usize = 64 << 10;
/// A record header with more lines than this is malformed.
const MAX_HEADER_LINES: usize = 1024;

/// Whether decompressed bytes look like the start of a WARC file.
pub fn is_warc(head: &[u8]) -> bool {
    head.starts_with(b"WARC/")
}

/// Reads one WARC or WET file.
pub struct WarcReader {
    file: InputFile,
    reader: Box<dyn BufRead + Send>,
    /// Bytes consumed so far from the decompressed stream.
    offset: u64,
    /// Records met so far (the number of the one being read).
    record_no: u64,
    done: bool,
    /// A version line met while looking for the next record, not yet read as one.
    resync_line: Option<Vec<u8>>,
    /// A corrupt gzip member was stepped over: look for the next record first.
    resync_pending: bool,
    /// A corrupt gzip member met while looking for the next record, to report next.
    resync_error: Option<io::Error>,
    skipped: Arc<AtomicU64>,
    /// Records with a longer Content-Length are reported and skipped.
    max_record_bytes: u64,
}

/// A record's header fields, names lower-cased.
struct Header {
    fields: Vec<(String, String)>,
}

impl Header {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What a record turned out to be.
enum Record {
    Document(Document),
    Skipped,
    Problem(InputProblem),
}

impl WarcReader {
    /// `skipped` counts the records that are not documents (shared by every reader of a run).
    pub fn new(file: InputFile, reader: Box<dyn BufRead + Send>, skipped: Arc<AtomicU64>) -> Self {
        WarcReader {
            file,
            reader,
            offset: 0,
            record_no: 0,
            done: false,
            resync_line: None,
            resync_pending: false,
            resync_error: None,
            skipped,
            max_record_bytes: MAX_RECORD_BYTES,
        }
    }

    /// Lowers the record cap below [`MAX_RECORD_BYTES`] (`--max-record-bytes`); it is never
    /// raised above it, since a record is parsed as HTML whole.
    pub fn with_max_record_bytes(mut self, max: u64) -> Self {
        self.max_record_bytes = max.min(MAX_RECORD_BYTES);
        self
    }

    fn problem(&self, offset: u64, message: impl Into<String>) -> InputProblem {
        InputProblem::new(&self.file.display, self.record_no, offset, message)
    }

    /// Reads one line (with its `\n`), keeping at most [`MAX_LINE_BYTES`] of it. Returns the
    /// bytes consumed (0 at the end).
    fn read_line(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        line.clear();
        let mut consumed = 0;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let (take, found) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            let room = MAX_LINE_BYTES.saturating_sub(line.len());
            line.extend_from_slice(&buf[..take.min(room)]);
            self.reader.consume(take);
            consumed += take;
            if found {
                break;
            }
        }
        self.offset += consumed as u64;
        Ok(consumed)
    }

    /// Skips lines until one starts a record; it is kept for the next call of [`Self::next`].
    /// Returns `Err` on a read error, `Ok(false)` at the end of the file.
    fn resync(&mut self) -> io::Result<bool> {
        let mut line = Vec::new();
        loop {
            let start = self.offset;
            if self.read_line(&mut line)? == 0 {
                return Ok(false);
            }
            if is_warc(&line) {
                self.resync_line = Some(std::mem::take(&mut line));
                // The version line's offset: where the next record starts.
                self.offset = start;
                return Ok(true);
            }
        }
    }

    /// Reads the next record. `None` at the end of the file.
    fn read_record(&mut self) -> Option<Record> {
        if let Some(e) = self.resync_error.take() {
            return Some(self.read_failed(self.offset, e));
        }
        if std::mem::take(&mut self.resync_pending) {
            match self.resync() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(self.read_failed(self.offset, e)),
            }
        }
        let mut line = Vec::new();
        // The version line, after any blank lines between records.
        let start = loop {
            if let Some(version) = self.resync_line.take() {
                let start = self.offset;
                self.offset += version.len() as u64;
                line = version;
                break start;
            }
            let start = self.offset;
            match self.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) if line.trim_ascii().is_empty() => continue,
                Ok(_) => break start,
                Err(e) => {
                    self.record_no += 1;
                    return Some(self.read_failed(start, e));
                }
            }
        };
        self.record_no += 1;
        if !is_warc(&line) {
            return Some(
                self.bad_record(start, "no WARC/ version line where a record should start"),
            );
        }
        let header = match self.read_header() {
            Ok(Some(h)) => h,
            Ok(None) => {
                self.done = true;
                return Some(Record::Problem(
                    self.problem(start, "file ends inside a record header"),
                ));
            }
            Err(HeaderError::Io(e)) => return Some(self.read_failed(start, e)),
            Err(HeaderError::Malformed(why)) => return Some(self.bad_record(start, why)),
        };
        let length = match header.get("content-length") {
            None => return Some(self.bad_record(start, "no Content-Length")),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) => n,
                Err(_) => {
                    return Some(
                        self.bad_record(start, format!("Content-Length {v:?} is not a number")),
                    )
                }
            },
        };
        if length > self.max_record_bytes {
            let max = self.max_record_bytes;
            return Some(self.bad_record(
                start,
                format!("Content-Length {length} is over the limit of {max} bytes"),
            ));
        }
        // Never trust the length for the allocation: read what is there.
        let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
        match (&mut self.reader).take(length).read_to_end(&mut block) {
            Ok(n) => {
                self.offset += n as u64;
                if (n as u64) < length {
                    self.done = true;
                    return Some(Record::Problem(self.problem(
                        start,
                        format!("Content-Length {length} runs past the end of the file ({n} bytes left)"),
                    )));
                }
            }
            Err(e) => return Some(self.read_failed(start, e)),
        }
        Some(self.record(start, &header, block))
    }

    /// Reports a read error. After a corrupt gzip member that was stepped over, the next
    /// record is looked for in what follows; any other read error ends the file.
    fn read_failed(&mut self, start: u64, e: io::Error) -> Record {
        if super::gzip::is_resumable(&e) {
            self.resync_pending = true;
        } else {
            self.done = true;
        }
        Record::Problem(self.problem(start, format!("read failed: {e}")))
    }

    /// Reports a malformed record and looks for the next one.
    fn bad_record(&mut self, start: u64, why: impl Into<String>) -> Record {
        let problem = self.problem(start, why);
        match self.resync() {
            Ok(true) => {}
            Ok(false) => self.done = true,
            // Reported at the next call.
            Err(e) if super::gzip::is_resumable(&e) => self.resync_error = Some(e),
            Err(_) => self.done = true,
        }
        Record::Problem(problem)
    }

    /// Reads header lines up to the blank line. `Ok(None)` when the file ends first.
    fn read_header(&mut self) -> Result<Option<Header>, HeaderError> {
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut line = Vec::new();
        for _ in 0..MAX_HEADER_LINES {
            if self.read_line(&mut line).map_err(HeaderError::Io)? == 0 {
                return Ok(None);
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                return Ok(Some(Header { fields }));
            }
            if text.starts_with([' ', '\t']) {
                // A folded continuation of the previous field.
                match fields.last_mut() {
                    Some((_, value)) => {
                        value.push(' ');
                        value.push_str(text.trim());
                    }
                    None => {
                        return Err(HeaderError::Malformed(
                            "header starts with a continuation line".into(),
                        ))
                    }
                }
                continue;
            }
            match text.split_once(':') {
                Some((name, value)) => {
                    fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()))
                }
                None if is_warc(text.as_bytes()) => {
                    // The next record began before this one's header ended.
                    self.offset -= line.len() as u64;
                    self.resync_line = Some(line);
                    return Err(HeaderError::Malformed("header ends without a blank line".into()));
                }
                None => {
                    let shown: String = text.chars().take(60).collect();
                    return Err(HeaderError::Malformed(format!(
                        "header line without a colon: {shown:?}"
                    )));
                }
            }
        }
        Err(HeaderError::Malformed(format!("header longer than {MAX_HEADER_LINES} lines")))
    }

    /// Turns a whole record into a document, or says why not.
    fn record(&self, start: u64, header: &Header, block: Vec<u8>) -> Record {
        let kind = header.get("warc-type").unwrap_or("").to_ascii_lowercase();
        let text = match kind.as_str() {
            "response" => match http_html(&block) {
                Some(text) => text.into_bytes(),
                None => return Record::Skipped,
            },
            "conversion" => block,
            _ => return Record::Skipped,
        };
        let url = header.get("warc-target-uri").map(|u| {
            let u = u.trim();
            u.strip_prefix('<').and_then(|u| u.strip_suffix('>')).unwrap_or(u).to_string()
        });
        let id = header
            .get("warc-record-id")
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}:{}", self.file.display, self.record_no));
        let site = url.as_deref().and_then(registrable_domain).unwrap_or_default();
        Record::Document(Document {
            seq: DocId(0),
            id,
            site,
            url,
            text,
            source: SourceRef {
                file: self.file.display.clone(),
                record: self.record_no,
                offset: start,
            },
            record: None,
        })
    }
}

enum HeaderError {
    Io(io::Error),
    Malformed(String),
}

impl Iterator for WarcReader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while !self.done {
            match self.read_record() {
                None => self.done = true,
                Some(Record::Document(doc)) => return Some(Ok(doc)),
                Some(Record::Problem(p)) => return Some(Err(p)),
                Some(Record::Skipped) => {
                    self.skipped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        None
    }
}

/// The text of an HTTP response block when it is a 2xx HTML page.
fn http_html(block: &[u8]) -> Option<String> {
    if !block.starts_with(b"HTTP/") {
        return None;
    }
    // Some archives end the HTTP header with bare `\n\n` (ClueWeb09): take whichever comes first.
    let crlf = memchr::memmem::find(block, b"\r\n\r\n").map(|i| (i, i + 4));
    let lf = memchr::memmem::find(block, b"\n\n").map(|i| (i, i + 2));
    let (head_end, body_start) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if a.0 <= b.0 {
                a
            } else {
                b
            }
        }
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => (block.len(), block.len()),
    };
    let head = String::from_utf8_lossy(&block[..head_end]);
    let mut lines = head.lines();
    let status: u16 = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    if !(200..300).contains(&status) {
        return None;
    }
    let mut content_type = None;
    let mut chunked = false;
    let mut gzipped = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        let value = value.trim().to_ascii_lowercase();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value),
            "transfer-encoding" => chunked |= value.contains("chunked"),
            "content-encoding" => gzipped |= value.contains("gzip") || value.contains("deflate"),
            _ => {}
        }
    }
    let mut body = &block[body_start..];
    let dechunked;
    if chunked {
        if let Some(b) = dechunk(body) {
            dechunked = b;
            body = &dechunked;
        }
    }
    let inflated;
    // Archives often store the payload already decoded while keeping the header: only a body
    // that really starts with gzip's magic bytes is inflated.
    if gzipped && body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let decoder = flate2::read::MultiGzDecoder::new(body);
        if decoder.take(MAX_RECORD_BYTES).read_to_end(&mut out).is_ok() {
            inflated = out;
            body = &inflated;
        }
    }
    let charset = match content_type.as_deref() {
        Some(ct) => {
            let mime = ct.split(';').next().unwrap_or("").trim();
            if mime != "text/html" && mime != "application/xhtml+xml" {
                return None;
            }
            ct.split(';').skip(1).find_map(|p| {
                let (k, v) = p.split_once('=')?;
                (k.trim() == "charset").then(|| v.trim().trim_matches(['"', '\'']).to_string())
            })
        }
        // No content type: HTML only if it looks like it.
        None => {
            let start = body.trim_ascii_start();
            let head = start[..start.len().min(15)].to_ascii_lowercase();
            if !(head.starts_with(b"<!doctype html") || head.starts_with(b"<html")) {
                return None;
            }
            None
        }
    };
    Some(html_to_text(&decode(body, charset.as_deref())))
}

/// Undoes HTTP/1.1 chunked transfer encoding; `None` if the body is not well-formed chunks.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let eol = memchr::memchr(b'\n', body)?;
        let size_line = std::str::from_utf8(&body[..eol]).ok()?.trim();
        let size_hex = size_line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        body = &body[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        // A last chunk cut short is kept: the archive may have stopped the transfer.
        let take = size.min(body.len());
        out.extend_from_slice(&body[..take]);
        body = &body[take..];
        if body.is_empty() {
            return Some(out);
        }
        body = body.strip_prefix(b"\r\n").or_else(|| body.strip_prefix(b"\n")).unwrap_or(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Format;
    use std::io::Write;

    /// One record: version line, headers, the block, and the two CRLFs that end it.
    pub fn record(kind: &str, uri: &str, id: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <{id}>\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn read(bytes: Vec<u8>) -> (Vec<Item>, u64) {
        let file = InputFile {
            path: "t.warc".into(),
            display: "t.warc".into(),
            relative: String::new(),
            format: Format::Warc,
        };
        let reader = crate::input::decompress::wrap(io::Cursor::new(bytes)).unwrap();
        let skipped = Arc::new(AtomicU64::new(0));
        let items = WarcReader::new(file, reader, Arc::clone(&skipped)).collect();
        (items, skipped.load(Ordering::Relaxed))
    }

    fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for r in records {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(r).unwrap();
            out.extend(gz.finish().unwrap());
        }
        out
    }

    fn sample() -> Vec<Vec<u8>> {
        let page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
            <html><body><nav>Home</nav><p>Ferry back on route.</p></body></html>";
        vec![
            record("warcinfo", "", "urn:uuid:0", "application/warc-fields", b"software: t\r\n"),
            record(
                "request",
                "https://news.example.co.uk/a",
                "urn:uuid:1",
                "application/http; msgtype=request",
                b"GET /a HTTP/1.1\r\nHost: news.example.co.uk\r\n\r\n",
            ),
            record(
                "response",
                "https://news.example.co.uk/a",
                "urn:uuid:2",
                "application/http; msgtype=response",
                page,
            ),
            record(
                "conversion",
                "<https://b.example.org/x>",
                "urn:uuid:3",
                "text/plain",
                b"Line one\nLine two\n",
            ),
            record(
                "response",
                "https://news.example.co.uk/img.png",
                "urn:uuid:4",
                "application/http; msgtype=response",
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
            ),
            record(
                "response",
                "https://news.example.co.uk/gone",
                "urn:uuid:5",
                "application/http; msgtype=response",
                b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>gone</p>",
            ),
        ]
    }

    #[test]
    fn responses_and_conversions_become_documents() {
        for bytes in [sample().concat(), gzip_members(&sample())] {
            let (items, skipped) = read(bytes);
            assert_eq!(items.len(), 2, "{items:?}");
            let doc = items[0].as_ref().unwrap();
            assert_eq!(doc.id, "<urn:uuid:2>");
            assert_eq!(doc.url.as_deref(), Some("https://news.example.co.uk/a"));
            assert_eq!(doc.site, "example.co.uk");
            assert_eq!(doc.text, b"Home\nFerry back on route.\n");
            assert_eq!(doc.source.record, 3);
            let wet = items[1].as_ref().unwrap();
            assert_eq!(wet.text, b"Line one\nLine two\n");
            assert_eq!(wet.site, "example.org");
            assert_eq!(skipped, 4, "warcinfo, request, a PNG and a 404");
        }
    }

    #[test]
    fn length_past_the_end_keeps_what_came_before() {
        let mut records = sample();
        let offset: usize = records.iter().map(Vec::len).sum();
        let mut cut = record("conversion", "https://c.example/", "urn:uuid:9", "text/plain", b"x");
        let cut_text = String::from_utf8(cut.clone()).unwrap().replace("Length: 1", "Length: 500");
        cut = cut_text.into_bytes();
        records.push(cut);
        let (items, _) = read(records.concat());
        assert_eq!(items.len(), 3);
        let p = items[2].as_ref().unwrap_err();
        assert_eq!((p.source_ref.record, p.source_ref.offset), (7, offset as u64));
        assert!(p.message.contains("runs past the end"), "{}", p.message);
    }

    #[test]
    fn malformed_headers_are_problems_and_reading_resyncs() {
        let good =
            record("conversion", "https://a.example/", "urn:uuid:1", "text/plain", b"good\n");
        let mut bytes = b"garbage before\r\n".to_vec();
        let after_garbage = bytes.len();
        bytes.extend(
            String::from_utf8(good.clone()).unwrap().replace("Length: 5", "Length: five").bytes(),
        );
        let big = bytes.len();
        bytes.extend(
            String::from_utf8(good.clone())
                .unwrap()
                .replace("Length: 5", "Length: 99999999999")
                .bytes(),
        );
        bytes.extend(b"WARC/1.0\r\nnot a header\r\n\r\n");
        bytes.extend(&good);
        let (items, _) = read(bytes);
        let messages: Vec<String> = items
            .iter()
            .map(|i| match i {
                Ok(d) => String::from_utf8_lossy(&d.text).into_owned(),
                Err(p) => {
                    format!("{} @{}: {}", p.source_ref.record, p.source_ref.offset, p.message)
                }
            })
            .collect();
        assert_eq!(messages.len(), 5, "{messages:?}");
        assert!(messages[0].starts_with("1 @0: no WARC/"), "{messages:?}");
        assert!(messages[1].starts_with(&format!("2 @{after_garbage}: Content-Length \"five\"")));
        assert!(messages[2].starts_with(&format!("3 @{big}: Content-Length 99999999999 is over")));
        assert!(messages[3].contains("without a colon"), "{messages:?}");
        assert_eq!(messages[4], "good\n");
    }

    #[test]
    fn truncated_gzip_member_is_a_problem_after_the_good_ones() {
        let mut bytes = gzip_members(&sample());
        let last = gzip_members(&[record(
            "conversion",
            "https://c.example/",
            "urn:uuid:9",
            "text/plain",
            &b"word ".repeat(5000),
        )]);
        bytes.extend(&last[..last.len() / 2]);
        let (items, _) = read(bytes);
        assert_eq!(items.len(), 3);
        assert!(items[..2].iter().all(Result::is_ok));
        let p = items[2].as_ref().unwrap_err();
        assert_eq!(p.source_ref.record, 7);
    }

    #[test]
    fn http_quirks() {
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n\
            5\r\n<p>ab\r\n6\r\nc</p>x\r\n0\r\n\r\n";
        assert_eq!(http_html(chunked).unwrap(), "abc\nx\n");
        let bare_lf =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\n\n<p>plain</p>";
        assert_eq!(http_html(bare_lf).unwrap(), "plain\n");
        let no_type = b"HTTP/1.0 200 OK\r\n\r\n<!DOCTYPE html><p>sniffed</p>";
        assert_eq!(http_html(no_type).unwrap(), "sniffed\n");
        assert_eq!(http_html(b"HTTP/1.1 301 Moved\r\n\r\n"), None);
        assert_eq!(http_html(b"garbage"), None);
        assert_eq!(http_html(b"HTTP/1.1 abc\r\n\r\n"), None);
        assert_eq!(dechunk(b"zz\r\n"), None);
    }
}
