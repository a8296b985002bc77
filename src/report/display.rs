//! How figures and labels read in the renderers meant for people (summary, HTML, Markdown): byte sizes,
//! percentages, counts with separators, kind names, samples on one line.

use crate::span::PartKind;

/// `2048` → `"2.0 KiB"`; under 1 KiB, whole bytes.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// `0.4291` → `"42.9%"`.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// `1234567` → `"1,234,567"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How a part was flagged, in words (as in the printed summary).
pub fn kind_label(kind: PartKind) -> &'static str {
    match kind {
        PartKind::CrossPage => "cross-page",
        PartKind::WithinPage => "within-page",
        PartKind::Context => "context",
        PartKind::OutsideBody => "beyond-body",
        PartKind::SinglePage => "single-page",
    }
}

/// Lines trimmed, blank ones dropped, joined with " ⏎ ", cut to `chars` characters.
pub fn one_line(text: &str, chars: usize) -> String {
    let joined: String =
        text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ⏎ ");
    if joined.chars().count() <= chars {
        joined
    } else {
        let cut: String = joined.chars().take(chars.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// A character that should not reach a reader's screen or parser as is: C0 controls other than
/// tab, line feed and carriage return become their visible Unicode pictures (U+2400…), DEL
/// becomes ␡, C1 controls become U+FFFD.
pub fn visible(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\x7f' => '\u{2421}',
        '\u{80}'..='\u{9f}' => '\u{fffd}',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures() {
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(2048), "2.0 KiB");
        assert_eq!(percent(0.4291), "42.9%");
        assert_eq!(ratio(1, 0), 0.0);
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn one_line_and_visible() {
        assert_eq!(one_line("Home\nNews\n\nSport", 100), "Home ⏎ News ⏎ Sport");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(visible('\0'), '␀');
        assert_eq!(visible('\x1b'), '␛');
        assert_eq!(visible('\x7f'), '␡');
        assert_eq!(visible('\u{85}'), '\u{fffd}');
        assert_eq!(visible('\n'), '\n');
        assert_eq!(visible('é'), 'é');
    }
}
