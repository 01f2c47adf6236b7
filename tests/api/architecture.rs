//! The layering the folders promise, read from the source's `use` lines and `crate::` paths:
//! no two files import each other in a cycle, messages are plain data over the domain, and the
//! settings depend on nothing of ours but the domain.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module path (`["store", "outbox"]`) and the modules its non-test code refers to.
type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

fn source_files(dir: &Path, root: &Path, found: &mut BTreeMap<Vec<String>, String>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            source_files(&path, root, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).expect("under src");
            let text = std::fs::read_to_string(&path).expect("source is UTF-8");
            found.insert(module_of(relative), text);
        }
    }
}

/// The text without comments and without `#[cfg(test)] mod … { … }` blocks: tests may reach
/// anywhere.
fn production_code(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("");
        code.push_str(line);
        code.push('\n');
    }
    while let Some(start) = code.find("#[cfg(test)]") {
        let after = &code[start..];
        let Some(open) = after.find('{').filter(|&i| after[..i].contains("mod ")) else {
            code.replace_range(start..start + "#[cfg(test)]".len(), "");
            continue;
        };
        let mut depth = 0;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        code.replace_range(start..start + end, "");
    }
    code
}

/// Every path a file names: `use` trees flattened (`a::{b, c::d}` → `a::b`, `a::c::d`) and
/// inline `crate::…` / `super::…` paths.
fn named_paths(code: &str) -> Vec<String> {
    fn flatten(prefix: &str, tree: &str, out: &mut Vec<String>) {
        let tree = tree.trim();
        if let Some(open) = tree.find('{') {
            let head = tree[..open].trim_end_matches("::");
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let (mut depth, mut item) = (0, String::new());
            for c in inner.chars().chain(std::iter::once(',')) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if c == ',' && depth == 0 {
                    flatten(&format!("{prefix}{head}::"), &item, out);
                    item.clear();
                } else {
                    item.push(c);
                }
            }
        } else if !tree.is_empty() {
            let path = tree.split(" as ").next().unwrap_or(tree).trim();
            out.push(format!("{prefix}{path}"));
        }
    }
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        flatten("", &rest[..end].replace('\n', " "), &mut paths);
        rest = &rest[end..];
    }
    for anchor in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(at) = rest.find(anchor) {
            let path: String = rest[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(path);
            rest = &rest[at + anchor.len()..];
        }
    }
    paths
}

/// The longest module of ours a path names, seen from module `from`.
fn target(from: &[String], path: &str, modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut parts: Vec<&str> = path
        .split("::")
        .filter(|p| !p.is_empty() && *p != "*")
        .collect();
    let mut base: Vec<String> = match parts.first() {
        Some(&"crate") => {
            parts.remove(0);
            Vec::new()
        }
        Some(&"super") => {
            let mut base = from.to_vec();
            while parts.first() == Some(&"super") {
                parts.remove(0);
                base.pop();
            }
            base
        }
        Some(&"self") => {
            parts.remove(0);
            from.to_vec()
        }
        Some(first) => {
            let mut child = from.to_vec();
            child.push(first.to_string());
            if !modules.contains(&child) {
                return None;
            }
            from.to_vec()
        }
        None => return None,
    };
    let mut best = base.clone();
    for part in parts {
        base.push(part.to_string());
        if modules.contains(&base) {
            best = base.clone();
        }
    }
    Some(best)
}

fn import_graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    source_files(&root, &root, &mut files);
    let modules: BTreeSet<Vec<String>> = files.keys().cloned().collect();
    files
        .iter()
        .map(|(module, text)| {
            let uses = named_paths(&production_code(text))
                .iter()
                .filter_map(|path| target(module, path, &modules))
                // A submodule may use what its ancestors hold (`super::*`); a module's own
                // re-exports of its submodules still count, so a cycle through them is found.
                .filter(|t| !module.starts_with(t))
                .collect();
            (module.clone(), uses)
        })
        .collect()
}

/// Strongly connected groups of more than one module (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(walk: &mut Walk<'g>, v: &'g Vec<String>) {
        let n = walk.index.len();
        walk.index.insert(v, n);
        walk.low.insert(v, n);
        walk.stack.push(v);
        for w in walk.graph.get(v).into_iter().flatten() {
            if !walk.index.contains_key(w) {
                visit(walk, w);
                let low = walk.low[v].min(walk.low[w]);
                walk.low.insert(v, low);
            } else if walk.stack.contains(&w) {
                let low = walk.low[v].min(walk.index[w]);
                walk.low.insert(v, low);
            }
        }
        if walk.low[v] == walk.index[v] {
            let mut group = Vec::new();
            while let Some(w) = walk.stack.pop() {
                group.push(w.join("::"));
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                walk.found.push(group);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v) {
            visit(&mut walk, v);
        }
    }
    walk.found
}

fn dependencies_of(graph: &Graph, prefix: &str) -> BTreeSet<String> {
    graph
        .iter()
        .filter(|(module, _)| {
            module.first().is_some_and(|m| m == prefix) || module.join("::") == prefix
        })
        .flat_map(|(_, uses)| uses.iter().map(|u| u.join("::")))
        .filter(|u| !u.starts_with(prefix))
        .collect()
}

#[test]
fn no_source_files_import_each_other_in_a_cycle() {
    let graph = import_graph();
    assert!(
        graph.len() > 100,
        "the source tree was read ({} files)",
        graph.len()
    );
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "import cycles");
}

#[test]
fn the_cycle_finder_finds_a_cycle_when_there_is_one() {
    let module = |name: &str| vec![name.to_string()];
    let mut graph = Graph::new();
    graph.insert(module("a"), [module("b")].into());
    graph.insert(module("b"), [module("c")].into());
    graph.insert(module("c"), [module("a")].into());
    graph.insert(module("d"), [module("a")].into());
    let found = cycles(&graph);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].len(), 3);
}

#[test]
fn messages_are_plain_data_over_the_domain() {
    let allowed: BTreeSet<String> = ["domain", "app::error"].map(String::from).into();
    let used = dependencies_of(&import_graph(), "messages");
    assert!(used.is_subset(&allowed), "messages import {used:?}");
}

#[test]
fn settings_depend_on_nothing_of_ours_but_the_domain() {
    let graph = import_graph();
    let used: BTreeSet<String> = graph
        .iter()
        .filter(|(module, _)| module.starts_with(&["app".to_string(), "config".to_string()]))
        .flat_map(|(_, uses)| uses.iter().map(|u| u.join("::")))
        .filter(|u| !u.starts_with("app::config"))
        .collect();
    let allowed: BTreeSet<String> = ["domain", "app::error"].map(String::from).into();
    assert!(used.is_subset(&allowed), "app::config imports {used:?}");
}

#[test]
fn the_pure_leaves_import_only_the_domain() {
    let graph = import_graph();
    for leaf in ["domain", "render", "i18n", "media"] {
        let used = dependencies_of(&graph, leaf);
        assert!(
            used.iter().all(|u| u == "domain"),
            "{leaf} imports {used:?}"
        );
    }
}
