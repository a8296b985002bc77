//! The layout of src/ as a test: no module imports one that imports it back, and no file grows
//! past the size a reader takes in at once.
//!
//! Every `crate::` and `super::` path outside comments and unit-test modules is an edge from
//! the file's module to the longest module the path names. An edge between two modules is
//! lifted to the pair of siblings under their deepest common ancestor (`crate::flag::rules::gap`
//! using `crate::span` is `flag -> span`; `crate::count::memory` using `crate::count::runs` is
//! `memory -> runs` inside `count`), and a child using its own ancestor is no edge (a folder's
//! mod.rs holds what its files share). The lifted graph must have no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest file, in lines, that src/ may hold.
const MAX_FILE_LINES: usize = 700;

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/flag/rules/gap.rs` is `[flag, rules, gap]`; `src/flag/mod.rs` is `[flag]`.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments and its unit-test module.
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines.peek().is_some_and(|next| next.contains("mod tests"))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let line = line.split(" // ").next().unwrap();
        code.push_str(line);
        code.push('\n');
    }
    code
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands the path tree that starts at `rest` (after `crate::`), `{a::b, c}` groups included,
/// into full paths, each pushed onto `out` with `prefix` before it.
fn expand_tree(rest: &str, prefix: &[String], out: &mut Vec<Module>) -> usize {
    let mut path: Module = prefix.to_vec();
    let mut i = 0;
    let bytes = rest.as_bytes();
    loop {
        while i < bytes.len() && (bytes[i] as char).is_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'{' {
            i += 1;
            loop {
                while i < bytes.len() && (bytes[i] == b',' || (bytes[i] as char).is_whitespace()) {
                    i += 1;
                }
                if i >= bytes.len() {
                    return i;
                }
                if bytes[i] == b'}' {
                    return i + 1;
                }
                i += expand_tree(&rest[i..], &path, out);
            }
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i] as char) {
            i += 1;
        }
        if start == i {
            out.push(path);
            return i;
        }
        path.push(rest[start..i].to_string());
        if rest[i..].starts_with("::") {
            i += 2;
        } else {
            out.push(path);
            return i;
        }
    }
}

/// Every module path the code names, resolved against the file's own module for `super::`.
fn referenced(code: &str, own: &Module) -> Vec<Module> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if at > 0 && is_ident(code[..at].chars().next_back().unwrap()) {
            continue;
        }
        expand_tree(&code[at + "crate::".len()..], &[], &mut out);
    }
    for (at, _) in code.match_indices("super::") {
        if at > 0 && is_ident(code[..at].chars().next_back().unwrap()) {
            continue;
        }
        // `super` of a mod.rs (or a file) is the parent of the module it defines.
        let mut base = own.clone();
        base.pop();
        expand_tree(&code[at + "super::".len()..], &base, &mut out);
    }
    out
}

/// The longest prefix of `path` that is a module of the crate.
fn module_named(path: &Module, modules: &BTreeSet<Module>) -> Option<Module> {
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p))
}

fn layout_graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.retain(|f| !f.starts_with(src.join("tests")) && !f.ends_with("main.rs"));
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for file in &files {
        let own = module_of(&src, file);
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for path in referenced(&code, &own) {
            let Some(target) = module_named(&path, &modules) else { continue };
            let common = own.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == own.len() || common == target.len() {
                continue;
            }
            let from = own[..=common].to_vec();
            let to = target[..=common].to_vec();
            graph.entry(from).or_default().insert(to);
        }
    }
    graph
}

/// A cycle through `start`, if any, as the modules on it.
fn cycle_from(graph: &BTreeMap<Module, BTreeSet<Module>>, start: &Module) -> Option<Vec<Module>> {
    let mut stack = vec![(start.clone(), vec![start.clone()])];
    let mut seen = BTreeSet::new();
    while let Some((node, trail)) = stack.pop() {
        for next in graph.get(&node).into_iter().flatten() {
            if next == start {
                let mut cycle = trail.clone();
                cycle.push(start.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = trail.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = layout_graph();
    assert!(graph.len() > 10, "the checker found too few modules: {graph:?}");
    let mut cycles = Vec::new();
    for start in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, start) {
            let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            cycles.push(names.join(" -> "));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_sees_group_imports_and_super() {
    let code = "use crate::{flag::{Span, rules::gap}, count};\nuse super::spans::merge;\n";
    let own: Module = vec!["flag".into(), "rules".into(), "gap".into()];
    let paths = referenced(code, &own);
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["flag::Span", "flag::rules::gap", "count", "flag::rules::spans::merge"]);
}

#[test]
fn no_file_is_longer_than_a_reader_takes_in() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut long: Vec<String> = files
        .iter()
        .map(|f| (std::fs::read_to_string(f).unwrap().lines().count(), f))
        .filter(|(n, _)| *n > MAX_FILE_LINES)
        .map(|(n, f)| format!("{} ({n} lines)", f.display()))
        .collect();
    long.sort();
    assert!(long.is_empty(), "files over {MAX_FILE_LINES} lines: {long:?}");
}
