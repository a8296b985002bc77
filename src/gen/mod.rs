//! A generator of realistic synthetic crawls, for benchmarks and tests at any size.
//!
//! Many sites, each with its own header, navigation, footer and "more stories" lists with
//! dates and read times; paywall teasers on some sites (English and four other languages, some
//! with unrendered `{{IssueName}}` placeholders), printed twice on some; related lists repeated
//! within a page; unique article bodies from a Zipf word model ([`words`]); exact copies of
//! pages, near copies (one sentence rewritten) and articles syndicated to a partner site in its
//! own template.
//!
//! Output is cut into shards of about [`GenConfig::shard_bytes`], generated in parallel: each
//! shard's random source is derived from the seed and the shard's number, and copies are made
//! only within a shard, so the bytes are the same for a seed whatever the thread count.
//!
//! ```
//! use chaff::gen::{generate, GenConfig};
//! let dir = tempfile::tempdir()?;
//! let summary = generate(dir.path(), &GenConfig { size: 200_000, sites: 20, ..GenConfig::default() })?;
//! assert!(summary.bytes >= 200_000 && summary.bytes < 220_000);
//! assert!(dir.path().join("shard-00000.jsonl").exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "parquet")]
pub mod parquet;
pub mod site;
pub mod words;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use site::{render, Article, Page, Region, Site};
use words::{Rng, WordModel};

/// Which files to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GenFormat {
    /// `shard-00000.jsonl`…: one object per page with `id`, `url`, `site`, `text`, and the
    /// truth for evaluation: `paywall` (a teaser stands on the page) and `copy` (`exact`,
    /// `near`, `syndicated`, or null for an original).
    #[default]
    Jsonl,
    /// One folder per site, one `.txt` per page.
    Txt,
    /// `shard-00000.warc`…: a `warcinfo` record, then one `response` record per page holding
    /// simple HTML.
    Warc,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Total bytes to write (the output is within one page of it per shard).
    pub size: u64,
    pub sites: usize,
    pub seed: u64,
    pub format: GenFormat,
    /// Bytes per shard.
    pub shard_bytes: u64,
    /// Share of pages that are exact copies of an earlier page of the same site.
    pub exact_copies: f64,
    /// Share of pages that are an earlier article with one sentence rewritten.
    pub near_copies: f64,
    /// Share of pages that are an earlier article on a partner site, in its template.
    pub syndicated: f64,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            size: 1 << 20,
            sites: 100,
            seed: 0,
            format: GenFormat::Jsonl,
            shard_bytes: 64 << 20,
            exact_copies: 0.02,
            near_copies: 0.02,
            syndicated: 0.02,
        }
    }
}

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenSummary {
    pub files: u64,
    pub documents: u64,
    pub bytes: u64,
    pub exact_copies: u64,
    pub near_copies: u64,
    pub syndicated: u64,
    /// Pages with a paywall teaser.
    pub teaser_pages: u64,
}

impl GenSummary {
    fn merge(mut self, o: GenSummary) -> GenSummary {
        self.files += o.files;
        self.documents += o.documents;
        self.bytes += o.bytes;
        self.exact_copies += o.exact_copies;
        self.near_copies += o.near_copies;
        self.syndicated += o.syndicated;
        self.teaser_pages += o.teaser_pages;
        self
    }
}

/// Parses a size: bytes, or a number with a `K`, `M`, `G` or `T` suffix (powers of 1024; an
/// optional `B` or `iB` after it), e.g. `1G`, `512MiB`, `1.5M`.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let t = t.strip_suffix("iB").or_else(|| t.strip_suffix('B')).unwrap_or(t);
    let (number, unit) = match t.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, ' '),
    };
    let scale: u64 = match unit {
        ' ' => 1,
        'K' => 1 << 10,
        'M' => 1 << 20,
        'G' => 1 << 30,
        'T' => 1 << 40,
        _ => return None,
    };
    let value: f64 = number.trim().parse().ok()?;
    (value.is_finite() && value >= 0.0).then(|| (value * scale as f64).round() as u64)
}

/// Writes a synthetic crawl of about `config.size` bytes into `out` (created if missing).
pub fn generate(out: &Path, config: &GenConfig) -> Result<GenSummary> {
    std::fs::create_dir_all(out).map_err(write_error(out))?;
    let model = WordModel::new();
    let sites: Vec<Site> = (0..config.sites.max(1) as u64)
        .into_par_iter()
        .map(|i| Site::new(&model, config.seed, i))
        .collect();
    let shard_bytes = config.shard_bytes.max(1);
    let shards = config.size.div_ceil(shard_bytes).max(1);
    let summaries: Vec<Result<GenSummary>> = (0..shards)
        .into_par_iter()
        .map(|k| {
            let target = (config.size - k * shard_bytes).min(shard_bytes);
            let mut shard = Shard::new(&model, &sites, config, k);
            shard.write(out, target)
        })
        .collect();
    summaries.into_iter().try_fold(GenSummary::default(), |acc, s| Ok(acc.merge(s?)))
}

/// One shard being generated.
struct Shard<'a> {
    model: &'a WordModel,
    sites: &'a [Site],
    config: &'a GenConfig,
    index: u64,
    rng: Rng,
    /// Recent articles (site, article), for near copies and syndication.
    articles: Vec<(usize, Article)>,
    /// Recent pages (site, page), for exact copies.
    pages: Vec<(usize, Page)>,
    /// Cumulative weights of sites: a few big sites, a long tail.
    site_weights: Vec<u64>,
}

const RECENT: usize = 64;

impl<'a> Shard<'a> {
    fn new(model: &'a WordModel, sites: &'a [Site], config: &'a GenConfig, index: u64) -> Self {
        let mut total = 0;
        let site_weights = (0..sites.len())
            .map(|i| {
                // Zipf-like with s = 0.8, floored so every site gets pages.
                total += (1_000_000.0 / ((i + 1) as f64).powf(0.8)) as u64 + 1000;
                total
            })
            .collect();
        Shard {
            model,
            sites,
            config,
            index,
            rng: Rng::derive(config.seed, 2, index),
            articles: Vec::with_capacity(RECENT),
            pages: Vec::with_capacity(RECENT),
            site_weights,
        }
    }

    fn pick_site(&mut self) -> usize {
        let total = *self.site_weights.last().expect("at least one site");
        let r = self.rng.next_u64() % total;
        self.site_weights.partition_point(|&w| w <= r)
    }

    fn remember<T>(ring: &mut Vec<T>, n: u64, item: T) {
        if ring.len() < RECENT {
            ring.push(item);
        } else {
            ring[(n % RECENT as u64) as usize] = item;
        }
    }

    /// The next page and what it is.
    fn page(&mut self, n: u64, summary: &mut GenSummary) -> (usize, Page, &'static str) {
        let roll = self.rng.next_u64() as f64 / u64::MAX as f64;
        let c = self.config;
        if !self.pages.is_empty() && roll < c.exact_copies {
            let (site, page) = self.pages[self.rng.below(self.pages.len())].clone();
            summary.exact_copies += 1;
            return (site, page, "\"exact\"");
        }
        let mut copy = "null";
        let (site, article) = if !self.articles.is_empty() && roll < c.exact_copies + c.near_copies
        {
            let (site, article) = &self.articles[self.rng.below(self.articles.len())];
            summary.near_copies += 1;
            copy = "\"near\"";
            (*site, article.edited(self.model, &mut self.rng))
        } else if !self.articles.is_empty() && roll < c.exact_copies + c.near_copies + c.syndicated
        {
            let (site, article) = self.articles[self.rng.below(self.articles.len())].clone();
            summary.syndicated += 1;
            copy = "\"syndicated\"";
            ((site + 1) % self.sites.len(), article)
        } else {
            let site = self.pick_site();
            let article = Article::new(self.model, &mut self.rng);
            Self::remember(&mut self.articles, n, (site, article.clone()));
            (site, article)
        };
        let page = render(&self.sites[site], &article, &mut self.rng);
        Self::remember(&mut self.pages, n, (site, page.clone()));
        (site, page, copy)
    }

    fn write(&mut self, out: &Path, target: u64) -> Result<GenSummary> {
        let mut summary = GenSummary::default();
        let mut writer = match self.config.format {
            GenFormat::Jsonl => {
                Some(self.create(&out.join(format!("shard-{:05}.jsonl", self.index)))?)
            }
            GenFormat::Warc => {
                let path = out.join(format!("shard-{:05}.warc", self.index));
                let mut w = self.create(&path)?;
                let info = format!(
                    "software: chaff gen\r\nseed: {}\r\nshard: {}\r\n",
                    self.config.seed, self.index
                );
                let record = warc_record(
                    "warcinfo",
                    "",
                    &format!("urn:chaff:{}:info", self.index),
                    "application/warc-fields",
                    info.as_bytes(),
                );
                w.write_all(&record).map_err(write_error(&path))?;
                summary.bytes += record.len() as u64;
                Some(w)
            }
            GenFormat::Txt => None,
        };
        if writer.is_some() {
            summary.files += 1;
        }
        let mut buf = Vec::with_capacity(64 << 10);
        let mut n = 0u64;
        while summary.bytes < target {
            let (site_index, page, copy) = self.page(n, &mut summary);
            let site = &self.sites[site_index];
            let id = format!("gen-{:05}-{n:07}", self.index);
            let url = format!("https://www.{}/{}/{id}", site.domain, slug(&page));
            buf.clear();
            match self.config.format {
                GenFormat::Jsonl => {
                    buf.extend_from_slice(b"{\"id\":\"");
                    buf.extend_from_slice(id.as_bytes());
                    buf.extend_from_slice(b"\",\"url\":\"");
                    json_escape(&url, &mut buf);
                    buf.extend_from_slice(b"\",\"site\":\"");
                    json_escape(&site.domain, &mut buf);
                    buf.extend_from_slice(b"\",\"text\":\"");
                    json_escape(&page.text, &mut buf);
                    buf.extend_from_slice(b"\",\"paywall\":");
                    buf.extend_from_slice(if page.teaser { b"true" } else { b"false" });
                    buf.extend_from_slice(b",\"copy\":");
                    buf.extend_from_slice(copy.as_bytes());
                    buf.extend_from_slice(b"}\n");
                }
                GenFormat::Warc => {
                    let html = page_html(site, &page);
                    let mut block = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                        html.len()
                    )
                    .into_bytes();
                    block.extend_from_slice(html.as_bytes());
                    buf = warc_record(
                        "response",
                        &url,
                        &format!("urn:chaff:{id}"),
                        "application/http; msgtype=response",
                        &block,
                    );
                }
                GenFormat::Txt => {
                    let dir = out.join(&site.domain);
                    let path = dir.join(format!("{id}.txt"));
                    std::fs::create_dir_all(&dir).map_err(write_error(&dir))?;
                    std::fs::write(&path, &page.text).map_err(write_error(&path))?;
                    summary.files += 1;
                    summary.bytes += page.text.len() as u64;
                }
            }
            if let Some(w) = writer.as_mut() {
                w.write_all(&buf).map_err(write_error(out))?;
                summary.bytes += buf.len() as u64;
            }
            summary.documents += 1;
            summary.teaser_pages += u64::from(page.teaser);
            n += 1;
        }
        if let Some(mut w) = writer {
            w.flush().map_err(write_error(out))?;
        }
        Ok(summary)
    }

    fn create(&self, path: &Path) -> Result<BufWriter<File>> {
        let file = File::create(path).map_err(write_error(path))?;
        Ok(BufWriter::with_capacity(1 << 20, file))
    }
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> Error {
    let path: PathBuf = path.to_path_buf();
    move |source| Error::Write { path: path.clone(), source }
}

/// A URL path segment from the page's title (its first article line).
fn slug(page: &Page) -> String {
    let title = (0..page.lines.len())
        .map(|i| page.line(i))
        .find(|(r, _)| *r == Region::Article)
        .map_or("", |(_, t)| t);
    let mut s: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    s.truncate(60);
    s
}

/// Appends `text` as the inside of a JSON string.
fn json_escape(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escaped);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

fn html_escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// The page as simple HTML: each line a `<p>` or `<li>` inside the element of its region, so
/// that the WARC reader gives back the page's lines.
pub fn page_html(site: &Site, page: &Page) -> String {
    let mut html = String::with_capacity(page.text.len() * 2);
    html.push_str("<!DOCTYPE html>\n<html lang=\"");
    html.push_str(site.lang.code);
    html.push_str(
        "\"><head><meta charset=\"utf-8\"><style>nav li{display:inline}</style></head>\n<body>\n",
    );
    let mut i = 0;
    while i < page.lines.len() {
        let region = page.line(i).0;
        let (open, close, item) = match region {
            Region::Header => ("<header>", "</header>", "p"),
            Region::Nav => ("<nav><ul>", "</ul></nav>", "li"),
            Region::Article => ("<article>", "</article>", "p"),
            Region::Teaser => ("<div class=\"paywall\">", "</div>", "p"),
            Region::Related => ("<aside><ul>", "</ul></aside>", "li"),
            Region::Footer => ("<footer>", "</footer>", "p"),
        };
        html.push_str(open);
        while i < page.lines.len() && page.line(i).0 == region {
            html.push('<');
            html.push_str(item);
            html.push('>');
            html_escape(page.line(i).1, &mut html);
            html.push_str("</");
            html.push_str(item);
            html.push('>');
            i += 1;
        }
        html.push_str(close);
        html.push('\n');
    }
    html.push_str("</body></html>\n");
    html
}

fn warc_record(kind: &str, uri: &str, id: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = Vec::with_capacity(block.len() + 300);
    r.extend_from_slice(b"WARC/1.0\r\nWARC-Type: ");
    r.extend_from_slice(kind.as_bytes());
    if !uri.is_empty() {
        r.extend_from_slice(b"\r\nWARC-Target-URI: ");
        r.extend_from_slice(uri.as_bytes());
    }
    r.extend_from_slice(b"\r\nWARC-Date: 2024-06-01T00:00:00Z\r\nWARC-Record-ID: <");
    r.extend_from_slice(id.as_bytes());
    r.extend_from_slice(b">\r\nContent-Type: ");
    r.extend_from_slice(content_type.as_bytes());
    r.extend_from_slice(format!("\r\nContent-Length: {}\r\n\r\n", block.len()).as_bytes());
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        let cases = [
            ("1G", Some(1u64 << 30)),
            ("512M", Some(512 << 20)),
            ("64MiB", Some(64 << 20)),
            ("100k", Some(100 << 10)),
            ("1.5K", Some(1536)),
            ("1000", Some(1000)),
            ("10GB", Some(10 << 30)),
            ("x", None),
            ("1Q", None),
            ("-1M", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_size(text), want, "{text}");
        }
    }

    #[test]
    fn json_escaping_round_trips() {
        let text = "a \"quoted\" \\ line\nnext\ttab \u{1} é";
        let mut out = b"\"".to_vec();
        json_escape(text, &mut out);
        out.push(b'"');
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn html_reads_back_as_the_page_lines() {
        let model = WordModel::new();
        let mut rng = Rng::new(3);
        for i in 0..20 {
            let site = Site::new(&model, 9, i);
            let article = Article::new(&model, &mut rng);
            let page = render(&site, &article, &mut rng);
            let text = crate::input::html::html_to_text(&page_html(&site, &page));
            assert_eq!(text, page.text, "site {i}");
        }
    }
}
