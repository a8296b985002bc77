//! The caption and copyright rules (`--no-captions`, `--no-copyright-lines`).
//!
//! ## What it flags
//! An unflagged picture caption that ends with its credit ("… (Image: Getty)"), a credit line
//! alone ("Photo: Jane Doe, AP", "Jane Doe/AFP via Getty Images"), and a copyright notice
//! ("© 2024 Gazette Media", "All rights reserved").
//!
//! ## Why
//! Captions and credits belong to the pictures, which the text extraction dropped; a
//! copyright notice is the footer of a page seen once.
//!
//! ## Example
//! "Crowds at the harbour on Saturday (Image: Getty)": flagged.
//!
//! ## Known false positives
//! An article about copyright that quotes a notice on a line of its own.

use std::sync::OnceLock;

use super::{Page, Rule};
use crate::flag::lines::LineFlag;
use crate::flag::FlagConfig;
use crate::text::shape::CreditCues;

/// The caption and copyright matchers, built once.
static CREDIT_CUES: OnceLock<CreditCues> = OnceLock::new();

pub(super) struct Credits;

impl Rule for Credits {
    fn enabled(&self, config: &FlagConfig) -> bool {
        config.captions || config.copyright_lines
    }

    fn apply(&self, page: &Page<'_>, flags: &mut [LineFlag]) {
        let cfg = page.config;
        let cues = CREDIT_CUES.get_or_init(Default::default);
        for (j, f) in flags.iter_mut().enumerate() {
            let line = &page.norm[j];
            if !f.flagged()
                && ((cfg.captions && cues.is_caption(line))
                    || (cfg.copyright_lines && cues.is_copyright(line)))
            {
                f.set_context();
            }
        }
    }
}
