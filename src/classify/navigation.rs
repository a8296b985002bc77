//! **navigation**: menus and breadcrumbs: runs of short lines that are not sentences.
//!
//! Flags parts of three or more lines, most of them one to four words without sentence
//! punctuation; more surely at the top of the page.
//!
//! Why: a scraped menu is a column of one-word lines ("Home", "News", "Sport") that no reader
//! wants in a training set.
//!
//! Example: "The Harbour Gazette ⏎ Home ⏎ News ⏎ Harbour & Shipping ⏎ Council" scores 1.5
//! at the top of a page.
//!
//! Known false positives: lists inside an article (ingredients, a table scraped one cell per
//! line), which only reach this classifier when they recur.

use super::{Classifier, PartView};
use crate::span::Class;

/// One to four words, not ending like a sentence.
pub fn is_menu_item(line: &str) -> bool {
    let words = line.split(' ').count();
    words <= 4 && !line.ends_with(['.', '!', '?', ':'])
}

pub struct Navigation;

impl Classifier for Navigation {
    fn class(&self) -> Class {
        Class::Navigation
    }

    fn score(&self, part: &PartView) -> f32 {
        if part.lines.len() < 3 {
            // A lone short line at the very top (a site name) or a breadcrumb "Home › News".
            let crumbs = part
                .lines
                .iter()
                .any(|l| l.contains(" › ") || l.contains(" > ") || l.contains(" » "));
            return if crumbs || (part.at_top && part.share(is_menu_item) == 1.0) {
                1.0
            } else {
                0.0
            };
        }
        let share = part.share(is_menu_item);
        if share < 0.6 {
            return 0.0;
        }
        share + if part.at_top { 0.5 } else { 0.0 }
    }
}
