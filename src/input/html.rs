//! HTML to text, one line per block element, for the WARC reader.
//!
//! The page is parsed by html5ever (through `scraper`), the parser of Servo, so a page is read
//! as a browser reads it: unclosed tags, stray end tags and bad nesting are repaired by the
//! HTML5 tree-building rules rather than by guesswork. The tree is then walked once, without
//! recursion (a page nested ten thousand deep is no danger), and every block element (`<p>`,
//! `<li>`, `<div>`, `<td>`, `<h1>`…) and `<br>` ends a line. White space inside a line is
//! folded to one space, except in `<pre>`; blank lines are dropped. Scripts, styles, `<select>`
//! menus, SVG and `hidden` elements give no text. Nothing is decorated (no `*` before list
//! items, no `[link]`), so the lines are what a Common Crawl WET record holds, and a site's
//! navigation is the same lines on every page.
//!
//! `html2text` was tried first: even in its plain mode it marks links, list items and headings
//! and splits a link over lines, so its output differs from WET text and from page to page.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Elements whose content is not shown as text.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "select", "datalist", "iframe",
    "object", "embed", "canvas",
];

/// Elements that stand on lines of their own.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// The visible text of an HTML page, one line per block element, each line ending in `\n`.
pub fn html_to_text(html: &str) -> String {
    let page = Html::parse_document(html);
    let mut out = Lines::default();
    let mut hidden_depth = 0usize;
    let mut pre_depth = 0usize;
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if hidden_depth > 0 || HIDDEN.contains(&name) || el.attr("hidden").is_some() {
                        hidden_depth += 1;
                        continue;
                    }
                    if name == "br" || BLOCKS.contains(&name) {
                        out.end_line();
                    }
                    if name == "pre" {
                        pre_depth += 1;
                    }
                }
                Node::Text(text) if hidden_depth == 0 => out.push(text, pre_depth > 0),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if hidden_depth > 0 {
                        hidden_depth -= 1;
                        continue;
                    }
                    let name = el.name();
                    if BLOCKS.contains(&name) {
                        out.end_line();
                    }
                    if name == "pre" {
                        pre_depth = pre_depth.saturating_sub(1);
                    }
                }
            }
        }
    }
    out.end_line();
    out.text
}

/// Text being laid out in lines.
#[derive(Default)]
struct Lines {
    text: String,
    line: String,
    space: bool,
}

impl Lines {
    fn push(&mut self, text: &str, preformatted: bool) {
        for c in text.chars() {
            if preformatted {
                match c {
                    '\n' => self.end_line(),
                    '\r' => {}
                    _ => self.line.push(c),
                }
            } else if c.is_whitespace() {
                self.space = !self.line.is_empty();
            } else {
                if self.space {
                    self.line.push(' ');
                    self.space = false;
                }
                self.line.push(c);
            }
        }
    }

    fn end_line(&mut self) {
        let line = self.line.trim_end();
        if !line.trim_start().is_empty() {
            self.text.push_str(line);
            self.text.push('\n');
        }
        self.line.clear();
        self.space = false;
    }
}

/// Decodes a page: by `charset` (an HTTP Content-Type parameter) when it names a known
/// encoding, else by a `<meta charset>` in the first 1024 bytes, else as UTF-8. A byte order
/// mark wins over both, as in browsers; bytes that do not decode become U+FFFD.
pub fn decode(bytes: &[u8], charset: Option<&str>) -> String {
    let encoding = charset
        .and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()))
        .or_else(|| meta_charset(bytes))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// The encoding a `<meta charset=…>` or `<meta http-equiv content="…; charset=…">` near the
/// top of the page names.
fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    let at = memchr::memmem::find(&lower, b"charset=")? + b"charset=".len();
    let rest = &head[at..];
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    let encoding = encoding_rs::Encoding::for_label(&rest[..end])?;
    // A page that says UTF-16 in ASCII bytes is not UTF-16 (the HTML standard's rule).
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return Some(encoding_rs::UTF_8);
    }
    Some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_block_and_no_hidden_text() {
        let html = "<html><head><title>The Gazette</title><style>p{color:red}</style>\
            <script>var x = '<p>no</p>';</script></head><body>\
            <nav><ul><li><a href=/>Home</a></li><li>News\n  &amp; Sport</li></ul></nav>\
            <p>First   paragraph,<br>second line <b>bold</b> text.</p>\
            <div hidden>secret</div><select><option>Pick</option></select>\
            <table><tr><td>cell one</td><td>cell two</td></tr></table>\
            <pre>a  b\n  c</pre><footer>&copy; 2024</footer></body></html>";
        assert_eq!(
            html_to_text(html),
            "The Gazette\nHome\nNews & Sport\nFirst paragraph,\nsecond line bold text.\n\
             cell one\ncell two\na  b\n  c\n© 2024\n"
        );
    }

    #[test]
    fn broken_html_is_repaired_not_lost() {
        assert_eq!(html_to_text("<p>one<p>two</div></span><li>three"), "one\ntwo\nthree\n");
        assert_eq!(html_to_text(""), "");
        let deep = "<div>".repeat(20_000) + "deep" + &"</div>".repeat(20_000);
        assert_eq!(html_to_text(&deep), "deep\n");
    }

    #[test]
    fn charsets() {
        let (euc, _, _) = encoding_rs::EUC_JP.encode("日本語");
        assert_eq!(decode(&euc, Some("EUC-JP")), "日本語");
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Привет");
        let page = [b"<meta charset=\"windows-1251\">".as_slice(), &cp1251].concat();
        assert!(decode(&page, None).ends_with("Привет"));
        assert_eq!(decode(b"caf\xc3\xa9 \xff", Some("no-such-charset")), "café \u{FFFD}");
        assert_eq!(decode(b"\xef\xbb\xbfhi", Some("latin1")), "hi");
    }
}
