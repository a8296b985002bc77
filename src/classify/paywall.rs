//! **paywall**: subscription walls and teasers.
//!
//! Flags "Start your 7-day … free trial", "Subscribe to continue reading", "This content is
//! reserved for subscribers", "Already a subscriber? Sign in", "You have reached your limit of
//! free articles", "This story is from the … edition of …", and their German, French, Dutch,
//! Spanish, Italian and Norwegian kin ("Jetzt weiterlesen mit …", "kein aktives Abo",
//! "réservé aux abonnés", "als abonnee …"), by a weighted cue lexicon matched with
//! aho-corasick over normalized text.
//!
//! Why: no other corpus tool knows a teaser from an article; a paywalled page keeps only its
//! first paragraphs, and a pre-training set full of "subscribe to continue" is poisoned.
//!
//! Example: "You have reached your limit of free articles this month." scores 2 (a strong cue)
//! and is a paywall part wherever it recurs; on a single page it is flagged when it also has
//! the shape of a teaser line (see [`Paywall::is_teaser_line`]).
//!
//! Known false positives: print-subscription and newsletter promotions ("Subscribe to our
//! magazine") share the vocabulary; an article about paywalls that quotes a teaser verbatim.
//! A recurring span needs a score of 1 (one strong or one weak cue), a single line seen once
//! needs 2 and a short, non-prose line, so that an article that talks about subscriptions is
//! not flagged.

use super::cues::CueSet;
use super::{Classifier, PartView};
use crate::span::Class;

/// Strong cues (2): a teaser on their own. Weak cues (1): paywall vocabulary.
pub const CUES: &[(&str, f32)] = &[
    // English
    ("subscribe to continue reading", 2.0),
    ("subscribe to continue", 2.0),
    ("subscribe to read", 2.0),
    ("subscribe to unlock", 2.0),
    ("subscribers only", 2.0),
    ("reserved for subscribers", 2.0),
    ("exclusive to subscribers", 2.0),
    ("for subscribers", 1.0),
    ("already a subscriber", 2.0),
    ("already have an account", 1.0),
    ("already a member", 1.0),
    ("start your free trial", 2.0),
    ("free trial to access", 2.0),
    ("-day free trial", 2.0),
    ("free trial", 1.0),
    ("you have reached your limit", 2.0),
    ("limit of free articles", 2.0),
    ("free articles", 1.0),
    ("this story is from the", 2.0),
    ("edition of", 0.5),
    ("unlock this article", 2.0),
    ("to read the full story", 2.0),
    ("to read the full article", 2.0),
    ("read the full story", 1.0),
    ("subscribe sign in", 2.0),
    ("subscribe to unlock more articles", 2.0),
    ("subscribe for more articles", 2.0),
    ("to continue reading", 1.0),
    ("continue reading with", 1.0),
    ("register to continue", 2.0),
    ("sign in to continue", 2.0),
    ("log in to continue", 2.0),
    ("subscribe now", 1.0),
    ("subscribe today", 1.0),
    ("unlimited access", 1.0),
    ("unlimited digital access", 2.0),
    ("become a subscriber", 2.0),
    ("become a member to", 1.0),
    ("cancel anytime", 1.0),
    ("premium article", 1.0),
    ("premium content", 1.0),
    ("paywall", 1.0),
    // German
    ("jetzt weiterlesen", 2.0),
    ("weiterlesen mit", 1.0),
    ("kein aktives abo", 2.0),
    ("abo abschliessen", 2.0),
    ("abo abschließen", 2.0),
    ("nur für abonnenten", 2.0),
    ("exklusiv für abonnenten", 2.0),
    ("für abonnenten", 1.0),
    ("bereits abonnent", 2.0),
    ("zugriff auf alle inhalte", 1.0),
    ("jetzt abonnieren", 1.0),
    ("abo testen", 1.0),
    ("plus-artikel", 1.0),
    ("digitalabo", 1.0),
    ("digitales abo", 1.0),
    ("premium-artikel", 1.0),
    ("sie haben bereits ein abo", 2.0),
    // French
    ("réservé aux abonnés", 2.0),
    ("article réservé", 2.0),
    ("déjà abonné", 2.0),
    ("abonnez-vous", 1.0),
    ("pour lire la suite", 1.0),
    ("offre d'essai", 1.0),
    ("lire la suite de cet article", 2.0),
    // Dutch
    ("als abonnee", 2.0),
    ("alleen voor abonnees", 2.0),
    ("word abonnee", 2.0),
    ("al abonnee", 2.0),
    ("lees verder met", 1.0),
    ("log in om verder te lezen", 2.0),
    ("plusartikel", 1.0),
    // Spanish
    ("exclusivo para suscriptores", 2.0),
    ("contenido exclusivo para suscriptores", 2.0),
    ("ya eres suscriptor", 2.0),
    ("suscríbete", 1.0),
    ("para seguir leyendo", 1.0),
    ("si ya estás suscrito", 2.0),
    ("suscríbete para leer", 2.0),
    ("para leer sin límites", 1.0),
    // Italian
    ("riservato agli abbonati", 2.0),
    ("sei già abbonato", 2.0),
    ("per continuare a leggere", 1.0),
    ("abbonati", 1.0),
    // Norwegian
    ("for abonnenter", 2.0),
    ("bli abonnent", 2.0),
    ("allerede abonnent", 2.0),
    ("kjøp abonnement", 1.0),
    ("logg inn for å lese", 2.0),
];

/// The paywall classifier.
pub struct Paywall {
    cues: CueSet,
}

impl Default for Paywall {
    fn default() -> Self {
        Paywall { cues: CueSet::new(CUES, true) }
    }
}

impl Paywall {
    /// The cue score of one normalized line.
    pub fn line_score(&self, normalized: &str) -> f32 {
        self.cues.score(normalized)
    }

    /// A line seen on one page only is a teaser when it holds a strong cue (a teaser phrase,
    /// not two words of paywall vocabulary) and is short, not prose: at most 30 words, or 60
    /// with 4 cues' worth.
    pub fn is_teaser_line(&self, normalized: &str) -> bool {
        let words = normalized.split(' ').count();
        self.teaser_line_and_score(normalized, words).0
    }

    /// [`Paywall::is_teaser_line`] and [`Paywall::line_score`] in one search, for a line of
    /// `words` words.
    pub fn teaser_line_and_score(&self, normalized: &str, words: usize) -> (bool, f32) {
        let (best, score) = self.cues.best_and_score(normalized);
        let teaser =
            best >= 2.0 && (words <= 30 || (words <= TEASER_LINE_MAX_WORDS && score >= 4.0));
        (teaser, score)
    }
}

/// The most words of a teaser line seen on one page (with 4 cues' worth; 30 with fewer).
pub const TEASER_LINE_MAX_WORDS: usize = 60;

impl Classifier for Paywall {
    fn class(&self) -> Class {
        Class::Paywall
    }

    fn score(&self, part: &PartView) -> f32 {
        // A teaser line (a strong cue) makes the part a paywall, with a little more for every
        // other line with a cue (a teaser block). Weak cues alone count only when most lines
        // carry them: a menu with "Subscribe" in it is navigation.
        let scores: Vec<f32> = part.lines.iter().map(|l| self.line_score(l)).collect();
        let best = scores.iter().copied().fold(0.0, f32::max);
        let with_cue = scores.iter().filter(|&&s| s > 0.0).count();
        if best >= 2.0 {
            best + (with_cue.saturating_sub(1)) as f32 * 0.5
        } else if with_cue * 2 >= part.lines.len() {
            best
        } else {
            best * 0.5
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::{NormalizeConfig, Normalizer};

    fn norm(s: &str) -> String {
        let n = Normalizer::new(&NormalizeConfig::default());
        String::from_utf8(n.apply(s.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn teaser_lines_in_several_languages() {
        let p = Paywall::default();
        for line in [
            "Start your 7-day Pressreel FREE trial to access thousands of magazines.",
            "Subscribe to continue reading. This content is reserved for subscribers.",
            "THIS CONTENT IS RESERVED FOR SUBSCRIBERS ONLY",
            "Already a subscriber? Sign in",
            "You have reached your limit of free articles this month.",
            "This story is from the {{IssueName}} edition of {{MagazineName}}.",
            "Sie haben kein aktives Abo Unterstützen Sie Qualitätsjournalismus.",
            "Jetzt weiterlesen mit SZ Plus",
            "Cet article est réservé aux abonnés.",
            "Lees verder als abonnee",
            "Contenido exclusivo para suscriptores",
            "Articolo riservato agli abbonati",
            "Denne artikkelen er for abonnenter",
        ] {
            assert!(p.is_teaser_line(&norm(line)), "{line}");
        }
    }

    #[test]
    fn prose_about_subscriptions_is_not_a_teaser() {
        let p = Paywall::default();
        let prose = "The newspaper said its digital subscriptions rose by a fifth last year, \
            and that readers who start a free trial are now more likely to stay, according to \
            figures the company published alongside its annual results on Tuesday morning.";
        assert!(!p.is_teaser_line(&norm(prose)));
        assert!(!p.is_teaser_line(&norm("Home")));
    }
}
