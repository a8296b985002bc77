//! Merging flagged lines into maximal spans, and spans into parts that recur together.

use super::lines::LineFlag;
use crate::span::{Class, Span, SpanKind, SpanPart};
use crate::text::block::LineView;
use crate::text::hash::hash_window;
use crate::text::template::TemplateId;

/// The maximal runs of flagged lines of a page, each cut into parts.
pub(crate) fn merge_spans(view: &LineView, flags: &[LineFlag]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut j = 0;
    while j < flags.len() {
        let f = flags[j];
        if !f.flagged() {
            j += 1;
            continue;
        }
        let first = j;
        let mut span_flag = f;
        let mut within = f.within;
        let mut context_lines = u32::from(f.context && f.by_rule_only());
        let mut outside_body_lines = u32::from(f.outside_body && !f.context && f.by_rule_only());
        j += 1;
        while j < flags.len() && flags[j].flagged() {
            let g = flags[j];
            context_lines += u32::from(g.context && g.by_rule_only());
            outside_body_lines += u32::from(g.outside_body && !g.context && g.by_rule_only());
            span_flag.cross |= g.cross;
            within |= g.within;
            span_flag.docs = span_flag.docs.max(g.docs);
            span_flag.sites = span_flag.sites.max(g.sites);
            j += 1;
        }
        let last = j - 1;
        let first_line = view.non_blank[first];
        let last_line = view.non_blank[last];
        let mut parts = Vec::new();
        let mut p = first;
        while p <= last {
            let class = flags[p].part_class();
            let mut q = p;
            // The next line joins the part when both are of one class and either a recurring
            // window holds both, or neither is in any window (lone recurring lines with the
            // same count): a section name after a header that also names it in its menu is
            // not part of the header.
            while q < last
                && flags[q + 1].part_class() == class
                && (flags[q].window_to_next
                    || !(flags[q].cross_window || flags[q + 1].cross_window))
            {
                q += 1;
            }
            let (a, b) = (view.non_blank[p], view.non_blank[q]);
            parts.push(SpanPart {
                first_line: a,
                last_line: b,
                start: view.lines[a as usize].start,
                end: view.lines[b as usize].end_with_newline(),
                kind: class.0,
                lines: (q - p + 1) as u32,
                key: hash_window(&view.hashes[p..=q]),
                class: Class::Other,
                template: TemplateId(0),
                masked: None,
            });
            p = q + 1;
        }
        spans.push(Span {
            first_line,
            last_line,
            start: view.lines[first_line as usize].start,
            end: view.lines[last_line as usize].end_with_newline(),
            kind: if span_flag.cross {
                SpanKind::CrossPage
            } else if within {
                SpanKind::WithinPage
            } else {
                SpanKind::SinglePage
            },
            docs: span_flag.docs,
            sites: span_flag.sites,
            lines: (last - first + 1) as u32,
            context_lines,
            outside_body_lines,
            class: Class::Other,
            also: Vec::new(),
            template: TemplateId(0),
            parts,
        });
    }
    spans
}
