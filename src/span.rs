//! What flagging finds and classification names: a [`Span`] of flagged lines, its
//! [`SpanPart`]s (runs of lines that recur together) and their [`Class`].
//!
//! Flagging fills the lines, offsets and kinds; classification fills `class`, `also`,
//! `template` and `masked`. The type lives here, below both, so that neither imports the other.

use serde::{Deserialize, Serialize};

use crate::text::hash::BlockHash;
use crate::text::template::{Template, TemplateId};

/// The class of a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Paywall,
    Placeholder,
    Consent,
    Newsletter,
    Share,
    Related,
    Byline,
    Footer,
    Navigation,
    Other,
}

impl Class {
    pub const ALL: [Class; 10] = [
        Class::Paywall,
        Class::Placeholder,
        Class::Consent,
        Class::Newsletter,
        Class::Share,
        Class::Related,
        Class::Byline,
        Class::Footer,
        Class::Navigation,
        Class::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Class::Paywall => "paywall",
            Class::Placeholder => "placeholder",
            Class::Consent => "consent",
            Class::Newsletter => "newsletter",
            Class::Share => "share",
            Class::Related => "related",
            Class::Byline => "byline",
            Class::Footer => "footer",
            Class::Navigation => "navigation",
            Class::Other => "other",
        }
    }
}

/// Why a span was flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// Some block in it recurs on other pages.
    CrossPage,
    /// It is flagged only because it repeats within its own page.
    WithinPage,
    /// Neither: what this page alone shows (a paywall teaser or a template placeholder seen
    /// once, or lines flagged by the single-page rules alone: link lists and the line-shape
    /// rules).
    SinglePage,
}

/// A maximal run of flagged lines of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// 0-based index of its first line in the text split on `\n`.
    pub first_line: u32,
    /// Index of its last line, inclusive.
    pub last_line: u32,
    /// Byte offset of its first line.
    pub start: usize,
    /// Exclusive byte offset: the end of its last line, including that line's `\n` when it has
    /// one, so that removing `start..end` leaves no empty line behind.
    pub end: usize,
    pub kind: SpanKind,
    /// The most documents any flagged block in it stands on.
    pub docs: u32,
    /// The most sites any flagged block in it stands on.
    pub sites: u32,
    /// Non-blank lines in it.
    #[serde(skip)]
    pub lines: u32,
    /// Lines flagged by the context rule alone (short lines between flagged lines), or by the
    /// link-list and line-shape rules, which flag the same way.
    pub context_lines: u32,
    /// Lines flagged by the body rule alone (unique text outside the page's article body).
    pub outside_body_lines: u32,
    /// What it is (see [`crate::classify`]); `other` until classified.
    pub class: Class,
    /// Other classes found in it (a placeholder inside a teaser).
    pub also: Vec<Class>,
    /// The id of its template (of the part that decided its class), hex.
    #[serde(serialize_with = "hex_template")]
    pub template: TemplateId,
    /// Its parts: runs of lines that recur together, each with its class and template.
    pub parts: Vec<SpanPart>,
}

fn hex_template<S: serde::Serializer>(id: &TemplateId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&id.hex())
}

/// How the lines of a [`SpanPart`] were flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// Recurring on other pages.
    CrossPage,
    /// Repeated within its page.
    WithinPage,
    /// Short lines between flagged lines (context rule), link lists and the lines of the
    /// line-shape rules (teaser and related lists, time stamps, comments, captions, copyright).
    Context,
    /// Unique text outside the article body (body rule).
    OutsideBody,
    /// A teaser or placeholder line seen on this page only.
    SinglePage,
}

/// A run of lines inside a span that recur together: a header next to a page's own breadcrumb
/// forms one span but two parts, so that the catalogue counts the header as one recurring unit
/// however its neighbours vary. Lines recurring on other pages join a part when the least
/// widespread recurring block covering them stands on the same number of documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpanPart {
    pub first_line: u32,
    pub last_line: u32,
    pub start: usize,
    pub end: usize,
    pub kind: PartKind,
    /// Non-blank lines in it.
    #[serde(skip)]
    pub lines: u32,
    /// Hash of its normalized lines: the same part on two pages has the same key.
    #[serde(skip)]
    pub key: BlockHash,
    pub class: Class,
    #[serde(serialize_with = "hex_template")]
    pub template: TemplateId,
    /// Its lines with the variable parts masked, and the masked values (set by the
    /// classifier; the catalogue reads them).
    #[serde(skip)]
    pub masked: Option<std::sync::Arc<Template>>,
}
