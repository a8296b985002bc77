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
    /// What each ASCII byte becomes.
    map: [u8; 128],
    /// Output bytes of which a run folds to one (the space, the digit class).
    collapsible: [bool; 256],
}

impl Normalizer {
    pub fn new(config: &NormalizeConfig) -> Normalizer {
        let mut map = [0u8; 128];
        for (b, m) in map.iter_mut().enumerate() {
            let b = b as u8;
            *m = if config.fold_whitespace && is_ascii_space(b) {
                b' '
            } else if config.digit_class && b.is_ascii_digit() {
                b'0'
            } else if config.case_fold {
                b.to_ascii_lowercase()
            } else {
                b
            };
        }
        let mut collapsible = [false; 256];
        collapsible[usize::from(b' ')] = config.fold_whitespace;
        collapsible[usize::from(b'0')] = config.digit_class;
        Normalizer { config: *config, map, collapsible }
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
    ///
    /// ASCII bytes, nearly all of most corpora, go through one table lookup and a branch-free
    /// write: each byte is written where the output stands, and the output only advances when
    /// the byte does not repeat a collapsible one (a folded space after a space, a digit after
    /// a digit). Starting as if after a space trims the front; one check trims the end.
    pub fn append(&self, line: &[u8], out: &mut Vec<u8>) -> usize {
        let base = out.len();
        let cfg = self.config;
        // ASCII never grows; room for the rest is made as non-ASCII characters are met.
        out.resize(base + line.len(), 0);
        let mut j = base;
        let mut last = if cfg.fold_whitespace { b' ' } else { 0 };
        let mut i = 0;
        while i < line.len() {
            let b = line[i];
            if b.is_ascii() {
                let m = self.map[usize::from(b)];
                out[j] = m;
                let repeat = (m == last) & self.collapsible[usize::from(m)];
                j += usize::from(!repeat);
                last = m;
                i += 1;
                continue;
            }
            let (ch, size) = bstr::decode_utf8(&line[i..]);
            let ch = ch.unwrap_or('\u{FFFD}');
            i += size.max(1);
            // Room for this character's folding (at most three characters) and the rest.
            let needed = j + 12 + (line.len() - i);
            if needed > out.len() {
                out.resize(needed, 0);
            }
            // A byte order mark counts as white space: a BOM-prefixed first line must hash
            // like the same line elsewhere.
            let folded_to = if cfg.fold_whitespace && (ch.is_whitespace() || ch == '\u{FEFF}') {
                Some(b' ')
            } else if cfg.digit_class && ch.is_numeric() {
                Some(b'0')
            } else {
                None
            };
            if let Some(m) = folded_to {
                out[j] = m;
                j += usize::from(m != last);
                last = m;
                continue;
            }
            let mut buf = [0u8; 4];
            if cfg.case_fold {
                for folded in std::iter::once(ch).default_case_fold() {
                    let bytes = folded.encode_utf8(&mut buf).as_bytes();
                    out[j..j + bytes.len()].copy_from_slice(bytes);
                    j += bytes.len();
                }
            } else {
                let bytes = ch.encode_utf8(&mut buf).as_bytes();
                out[j..j + bytes.len()].copy_from_slice(bytes);
                j += bytes.len();
            }
            last = 0x80;
        }
        if cfg.fold_whitespace && j > base && out[j - 1] == b' ' {
            j -= 1;
        }
        out.truncate(j);
        j - base
    }
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
