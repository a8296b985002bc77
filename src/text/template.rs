//! Slot-tolerant templates: lines that differ only in their variable parts are one template.
//!
//! "This story is from the July 10, 2024 edition of The Independent." and "… the June 23, 2024
//! edition of The Guardian." both mask to "This story is from the {DATE} edition of {NAME}.":
//! dates, times and numbers anywhere, and names in known slot positions (after "edition of",
//! "by", "©", "more stories from" …). The template id is the hash of the masked, normalized
//! lines, so it is stable across runs; the masked-out values are the template's fillers.

use std::sync::LazyLock;

use regex::Regex;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::text::hash::SEED;

const MONTHS: &str =
    "jan(?:uary|\\.)?|feb(?:ruary|\\.)?|mar(?:ch|\\.)?|apr(?:il|\\.)?|may|june?|july?|\
aug(?:ust|\\.)?|sep(?:t(?:ember)?|\\.)?|oct(?:ober|\\.)?|nov(?:ember|\\.)?|dec(?:ember|\\.)?|\
januar|februar|märz|mai|juni|juli|oktober|dezember|\
janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|\
januari|februari|maart|mei|augustus|\
enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|\
gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let m = MONTHS;
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:(?:{m})\s+[0-9]{{1,2}}(?:st|nd|rd|th)?,?\s+[0-9]{{4}}|[0-9]{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:{m})\s+[0-9]{{4}}|(?:{m})\s+[0-9]{{4}}|[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}|[0-9]{{1,2}}[/.][0-9]{{1,2}}[/.][0-9]{{2,4}})(?-u:\b)"
    ))
    .expect("date pattern compiles")
});

static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:\s*[ap]\.?m\.?)?")
        .expect("time pattern compiles")
});

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9]+(?:[.,][0-9]+)*").expect("number pattern compiles"));

/// A name after a slot cue: capitalized words, with "of", "the", "&" inside.
static NAME_SLOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i:edition of|more stories from|stories from|brought to you by|subscribe to|by|©\s*(?:\{DATE\}|\{NUM\})?|copyright\s*(?:\{DATE\}|\{NUM\})?)\s+(?-i:((?:The\s+)?[\p{Lu}][\p{L}\p{N}'’-]*(?:\s+(?:of|the|and|&|de|la|du|van|der|[\p{Lu}][\p{L}\p{N}'’-]*))*))",
    )
    .expect("name pattern compiles")
});

/// A line with its variable parts masked, and the values masked out, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Masked {
    pub text: String,
    pub fillers: Vec<String>,
}

/// Lower-cased cues after which a name slot may stand (a cheap test before the regex).
const NAME_CUES: [&str; 6] =
    ["edition of", "stories from", "by ", "©", "copyright", "subscribe to"];

/// Masks dates, times, numbers and slot names in one line.
pub fn mask_line(line: &str) -> Masked {
    let mut fillers = Vec::new();
    // Most lines have no digit and no cue: the regexes, the costly part, run only where they
    // can match.
    // ASCII digits only: dates and numbers of other scripts stay in the text.
    let mut text = if line.bytes().any(|b| b.is_ascii_digit()) {
        let t = replace_collect(line, &DATE, "{DATE}", &mut fillers);
        let t = replace_collect(&t, &TIME, "{TIME}", &mut fillers);
        replace_collect(&t, &NUMBER, "{NUM}", &mut fillers)
    } else {
        line.to_string()
    };
    let lower = text.to_lowercase();
    if !NAME_CUES.iter().any(|c| lower.contains(c)) {
        return Masked { text, fillers };
    }
    // Names: replace only the captured group, keep the cue.
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in NAME_SLOT.captures_iter(&text) {
        let Some(name) = caps.get(1) else { continue };
        let value = name.as_str();
        if value.is_empty() {
            continue;
        }
        out.push_str(&text[last..name.start()]);
        out.push_str("{NAME}");
        fillers.push(value.to_string());
        last = name.start() + value.len();
    }
    out.push_str(&text[last..]);
    text = out;
    Masked { text, fillers }
}

fn replace_collect(text: &str, re: &Regex, slot: &str, fillers: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in re.find_iter(text) {
        out.push_str(&text[last..m.start()]);
        out.push_str(slot);
        fillers.push(m.as_str().to_string());
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

/// A template's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TemplateId(pub u64);

impl TemplateId {
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The template of some lines: masked text (lines joined by `\n`), id and fillers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub id: TemplateId,
    pub text: String,
    pub fillers: Vec<String>,
}

/// Masks each line; the id hashes the masked lines lower-cased with white space folded.
pub fn template_of<'a>(lines: impl IntoIterator<Item = &'a str>) -> Template {
    let mut text = String::new();
    let mut key = String::new();
    let mut fillers = Vec::new();
    for (i, line) in lines.into_iter().enumerate() {
        let m = mask_line(line.trim());
        if i > 0 {
            text.push('\n');
            key.push('\n');
        }
        text.push_str(&m.text);
        key.push_str(&m.text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase());
        fillers.extend(m.fillers);
    }
    Template { id: TemplateId(xxh3_64_with_seed(key.as_bytes(), SEED ^ 0x7e3_7e3)), text, fillers }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edition_lines_are_one_template() {
        let a = template_of(["This story is from the July 10, 2024 edition of The Independent."]);
        let b = template_of(["This story is from the June 23, 2024 edition of The Guardian."]);
        assert_eq!(a.text, "This story is from the {DATE} edition of {NAME}.");
        assert_eq!(a.id, b.id);
        assert_eq!(a.fillers, ["July 10, 2024", "The Independent"]);
        assert_eq!(b.fillers, ["June 23, 2024", "The Guardian"]);
    }

    #[test]
    fn table() {
        let cases = [
            ("5 mins | July 10, 2024", "{NUM} mins | {DATE}"),
            ("By Jane Doe | 4 mins | March 3, 2024", "By {NAME} | {NUM} mins | {DATE}"),
            (
                "© 2024 Harbour Gazette Media Ltd. All rights reserved.",
                "© {NUM} {NAME}. All rights reserved.",
            ),
            ("Start your 7-day Pressreel FREE trial", "Start your {NUM}-day Pressreel FREE trial"),
            ("Updated 10:21 AM, 9.3.2010", "Updated {TIME}, {DATE}"),
            ("MORE STORIES FROM THE METRO LEDGER", "MORE STORIES FROM {NAME}"),
            ("Home", "Home"),
            ("{{IssueName}}", "{{IssueName}}"),
        ];
        for (line, want) in cases {
            assert_eq!(mask_line(line).text, want, "{line}");
        }
    }

    #[test]
    fn ids_ignore_case_and_spacing_but_not_words() {
        assert_eq!(template_of(["Share  this"]).id, template_of(["share this"]).id);
        assert_ne!(template_of(["Share this"]).id, template_of(["Share that"]).id);
        assert_ne!(template_of(["a", "b"]).id, template_of(["a b"]).id);
    }
}
