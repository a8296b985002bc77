//! Line shape: what one line of text looks like on its own, for the single-page rules of
//! [`crate::flag`]. Every test here reads a line in chaff's hashing normalization (case folded,
//! white space folded, digit runs as `0`), so that it sees what the counts see.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

/// A line that does not end like a sentence or a lead-in: a title, a menu item, a name.
pub fn ends_like_title(line: &str) -> bool {
    let t = line.trim_end();
    !(t.ends_with('.')
        || t.ends_with('!')
        || t.ends_with('?')
        || t.ends_with(':')
        || t.ends_with('\u{201d}')
        || t.ends_with('"')
        || t.ends_with('…'))
}

/// One sentence at most: no sentence end ("." "!" "?" followed by a space) before its last
/// word.
pub fn is_one_sentence(line: &str) -> bool {
    let t = line.trim_end();
    let body = t.trim_end_matches(['.', '!', '?', '"', '\u{201d}', '\'', '\u{2019}', ')']);
    !body.contains(". ") && !body.contains("! ") && !body.contains("? ")
}

const AGO_UNITS: &[&str] = &[
    "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hr", "hrs", "hour",
    "hours", "day", "days", "week", "weeks", "month", "months", "year", "years", "yr", "yrs",
];

/// The line ends with a relative time, "0 hrs ago", "0 minutes ago", "vor 0 stunden",
/// "il y a 0 jours" (digits normalized to `0`): the stamp of a listed item (a headline from
/// another site, a comment).
pub fn ends_with_time_ago(line: &str) -> bool {
    let t = line.trim_end();
    if let Some(rest) = t.strip_suffix(" ago") {
        let mut words = rest.rsplit(' ');
        let unit = words.next().unwrap_or("");
        let number = words.next().unwrap_or("");
        return AGO_UNITS.contains(&unit) && (number == "0" || number == "a" || number == "an");
    }
    // German and French put the marker first: "vor 0 stunden", "il y a 0 jours".
    let mut words = t.rsplit(' ');
    let (unit, number, marker) =
        (words.next().unwrap_or(""), words.next().unwrap_or(""), words.next().unwrap_or(""));
    number == "0"
        && ((marker == "vor"
            && ["minuten", "minute", "stunden", "stunde", "tagen", "tag", "wochen"]
                .contains(&unit))
            || (marker == "a"
                && t.ends_with(&format!("il y a 0 {unit}"))
                && ["minutes", "minute", "heures", "heure", "jours", "jour"].contains(&unit)))
}

/// Phrases of a comment section: its heading, the prompt to write one, the sign-in wall
/// before it, and the per-comment actions. Lower case, digits as `0`.
const COMMENT_HEADINGS: &[&str] = &[
    "comments",
    "0 comments",
    "0 comment",
    "0 responses",
    "0 replies",
    "0 thoughts on",
    "add your comment",
    "add a comment",
    "post a comment",
    "leave a comment",
    "leave a reply",
    "leave a reply cancel reply",
    "write a comment",
    "join the conversation",
    "join the discussion",
    "show comments",
    "view comments",
    "read comments",
    "comments are closed",
    "log in to comment",
    "login to comment",
    "sign in to comment",
    "you must be logged in to post a comment",
    "kommentare",
    "0 kommentare",
    "kommentar schreiben",
    "commentaires",
    "0 commentaires",
    "laisser un commentaire",
    "comentarios",
    "0 comentarios",
    "deja un comentario",
    "commenti",
    "0 commenti",
    "reacties",
    "0 reacties",
];

/// Recognizes the heading line of a comment section, and the signature line of one comment.
pub struct CommentCues {
    matcher: AhoCorasick,
    /// "Jane says:", "Milan on September 12, 2018 at 4:47 pm said:" (normalized: digits as
    /// `0`): a blog's comment. Not "said:" or "wrote:" alone, with which forums open a quoted
    /// post (and a forum's posts are its content).
    signature: Regex,
}

impl Default for CommentCues {
    fn default() -> Self {
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(aho_corasick::StartKind::Anchored)
            .build(COMMENT_HEADINGS)
            .expect("a small valid list");
        let signature = Regex::new(concat!(
            r"^(?:.{2,80}\b(?:says|sagt|dit|dice)\s*:",
            r"|.{2,60} on [a-z]+ 0, 0 at 0:0\s*(?:am|pm)?(?:\s*said:)?)$",
        ))
        .expect("valid");
        CommentCues { matcher, signature }
    }
}

impl CommentCues {
    /// The whole line is a comment-section heading or prompt, give or take punctuation and a
    /// count in brackets ("Comments (0)", "0 comments »", "Leave a Reply:").
    pub fn is_heading(&self, line: &str) -> bool {
        let t = line.trim_matches(|c: char| !c.is_alphanumeric());
        let input = aho_corasick::Input::new(t).anchored(aho_corasick::Anchored::Yes);
        let Some(m) = self.matcher.find(input) else {
            return false;
        };
        let rest = &t[m.end()..];
        rest.chars().all(|c| !c.is_alphabetic())
            || (rest.starts_with(' ') && t.starts_with("0 thoughts on"))
    }
}

/// Recognizes picture captions and credits, and copyright notices.
pub struct CreditCues {
    /// A caption that ends with its credit in brackets: "… (Image: Getty)", "… (AFP / Jane
    /// Doe)", "… (Photo by Jane Doe/Getty Images)".
    caption: Regex,
    /// A line that is a credit alone: "Photo: Jane Doe, AP", "Jane Doe/AFP via Getty Images"
    /// (known false positive: a short "image: name/tag" line of a container recipe).
    credit: Regex,
    /// A copyright notice: "© 2024 Gazette Media", "Copyright (c) 2024 …", "All rights
    /// reserved."
    copyright: Regex,
}

/// The longest credit-only line, in normalized bytes.
const CREDIT_LINE_BYTES: usize = 60;
/// The longest copyright line, in normalized bytes.
const COPYRIGHT_LINE_BYTES: usize = 250;

impl Default for CreditCues {
    fn default() -> Self {
        let agencies = "getty|getty images|afp|reuters|ap|epa|dpa|pa|pa media|pa wire|anp|ansa|\
                        efe|shutterstock|alamy|istock|bloomberg|imago|picture alliance|keystone";
        let words = "image|images|photo|photos|picture|pictures|photograph|credit|foto|fotos|bild|\
                     bilder|photo credit|image credit|image source";
        let caption = format!(
            r"\(\s*(?:(?:{words})\s*(?::|\s+by\b)\s*[^()]+|(?:{agencies})(?:\s*[/|,][^()]*)?)\)\s*$"
        );
        let credit = format!(
            r"^(?:(?:{words})(?:\s+by)?\s*:\s*\S.*|.*(?:/|\||\bvia)\s*(?:{agencies})(?:\s+for\s.*)?)$"
        );
        CreditCues {
            caption: Regex::new(&caption).expect("valid"),
            credit: Regex::new(&credit).expect("valid"),
            copyright: Regex::new(
                r"^(?:all contents? )?(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:copyright\s*)?0|all rights reserved",
            )
            .expect("valid"),
        }
    }
}

impl CreditCues {
    /// A picture caption ending with its credit, or a credit line alone.
    pub fn is_caption(&self, line: &str) -> bool {
        (line.trim_end().ends_with(')') && self.caption.is_match(line))
            || (line.len() <= CREDIT_LINE_BYTES && self.credit.is_match(line))
    }

    /// A copyright notice (a footer's line).
    pub fn is_copyright(&self, line: &str) -> bool {
        line.len() <= COPYRIGHT_LINE_BYTES && self.copyright.is_match(line)
    }
}

impl CommentCues {
    /// The line that opens one comment: its author and "says:", or author and time.
    pub fn is_signature(&self, line: &str) -> bool {
        // Both forms hold a colon: most lines are ruled out without the regex.
        line.len() <= 120
            && memchr::memchr(b':', line.as_bytes()).is_some()
            && self.signature.is_match(line.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_sentences() {
        assert!(ends_like_title("council approves ferry route"));
        assert!(!ends_like_title("the council approved the route."));
        assert!(!ends_like_title("read more:"));
        assert!(is_one_sentence("the council approved the route on tuesday."));
        assert!(!is_one_sentence("the council met. it approved the route."));
    }

    #[test]
    fn relative_times() {
        for yes in
            ["reuters uk building crumbles 0 hrs ago", "a comment 0 minutes ago", "vor 0 stunden"]
        {
            assert!(ends_with_time_ago(yes), "{yes}");
        }
        for no in ["long ago", "a story from years ago", "0 hrs ago and counting"] {
            assert!(!ends_with_time_ago(no), "{no}");
        }
    }

    #[test]
    fn comment_headings() {
        let c = CommentCues::default();
        for yes in ["comments", "0 comments", "comments (0)", "leave a reply:", "add your comment"]
        {
            assert!(c.is_heading(yes), "{yes}");
        }
        for no in ["comments on the budget were mixed", "no comments yet from the mayor"] {
            assert!(!c.is_heading(no), "{no}");
        }
        for yes in ["jane says:", "milan on september 0, 0 at 0:0 pm said:"] {
            assert!(c.is_signature(yes), "{yes}");
        }
        for no in ["the mayor says: the route opens in spring.", "he said:", "joe wrote:"] {
            assert!(!c.is_signature(no), "{no}");
        }
    }

    #[test]
    fn captions_credits_and_copyright() {
        let c = CreditCues::default();
        for yes in [
            "prince harry at frogmore (image: getty)",
            "scooter braun at home on june 0, 0000. (photo by kevin mazur/getty images for ithaca)",
            "people walk to the ship: 0. mai 0000 (afp / jorge guerrero)",
            "photo: meg kinnard, ap",
            "noel celis/afp via getty images",
            "natalie naccache | bloomberg | getty images",
            "wework chairman marcelo claure (credit: getty images)",
        ] {
            assert!(c.is_caption(yes), "{yes}");
        }
        for no in [
            "image: mailhog/mailhog is the container the tests send mail to, and it is started first",
            "the photo was taken in april (see below).",
            "the new pontoon (pictured) opens in spring (photos below)",
            "reuters reported on tuesday that the talks had stalled.",
        ] {
            assert!(!c.is_caption(no), "{no}");
        }
        for yes in
            ["© 0 gazette media", "copyright © 0-0 dow jones", "gazette. all rights reserved."]
        {
            assert!(c.is_copyright(yes), "{yes}");
        }
        assert!(!c.is_copyright("the copyright of the photo stays with the author."));
    }
}
