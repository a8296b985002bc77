//! What the command prints to a terminal: control characters escaped, and repeated problems
//! told a few times, not once per record.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use chaff::doc::InputProblem;

/// `s` with every character that a terminal would act on instead of showing escaped as
/// `\u{..}`: C0 controls but the line feed, DEL, C1 controls, and the bidirectional overrides
/// that reorder what is shown. File names, ids and corpus text reach the summary and the
/// messages, and an escape sequence in any of them could retitle the window, hide lines or
/// forge output.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// How many records with the same message are told before the rest are counted.
const SAME_MESSAGE_SHOWN: usize = 5;
/// How many problems are told in all before the rest are counted.
const PROBLEMS_SHOWN: usize = 50;

/// Prints `problems` on stderr, escaped: each distinct message at most
/// [`SAME_MESSAGE_SHOWN`] times and [`PROBLEMS_SHOWN`] lines in all, then how many more there
/// were and where all of them are (the report and the annotations keep every one). A wrong
/// `--text-field` over a crawl once printed 55,869 identical lines.
pub fn print_problems(problems: &[InputProblem]) {
    eprint!("{}", problem_lines(problems));
}

fn problem_lines(problems: &[InputProblem]) -> String {
    let mut out = String::new();
    let mut per_message: HashMap<&str, usize> = HashMap::new();
    let mut shown = 0;
    for p in problems {
        let seen = per_message.entry(p.message.as_str()).or_default();
        *seen += 1;
        if *seen <= SAME_MESSAGE_SHOWN && shown < PROBLEMS_SHOWN {
            let _ = writeln!(out, "chaff: {}", escape(&p.to_string()));
            shown += 1;
        }
    }
    let untold = problems.len() - shown;
    if untold > 0 {
        let mut repeated: Vec<(&str, usize)> = per_message
            .into_iter()
            .filter(|&(_, n)| n > SAME_MESSAGE_SHOWN)
            .map(|(m, n)| (m, n - SAME_MESSAGE_SHOWN))
            .collect();
        repeated.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let _ = writeln!(
            out,
            "chaff: … and {untold} more problems (every one is in --report and --annotations)"
        );
        for (message, n) in repeated.iter().take(3) {
            let _ = writeln!(out, "chaff:   {n} more: {}", escape(message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(escape("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(escape("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(escape("two\nlines, tabs\tescaped"), "two\nlines, tabs\\u{9}escaped");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_message_repeated_on_every_record_is_told_five_times() {
        let problems: Vec<InputProblem> = (1..=1000)
            .map(|i| InputProblem::new("in.jsonl", i, i * 10, "no text field \"txt\""))
            .collect();
        let lines = problem_lines(&problems);
        assert_eq!(lines.matches("no text field").count(), SAME_MESSAGE_SHOWN + 1, "{lines}");
        assert!(lines.contains("995 more problems"), "{lines}");
        assert!(lines.contains("995 more: no text field"), "{lines}");
    }

    #[test]
    fn distinct_problems_are_told_up_to_the_total_cap() {
        let problems: Vec<InputProblem> =
            (1..=60).map(|i| InputProblem::new(&format!("f{i}"), 0, 0, format!("m{i}"))).collect();
        let lines = problem_lines(&problems);
        assert_eq!(lines.lines().count(), PROBLEMS_SHOWN + 1, "{lines}");
        assert!(lines.contains("10 more problems"));
    }
}
