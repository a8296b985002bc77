//! **newsletter**: newsletter and e-mail sign-up pitches.
//!
//! Flags "Get the Harbour Briefing in your inbox every weekday morning. Sign up now",
//! "Subscribe to our newsletter", "Enter your email address", by the share of lines with a
//! newsletter cue.
//!
//! Why: sign-up pitches recur on every page and are a large share of 2020s boilerplate.
//!
//! Example: "Base Camp is our fortnightly letter of routes, huts and gear notes. Sign up for
//! free" scores 3 ("sign up" and "letter" are cues).
//!
//! Known false positives: an article about e-mail marketing; a site's own "Sign up" account
//! link in its navigation (the navigation classifier usually outranks it there).

use super::cues::CueSet;
use super::{Classifier, PartView};
use crate::span::Class;

const CUES: &[(&str, f32)] = &[
    ("newsletter", 1.0),
    ("newsletters", 1.0),
    ("sign up", 1.0),
    ("signup", 1.0),
    ("in your inbox", 1.0),
    ("to your inbox", 1.0),
    ("delivered to your", 1.0),
    ("email address", 1.0),
    ("e-mail address", 1.0),
    ("your email", 1.0),
    ("digest", 1.0),
    ("letter of", 1.0),
    ("briefing", 1.0),
    ("anmelden zum newsletter", 1.0),
    ("inscrivez-vous", 1.0),
    ("inschrijven", 1.0),
    ("suscríbete a nuestro", 1.0),
    ("iscriviti", 1.0),
];

pub struct Newsletter {
    cues: CueSet,
}

impl Default for Newsletter {
    fn default() -> Self {
        Newsletter { cues: CueSet::new(CUES, true) }
    }
}

impl Classifier for Newsletter {
    fn class(&self) -> Class {
        Class::Newsletter
    }

    fn score(&self, part: &PartView) -> f32 {
        // Two cues in one line ("newsletter" + "sign up") are a pitch even inside a footer.
        let strong = part.lines.iter().any(|l| self.cues.score(l) >= 2.0);
        part.share(|l| self.cues.matches(l)) * 3.0 + if strong { 1.0 } else { 0.0 }
    }
}
