//! Line normalization, for hashing only: the original bytes are what chaff writes back.
//!
//! Three steps, each of which can be turned off:
//! - **case folding**: Unicode default case folding ("Straße" and "STRASSE" hash alike);
//! - **white space**: runs of white space fold to one space, and the line is trimmed;
//! - **digits**: every run of digits becomes one `0`, so "5 mins | July 10, 2024" and
//!   "4 mins | July 9, 2024" hash alike.
//!
//! Invalid UTF-8 is never an error: each invalid sequence stands for U+FFFD, as a lossy decode
//! would give.

use std::borrow::Cow;

use bstr::ByteSlice;
use caseless::Caseless;
use serde::{Deserialize, Serialize};

/// Which normalization steps run. Written into every output, so a count made under one setting
/// is never mixed with one made under another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizeConfig {
    pub case_fold: bool,
    pub fold_whitespace: bool,
    pub digit_class: bool,
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig { case_fold: true, fold_whitespace: true, digit_class: true }
    }
}

/// Normalizes lines under one [`NormalizeConfig`].
#[derive(Clone, Debug)]
pub struct Normalizer {
    config: NormalizeConfig,
    class: [ByteClass; 256],
}

impl Normalizer {
    pub fn new(config: &NormalizeConfig) -> Normalizer {
        Normalizer { config: *config, class: byte_classes(config) }
    }

    pub fn config(&self) -> &NormalizeConfig {
        &self.config
    }

    /// The normalized form of `line`; borrowed when no step changes it.
    pub fn apply<'a>(&self, line: &'a [u8]) -> Cow<'a, [u8]> {
        let mut out = Vec::new();
        self.normalize_into(line, &mut out);
        if out == line {
            Cow::Borrowed(line)
        } else {
            Cow::Owned(out)
        }
    }

    /// Writes the normalized form of `line` into `out` (cleared first). The hot path: it
    /// allocates only when `out` must grow.
    pub fn normalize_into(&self, line: &[u8], out: &mut Vec<u8>) {
        out.clear();
        self.append(line, out);
    }

    /// Appends the normalized form of `line` to `out` and returns its length, so that a
    /// document's normalized lines can share one buffer.
    pub fn append(&self, line: &[u8], out: &mut Vec<u8>) -> usize {
        let base = out.len();
        out.reserve(line.len());
        let cfg = self.config;
        let class = &self.class;
        // A space is pushed lazily, only before the next visible character, which both folds
        // runs and trims the ends.
        let mut pending_space = false;
        let mut in_digits = false;
        let mut i = 0;
        while i < line.len() {
            let b = line[i];
            match class[usize::from(b)] {
                ByteClass::Plain => {
                    // Most text is runs of bytes that stay as they are: copy them whole.
                    let start = i;
                    i += 1;
                    while i < line.len() && class[usize::from(line[i])] == ByteClass::Plain {
                        i += 1;
                    }
                    push_pending(out, &mut pending_space);
                    out.extend_from_slice(&line[start..i]);
                    in_digits = false;
                }
                ByteClass::Upper => {
                    i += 1;
                    push_pending(out, &mut pending_space);
                    out.push(b.to_ascii_lowercase());
                    in_digits = false;
                }
                ByteClass::Space => {
                    i += 1;
                    pending_space = out.len() > base;
                    in_digits = false;
                }
                ByteClass::Digit => {
                    i += 1;
                    if !in_digits {
                        push_pending(out, &mut pending_space);
                        out.push(b'0');
                        in_digits = true;
                    }
                }
                ByteClass::NonAscii => {
                    let (ch, size) = bstr::decode_utf8(&line[i..]);
                    let ch = ch.unwrap_or('\u{FFFD}');
                    i += size.max(1);
                    // A byte order mark counts as white space: a BOM-prefixed first line must
                    // hash like the same line elsewhere.
                    if cfg.fold_whitespace && (ch.is_whitespace() || ch == '\u{FEFF}') {
                        pending_space = out.len() > base;
                        in_digits = false;
                        continue;
                    }
                    if cfg.digit_class && ch.is_numeric() {
                        if !in_digits {
                            push_pending(out, &mut pending_space);
                            out.push(b'0');
                            in_digits = true;
                        }
                        continue;
                    }
                    in_digits = false;
                    push_pending(out, &mut pending_space);
                    let mut buf = [0u8; 4];
                    if cfg.case_fold {
                        for folded in std::iter::once(ch).default_case_fold() {
                            out.extend_from_slice(folded.encode_utf8(&mut buf).as_bytes());
                        }
                    } else {
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
        }
        debug_assert!(!cfg.fold_whitespace || out.last().is_none_or(|&b| b != b' '));
        out.len() - base
    }
}

/// What the normalizer does with a byte, under one configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ByteClass {
    /// Copied as it is.
    Plain,
    /// ASCII upper case, folded.
    Upper,
    /// ASCII white space, folded.
    Space,
    /// ASCII digit, folded into its run.
    Digit,
    /// The start or middle of a multi-byte character (or an invalid byte): decoded.
    NonAscii,
}

fn byte_classes(cfg: &NormalizeConfig) -> [ByteClass; 256] {
    let mut class = [ByteClass::Plain; 256];
    for (b, c) in class.iter_mut().enumerate() {
        let b = b as u8;
        *c = if !b.is_ascii() {
            ByteClass::NonAscii
        } else if cfg.fold_whitespace && is_ascii_space(b) {
            ByteClass::Space
        } else if cfg.digit_class && b.is_ascii_digit() {
            ByteClass::Digit
        } else if cfg.case_fold && b.is_ascii_uppercase() {
            ByteClass::Upper
        } else {
            ByteClass::Plain
        };
    }
    class
}

/// The obvious slow twin of [`Normalizer::normalize_into`]: decode lossily, fold case, collapse
/// digit runs, split on white space and join. Property tests and the `normalize` fuzz target
/// check that the fast path agrees with it on every input.
#[doc(hidden)]
pub fn reference(line: &[u8], cfg: NormalizeConfig) -> Vec<u8> {
    let mut s: String = String::from_utf8_lossy(line).into_owned();
    if cfg.case_fold {
        s = caseless::default_case_fold_str(&s);
    }
    if cfg.digit_class {
        let mut t = String::new();
        let mut prev_digit = false;
        for c in s.chars() {
            if c.is_numeric() {
                if !prev_digit {
                    t.push('0');
                }
                prev_digit = true;
            } else {
                t.push(c);
                prev_digit = false;
            }
        }
        s = t;
    }
    if cfg.fold_whitespace {
        s = s.replace('\u{FEFF}', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    }
    s.into_bytes()
}

#[inline]
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

#[inline]
fn push_pending(out: &mut Vec<u8>, pending_space: &mut bool) {
    if *pending_space {
        out.push(b' ');
        *pending_space = false;
    }
}

/// True when a line holds nothing but white space (under any setting, such a line is blank:
/// blank lines are skipped when shingling).
pub fn is_blank(line: &[u8]) -> bool {
    line.chars().all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(s: &str) -> String {
        let n = Normalizer::new(&NormalizeConfig::default());
        String::from_utf8(n.apply(s.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn read_time_and_date_lines_hash_alike() {
        assert_eq!(norm("5 mins | July 10, 2024"), norm("4 mins | July 9, 2024"));
        assert_eq!(norm("5 mins | July 10, 2024"), "0 mins | july 0, 0");
    }

    #[test]
    fn table() {
        let cases = [
            ("  Share   this\tpage  ", "share this page"),
            ("STRASSE", "strasse"),
            ("Straße", "strasse"),
            ("ÉDITION", "édition"),
            ("line\r", "line"),
            ("\u{a0}non-breaking\u{a0}space\u{a0}", "non-breaking space"),
            ("١٢٣ arabic digits", "0 arabic digits"),
            ("", ""),
            ("   ", ""),
            ("\u{FEFF}Home", "home"),
        ];
        for (input, want) in cases {
            assert_eq!(norm(input), want, "input {input:?}");
        }
    }

    #[test]
    fn invalid_utf8_becomes_replacement_character() {
        let n = Normalizer::new(&NormalizeConfig::default());
        assert_eq!(&*n.apply(b"a\xffb"), "a\u{FFFD}b".as_bytes());
    }

    #[test]
    fn each_step_can_be_turned_off() {
        let off = NormalizeConfig { case_fold: false, fold_whitespace: false, digit_class: false };
        let n = Normalizer::new(&off);
        assert_eq!(&*n.apply(b" A  12 "), b" A  12 ");
        assert!(matches!(n.apply(b" A  12 "), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn fast_path_matches_naive_reference(
            line in proptest::collection::vec(
                prop_oneof![
                    Just(b' '), Just(b'\t'), Just(b'7'), Just(b'A'), Just(b'z'), Just(0xff),
                    any::<u8>(),
                ], 0..40),
            extra in "[ a-zA-Z0-9ßÉ١\u{a0}\u{2003}\u{feff}İ]{0,12}",
            case_fold: bool, fold_whitespace: bool, digit_class: bool,
        ) {
            let mut bytes = line.clone();
            bytes.extend_from_slice(extra.as_bytes());
            let cfg = NormalizeConfig { case_fold, fold_whitespace, digit_class };
            let mut out = Vec::new();
            Normalizer::new(&cfg).normalize_into(&bytes, &mut out);
            prop_assert_eq!(out, reference(&bytes, cfg));
        }
    }
}
