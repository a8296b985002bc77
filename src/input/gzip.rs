//! gzip, member after member, stepping over a member that does not decode.
//!
//! Crawlers write a `.warc.gz` as one gzip member per record, so that a reader can seek to a
//! record and a bad sector costs one record. flate2's `MultiGzDecoder` stops at the first
//! corrupt member, and every record after it was lost. [`GzipMembers`] decodes the members
//! itself (header, raw deflate, CRC-32 and length trailer); when one fails it looks for the
//! next member header (`1f 8b 08`) and goes on from there. The failure is returned once, as
//! an [`io::Error`] holding a [`CorruptGzip`] with the compressed byte span that was skipped;
//! the reader after it is readable again (see [`is_resumable`]), and a reader of records
//! reports the error and looks for its next record. A stream cut short inside a member (a
//! truncated download) is an error with nothing after it.

use std::io::{self, Read};

use flate2::{Crc, Decompress, FlushDecompress, Status};

/// Bytes of compressed input held at a time.
const BUFFER_BYTES: usize = 64 * 1024;

/// The start of every gzip member: magic and the deflate method.
const MEMBER_START: [u8; 3] = [0x1f, 0x8b, 0x08];

/// A corrupt member, stepped over.
#[derive(Debug)]
pub struct CorruptGzip {
    /// Compressed byte offset of the member that failed.
    pub start: u64,
    /// Compressed byte offset where reading resumed (the next member), or `None` when no
    /// member followed.
    pub resumed_at: Option<u64>,
    /// What was wrong.
    pub why: String,
}

impl std::fmt::Display for CorruptGzip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.resumed_at {
            Some(end) => write!(
                f,
                "corrupt gzip member at compressed bytes {}..{end} ({}); {} compressed bytes \
                 skipped, reading resumed at the next member",
                self.start,
                self.why,
                end - self.start
            ),
            None => write!(
                f,
                "corrupt gzip member at compressed byte {} ({}); no member after it",
                self.start, self.why
            ),
        }
    }
}

impl std::error::Error for CorruptGzip {}

/// Whether a read error left the stream readable: a corrupt gzip member stepped over, with
/// more members after it.
pub fn is_resumable(e: &io::Error) -> bool {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<CorruptGzip>())
        .is_some_and(|c| c.resumed_at.is_some())
}

enum State {
    /// At a member header (or the end of the stream).
    Header,
    Body,
    Trailer,
    Done,
    /// Cut short: every read after gives the same error, as flate2's decoders do, so that a
    /// caller that only peeked at the stream still meets it.
    CutShort(String),
}

/// Decompresses concatenated gzip members (see the module docs).
pub struct GzipMembers<R> {
    inner: R,
    buf: Vec<u8>,
    /// `buf[start..end]` is compressed input not yet consumed.
    start: usize,
    end: usize,
    eof: bool,
    /// Compressed bytes consumed before `buf[start]`.
    pos: u64,
    member_start: u64,
    state: State,
    inflate: Decompress,
    crc: Crc,
}

impl<R: Read> GzipMembers<R> {
    pub fn new(inner: R) -> Self {
        GzipMembers {
            inner,
            buf: vec![0; BUFFER_BYTES],
            start: 0,
            end: 0,
            eof: false,
            pos: 0,
            member_start: 0,
            state: State::Header,
            inflate: Decompress::new(false),
            crc: Crc::new(),
        }
    }

    fn available(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.pos += n as u64;
    }

    /// Reads more input after what is held (moved to the front). Returns false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        // Consumed bytes are dropped only when the buffer is full, so that a corrupt member's
        // start is often still held, to look for the next header from there.
        if self.start > 0 && self.end == self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            // A header field longer than the buffer: give it room.
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Fills until at least `n` bytes are held. Returns false when the stream ends first.
    fn want(&mut self, n: usize) -> io::Result<bool> {
        while self.available().len() < n {
            if !self.fill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The length of the member header held at `start`: `Ok(None)` when the stream ends
    /// inside it, `Err` with why when it is not a gzip header.
    fn header_len(&mut self) -> io::Result<Result<Option<usize>, String>> {
        if !self.want(10)? {
            return Ok(Ok(None));
        }
        let head = self.available();
        if head[..3] != MEMBER_START {
            return Ok(Err("not a gzip member header".into()));
        }
        let flags = head[3];
        if flags & 0xe0 != 0 {
            return Ok(Err("reserved header flags set".into()));
        }
        let mut len = 10;
        if flags & 0x04 != 0 {
            if !self.want(len + 2)? {
                return Ok(Ok(None));
            }
            let b = self.available();
            len += 2 + usize::from(u16::from_le_bytes([b[len], b[len + 1]]));
        }
        for flag in [0x08, 0x10] {
            // A zero-terminated name or comment.
            if flags & flag != 0 {
                loop {
                    if let Some(i) =
                        memchr::memchr(0, &self.available()[len.min(self.available().len())..])
                    {
                        len += i + 1;
                        break;
                    }
                    if !self.fill()? {
                        return Ok(Ok(None));
                    }
                }
            }
        }
        if flags & 0x02 != 0 {
            len += 2;
        }
        if !self.want(len)? {
            return Ok(Ok(None));
        }
        Ok(Ok(Some(len)))
    }

    /// Steps over a corrupt member to the next member header, and returns the error to report.
    fn skip_corrupt(&mut self, why: String) -> io::Error {
        let start = self.member_start;
        // Look from just after the member's start when it is still held (a corrupt deflate
        // stream may have run past the member's end), else from where decoding stopped; never
        // resume where the failed member began.
        let back = self.pos - start;
        if back > 0 && back as usize <= self.start {
            self.start -= back as usize - 1;
            self.pos = start + 1;
        } else if back == 0 && self.start < self.end {
            self.consume(1);
        }
        let resumed_at = loop {
            let held = self.available();
            if let Some(i) = memchr::memmem::find(held, &MEMBER_START) {
                self.consume(i);
                break Some(self.pos);
            }
            // Keep a tail that may be the start of a header cut by the buffer's end.
            let keep = held.len().min(MEMBER_START.len() - 1);
            let drop = held.len() - keep;
            self.consume(drop);
            match self.fill() {
                Ok(true) => {}
                Ok(false) => {
                    let rest = self.available().len();
                    self.consume(rest);
                    break None;
                }
                Err(e) => return e,
            }
        };
        self.state = if resumed_at.is_some() { State::Header } else { State::Done };
        io::Error::new(io::ErrorKind::InvalidData, CorruptGzip { start, resumed_at, why })
    }

    fn cut_short(&mut self) -> io::Error {
        let message = format!(
            "gzip stream ends inside the member at compressed byte {} (cut short)",
            self.member_start
        );
        self.state = State::CutShort(message.clone());
        io::Error::new(io::ErrorKind::UnexpectedEof, message)
    }
}

impl<R: Read> Read for GzipMembers<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            match &self.state {
                State::Done => return Ok(0),
                State::CutShort(message) => {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, message.clone()))
                }
                State::Header => {
                    if self.available().is_empty() && !self.fill()? {
                        self.state = State::Done;
                        return Ok(0);
                    }
                    self.member_start = self.pos;
                    match self.header_len()? {
                        Ok(Some(len)) => {
                            self.consume(len);
                            self.inflate.reset(false);
                            self.crc.reset();
                            self.state = State::Body;
                        }
                        Ok(None) => return Err(self.cut_short()),
                        Err(why) => return Err(self.skip_corrupt(why)),
                    }
                }
                State::Body => {
                    if self.available().is_empty() && !self.fill()? {
                        return Err(self.cut_short());
                    }
                    let (before_in, before_out) =
                        (self.inflate.total_in(), self.inflate.total_out());
                    let status = self.inflate.decompress(
                        &self.buf[self.start..self.end],
                        out,
                        FlushDecompress::None,
                    );
                    let consumed = (self.inflate.total_in() - before_in) as usize;
                    let produced = (self.inflate.total_out() - before_out) as usize;
                    self.consume(consumed);
                    self.crc.update(&out[..produced]);
                    match status {
                        Err(e) => {
                            return Err(self.skip_corrupt(format!("invalid deflate data: {e}")))
                        }
                        Ok(Status::StreamEnd) => self.state = State::Trailer,
                        Ok(_) => {}
                    }
                    if produced > 0 {
                        return Ok(produced);
                    }
                    if consumed == 0 && !matches!(self.state, State::Trailer) && !self.fill()? {
                        return Err(self.cut_short());
                    }
                }
                State::Trailer => {
                    if !self.want(8)? {
                        return Err(self.cut_short());
                    }
                    let t = self.available();
                    let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
                    let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
                    self.consume(8);
                    self.state = State::Header;
                    if crc != self.crc.sum() || size != self.crc.amount() {
                        let why = "CRC-32 or length does not match its content".to_string();
                        // A member that ends where the next one starts had only its content
                        // damaged (its bytes are out already); one that ends early was cut
                        // into by the damage: look for the next header.
                        let at_next = !self.want(3)? || self.available()[..3] == MEMBER_START;
                        if !at_next {
                            return Err(self.skip_corrupt(why));
                        }
                        let resumed_at = (!self.available().is_empty()).then_some(self.pos);
                        let e = CorruptGzip { start: self.member_start, resumed_at, why };
                        return Err(io::Error::new(io::ErrorKind::InvalidData, e));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    /// Reads to the end, collecting the errors met on the way.
    fn drain(bytes: Vec<u8>, chunk: usize) -> (Vec<u8>, Vec<String>) {
        let mut r = GzipMembers::new(io::Cursor::new(bytes));
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        let mut buf = vec![0; chunk];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (out, errors),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => {
                    let resumable = is_resumable(&e);
                    errors.push(e.to_string());
                    if !resumable {
                        return (out, errors);
                    }
                }
            }
        }
    }

    #[test]
    fn members_read_whole_at_any_buffer_size() {
        let text = b"Home\nNews\n".repeat(3000);
        let mut named = flate2::GzBuilder::new()
            .filename("a.txt")
            .comment("c")
            .extra(vec![1, 2, 3])
            .write(Vec::new(), flate2::Compression::fast());
        named.write_all(b"x\n").unwrap();
        let all = [gzip(&text), named.finish().unwrap(), gzip(b""), gzip(b"y\n")].concat();
        let want = [&text[..], b"x\n", b"y\n"].concat();
        for chunk in [1, 7, 64 << 10] {
            assert_eq!(drain(all.clone(), chunk), (want.clone(), Vec::new()), "chunk {chunk}");
        }
    }

    #[test]
    fn a_corrupt_member_is_stepped_over() {
        let (a, b, c) = (gzip(&b"a\n".repeat(500)), gzip(&b"b\n".repeat(500)), gzip(b"c\n"));
        let mut bad = b.clone();
        for byte in &mut bad[12..20] {
            *byte ^= 0x55;
        }
        let all = [a.clone(), bad, c.clone()].concat();
        let (out, errors) = drain(all, 1 << 16);
        assert!(out.starts_with(&b"a\n".repeat(500)) && out.ends_with(b"c\n"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        let span = format!("{}..{}", a.len(), a.len() + b.len());
        assert!(errors[0].contains(&span), "{errors:?} should name {span}");
    }

    #[test]
    fn garbage_between_members_and_a_cut_end() {
        let (a, b) = (gzip(b"a\n"), gzip(&b"b\n".repeat(1000)));
        let all = [a.clone(), b"junk".to_vec(), b[..b.len() / 2].to_vec()].concat();
        let (out, errors) = drain(all, 1 << 16);
        assert!(out.starts_with(b"a\n"));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("not a gzip member header"), "{errors:?}");
        assert!(errors[1].contains("cut short"), "{errors:?}");
    }
}
