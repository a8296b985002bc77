//! **share**: social share buttons ("Share this page", "Facebook", "Twitter", "Email").
//!
//! Flags parts whose lines are mostly the names of social networks or share verbs.
//!
//! Why: share bars are scraped as runs of one-word lines and repeat, often twice, on every
//! article page.
//!
//! Example: "Share this page ⏎ Facebook ⏎ Twitter ⏎ Email" scores 3.
//!
//! Known false positives: a "Follow us" block in a footer (also social, and usually listed in
//! `also` of the footer); an article listing social networks one per line.

use super::cues::CueSet;
use super::{Classifier, PartView};
use crate::span::Class;

const NETWORKS: &[&str] = &[
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "linkedin",
    "email",
    "e-mail",
    "mail",
    "pinterest",
    "reddit",
    "print",
    "telegram",
    "tumblr",
    "flipboard",
    "xing",
    "copy link",
    "link kopieren",
    "google plus",
    "google+",
    "linked in",
    "messenger",
    "bluesky",
    "threads",
    "mastodon",
];

const CUES: &[(&str, f32)] = &[
    ("share this", 1.0),
    ("share on", 1.0),
    ("share:", 1.0),
    ("share", 1.0),
    ("teilen", 1.0),
    ("partager", 1.0),
    ("delen", 1.0),
    ("compartir", 1.0),
    ("condividi", 1.0),
    ("del artikkelen", 1.0),
];

pub struct Share {
    cues: CueSet,
}

impl Default for Share {
    fn default() -> Self {
        Share { cues: CueSet::new(CUES, true) }
    }
}

fn is_network(line: &str) -> bool {
    let l = line.trim_matches(|c: char| !c.is_alphanumeric() && c != '+');
    NETWORKS.contains(&l)
}

impl Classifier for Share {
    fn class(&self) -> Class {
        Class::Share
    }

    fn score(&self, part: &PartView) -> f32 {
        let networks = part.share(is_network);
        let verbs = part.share(|l| l.split(' ').count() <= 4 && self.cues.matches(l));
        if part.lines.len() == 1 {
            // A lone "Share this page" or "Facebook".
            return (networks + verbs) * 1.5;
        }
        (networks + verbs) * 3.0
    }
}
