//! Normalization: never panics, and the fast path equals the slow reference
//! (`chaff::text::normalize::reference`, the same twin the property test uses) under every setting.
#![no_main]

use chaff::text::normalize::{reference, NormalizeConfig, Normalizer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, line)) = data.split_first() else { return };
    let cfg = NormalizeConfig {
        case_fold: flags & 1 != 0,
        fold_whitespace: flags & 2 != 0,
        digit_class: flags & 4 != 0,
    };
    let mut out = Vec::new();
    Normalizer::new(&cfg).normalize_into(line, &mut out);
    assert_eq!(out, reference(line, cfg), "{cfg:?} on {line:?}");
    // Normalizing is idempotent once white space is folded: the hash of a normalized line is
    // the hash of its normal form.
    if cfg.fold_whitespace {
        let mut again = Vec::new();
        Normalizer::new(&cfg).normalize_into(&out, &mut again);
        assert_eq!(again, out, "{cfg:?} not idempotent on {line:?}");
    }
});
