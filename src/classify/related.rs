//! **related**: lists of links to other articles ("MORE STORIES FROM …", "Related",
//! "You may also like", "Most read").
//!
//! Flags a part that opens with a related-links heading, or that has the shape of such a list:
//! title lines alternating with read-time and date lines.
//!
//! Why: the list varies from page to page (so recurrence alone catches it only in pieces) and
//! repeats other pages' titles, which inflates near-duplicate similarity.
//!
//! Example: "MORE STORIES FROM THE METRO LEDGER ⏎ Tram extension contract awarded ⏎ 4 mins |
//! July 2, 2024 ⏎ …" scores 3.
//!
//! Known false positives: a table of contents with dates (a changelog), an article's own
//! "Related:" line inside its text.

use super::byline::is_date_or_read_time;
use super::cues::CueSet;
use super::{Classifier, PartView};
use crate::span::Class;

const HEADINGS: &[(&str, f32)] = &[
    ("more stories", 1.0),
    ("more from", 1.0),
    ("related", 1.0),
    ("related stories", 1.0),
    ("related articles", 1.0),
    ("read more", 1.0),
    ("read next", 1.0),
    ("you may also like", 1.0),
    ("you might also like", 1.0),
    ("recommended", 1.0),
    ("most popular", 1.0),
    ("most read", 1.0),
    ("most viewed", 1.0),
    ("top stories", 1.0),
    ("latest news", 1.0),
    ("trending", 1.0),
    ("lesen sie auch", 1.0),
    ("mehr zum thema", 1.0),
    ("das könnte sie auch interessieren", 1.0),
    ("à lire aussi", 1.0),
    ("sur le même sujet", 1.0),
    ("lees ook", 1.0),
    ("meer nieuws", 1.0),
    ("te puede interesar", 1.0),
    ("leggi anche", 1.0),
    ("les også", 1.0),
];

pub struct Related {
    headings: CueSet,
}

impl Default for Related {
    fn default() -> Self {
        Related { headings: CueSet::new(HEADINGS, true) }
    }
}

impl Related {
    /// A short line that opens a related-links list.
    pub fn is_heading(&self, normalized: &str) -> bool {
        normalized.split(' ').count() <= 8 && self.headings.matches(normalized)
    }
}

impl Classifier for Related {
    fn class(&self) -> Class {
        Class::Related
    }

    fn score(&self, part: &PartView) -> f32 {
        let heading = part.lines.iter().take(2).any(|l| self.is_heading(l));
        let dated = part.share(is_date_or_read_time);
        let list_shape = part.lines.len() >= 3 && (0.2..=0.7).contains(&dated);
        f32::from(u8::from(heading)) * 2.0 + if list_shape { 1.5 } else { 0.0 }
    }
}
