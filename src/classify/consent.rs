//! **consent**: cookie and privacy consent banners.
//!
//! Flags "We use cookies to improve your experience. Accept cookies", "Cookie settings",
//! "Accept all", and their kin in other languages, by the share of lines with a consent cue.
//!
//! Why: a consent banner is on every page of a 2020s crawl and says nothing about the page.
//!
//! Example: "This site uses cookies … By continuing to browse you agree to our use of
//! cookies. Accept" scores 3.
//!
//! Known false positives: an article about cookie law or about baking cookies, where a
//! recurring line happens to carry the word.

use super::cues::CueSet;
use super::{Classifier, PartView};
use crate::span::Class;

const CUES: &[(&str, f32)] = &[
    ("cookie", 1.0),
    ("cookies", 1.0),
    ("consent", 1.0),
    ("gdpr", 1.0),
    ("accept all", 1.0),
    ("reject all", 1.0),
    ("privacy settings", 1.0),
    ("privacy preferences", 1.0),
    ("manage preferences", 1.0),
    ("datenschutzeinstellungen", 1.0),
    ("einwilligung", 1.0),
    ("akzeptieren", 1.0),
    ("accepter", 1.0),
    ("toestemming", 1.0),
    ("aceptar", 1.0),
    ("accetta", 1.0),
    ("informativa", 1.0),
    ("samtykke", 1.0),
];

pub struct Consent {
    cues: CueSet,
}

impl Default for Consent {
    fn default() -> Self {
        Consent { cues: CueSet::new(CUES, true) }
    }
}

impl Classifier for Consent {
    fn class(&self) -> Class {
        Class::Consent
    }

    fn score(&self, part: &PartView) -> f32 {
        part.share(|l| self.cues.matches(l)) * 3.0
    }
}
