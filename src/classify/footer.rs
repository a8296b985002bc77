//! **footer**: the end of a site's template: copyright, legal links, "About us", "Contact".
//!
//! Flags parts with footer cues (©, "all rights reserved", "privacy policy", "terms of use",
//! "Impressum", …), more surely when nothing but boilerplate follows them on the page.
//!
//! Why: footers are the largest recurring block on many sites.
//!
//! Example: "© 2024 Harbour Gazette Media Ltd. All rights reserved. ⏎ About us ⏎ Contact ⏎
//! Privacy policy" scores over 2.
//!
//! Known false positives: a site map at the top of a page; legal pages whose text is about
//! privacy policies.

use super::cues::CueSet;
use super::{Classifier, PartView};
use crate::span::Class;

const CUES: &[(&str, f32)] = &[
    ("©", 1.0),
    ("copyright", 1.0),
    ("all rights reserved", 1.0),
    ("privacy policy", 1.0),
    ("privacy", 1.0),
    ("terms of use", 1.0),
    ("terms of service", 1.0),
    ("terms and conditions", 1.0),
    ("about us", 1.0),
    ("contact us", 1.0),
    ("contact", 1.0),
    ("careers", 1.0),
    ("advertise", 1.0),
    ("sitemap", 1.0),
    ("accessibility", 1.0),
    ("impressum", 1.0),
    ("datenschutz", 1.0),
    ("datenschutzerklärung", 1.0),
    ("mentions légales", 1.0),
    ("algemene voorwaarden", 1.0),
    ("aviso legal", 1.0),
    ("note legali", 1.0),
    ("personvern", 1.0),
];

pub struct Footer {
    cues: CueSet,
}

impl Default for Footer {
    fn default() -> Self {
        Footer { cues: CueSet::new(CUES, true) }
    }
}

impl Classifier for Footer {
    fn class(&self) -> Class {
        Class::Footer
    }

    fn score(&self, part: &PartView) -> f32 {
        let share = part.share(|l| self.cues.matches(l));
        share * 2.0 + if part.at_bottom && share > 0.0 { 1.0 } else { 0.0 }
    }
}
