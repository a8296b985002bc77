//! **byline**: author, date and read-time lines ("By Jane Doe | 4 mins | March 3, 2024").
//!
//! Flags parts made mostly of byline-shaped lines: "By …" and its kin, read times, dates,
//! "Updated …".
//!
//! Why: every article has one; recurring (digits folded) they are template, not text.
//!
//! Example: "12:40 PM on 09/30/2012" or "5 mins | July 10, 2024" score 2.5.
//!
//! Known false positives: a date heading inside an article (a diary, a timeline); many
//! evaluation sets count the byline as content.

use super::{Classifier, PartView};
use crate::span::Class;

const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "januar",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
];

const BY: &[&str] =
    &["by ", "von ", "par ", "door ", "por ", "di ", "av ", "written by ", "words by "];

/// A short line that is a date, a time or a read time (normalized: digits as `0`).
pub fn is_date_or_read_time(line: &str) -> bool {
    if line.len() > 48 || !line.contains('0') {
        return false;
    }
    let words: Vec<&str> =
        line.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let read_time = line.contains(" min") || line.contains("read");
    let month = words.iter().any(|w| MONTHS.iter().any(|m| w.starts_with(m) && w.len() <= 9));
    let numeric_date = line.contains("0/0/0") || line.contains("0.0.0") || line.contains("0-0-0");
    let time = line.contains("0:0");
    read_time || month || numeric_date || time
}

/// A byline: "By …", short.
pub fn is_byline(line: &str) -> bool {
    line.split(' ').count() <= 12 && BY.iter().any(|b| line.starts_with(b))
}

#[derive(Default)]
pub struct Byline;

impl Classifier for Byline {
    fn class(&self) -> Class {
        Class::Byline
    }

    fn score(&self, part: &PartView) -> f32 {
        if part.lines.len() > 4 {
            return 0.0;
        }
        let share =
            part.share(|l| is_byline(l) || is_date_or_read_time(l) || l.starts_with("updated"));
        share * 2.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_read_times() {
        for l in ["0 mins | july 0, 0", "0 mins", "0:0 pm on 0/0/0", "0. märz 0", "0 min read"] {
            assert!(is_date_or_read_time(l), "{l}");
        }
        for l in ["home", "the mayor said 0 people came to the market on tuesday morning to buy"] {
            assert!(!is_date_or_read_time(l), "{l}");
        }
        assert!(is_byline("by jane doe | 0 mins | march 0, 0"));
        assert!(!is_byline("bypass road reopens"));
    }
}
