//! **placeholder**: unrendered template variables left in scraped text, such as
//! `{{IssueName}}`, `{{ MagazineName }}`, `${title}`, `%s`, `[[...]]`, `{% block %}`.
//!
//! Why: always worth reporting, even on a single page: they show a broken render that has
//! leaked into the corpus, and they tell which platform served the page.
//!
//! Example: "This story is from the {{IssueName}} edition of {{MagazineName}}." holds two.
//!
//! Known false positives: code samples and documentation about templating ("use {{name}} in
//! your Jinja template"), wiki markup quoted in prose (`[[Category]]`), printf formats in
//! programming articles.

use std::sync::LazyLock;

use regex::Regex;

use super::{Classifier, PartView};
use crate::span::Class;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\{\{\s*[\w.\-\[\]|: ]{1,40}\s*\}\}|\$\{\s*[\w.\-]{1,40}\s*\}|\{%\s*[^%]{1,40}%\}|<%=?\s*[^%]{1,40}%>|\[\[\s*[\w.\-: ]{1,40}\s*\]\]|%\([a-z_]{1,30}\)s|(?:^|\s)%[sd](?:\s|$|[.,:;!?])|__[A-Z][A-Z_]{2,30}__",
    )
    .expect("placeholder pattern compiles")
});

/// The placeholders in a line, as written.
pub fn find(line: &str) -> Vec<&str> {
    // Every form holds one of these bytes; most lines hold none, and skip the regex.
    if !line.bytes().any(|b| matches!(b, b'{' | b'%' | b'[' | b'_' | b'<')) {
        return Vec::new();
    }
    PLACEHOLDER.find_iter(line).map(|m| m.as_str().trim()).collect()
}

/// True when a line holds an unrendered placeholder.
pub fn has_placeholder(line: &str) -> bool {
    !find(line).is_empty()
}

/// A line seen on one page that is worth flagging for its placeholder: a `{{…}}`, `${…}`,
/// `[[…]]` or `__NAME__` form in a short line that does not look like code (no `=`, `;`, `(`
/// or `>>>`), so that documentation about templates keeps its examples.
/// A cheap test on raw bytes: a line without any of the bytes that open a placeholder cannot
/// be one (most lines), so it need not be decoded.
pub fn may_hold_placeholder(line: &[u8]) -> bool {
    memchr::memchr3(b'{', b'[', b'_', line).is_some() || memchr::memchr(b'$', line).is_some()
}

pub fn is_placeholder_line(line: &str) -> bool {
    if !line.bytes().any(|b| matches!(b, b'{' | b'[' | b'_' | b'$'))
        || line.split_whitespace().count() > 30
        || line.contains(['=', ';', '('])
        || line.contains(">>>")
    {
        return false;
    }
    find(line).iter().any(|p| {
        p.starts_with("{{") || p.starts_with("${") || p.starts_with("[[") || p.starts_with("__")
    })
}

/// The placeholder classifier.
pub struct Placeholder;

impl Classifier for Placeholder {
    fn class(&self) -> Class {
        Class::Placeholder
    }

    fn score(&self, part: &PartView) -> f32 {
        part.raw.iter().map(|l| find(l).len()).sum::<usize>() as f32 * 1.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_found() {
        let cases = [
            ("This story is from the {{IssueName}} edition of {{MagazineName}}.", 2),
            ("Welcome to {{ MagazineName }}", 1),
            ("Title: ${title}", 1),
            ("Hello %s, welcome", 1),
            ("See [[Main Page]]", 1),
            ("{% block content %}", 1),
            ("Posted by __AUTHOR_NAME__", 1),
            ("A 50% rise in sales", 0),
            ("Use {curly} braces", 0),
            ("Email me at a@b.c", 0),
        ];
        for (line, n) in cases {
            assert_eq!(find(line).len(), n, "{line}");
        }
    }
}
