//! Tidy checks on the repository itself (like rust-analyzer's `tidy.rs`):
//! rules about where things may live that no compiler checks. Each test
//! reads the files as they are in the work tree and says what to fix.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The repository's root folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Fails with every problem found, one per line.
fn report(rule: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "tidy: {rule}\n  {}\n",
        problems.join("\n  ")
    );
}

/// Every `Cargo.toml` of a package in the work tree (generated and
/// vendored folders left out), as (path from the root, parsed manifest).
fn manifests() -> Vec<(String, toml::Table)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if !matches!(name.as_ref(), "target" | "node_modules" | "gen")
                    && !name.starts_with('.')
                {
                    walk(&path, out);
                }
            } else if name == "Cargo.toml" {
                out.push(path);
            }
        }
    }
    let root = root();
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let name = p.strip_prefix(&root).unwrap().display().to_string();
            let table: toml::Table = text
                .parse()
                .unwrap_or_else(|e| panic!("{name} is not valid TOML: {e}"));
            (name, table)
        })
        .filter(|(_, t)| t.contains_key("package"))
        .collect()
}

fn package_name(manifest: &toml::Table) -> &str {
    manifest["package"]["name"].as_str().unwrap_or("?")
}

/// Every crate a manifest depends on, in any section (normal, dev, build,
/// per target), by its real name (a `package = "…"` rename counts as the
/// crate it renames), with the section it is in.
fn dependencies(manifest: &toml::Table) -> Vec<(String, String)> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut tables: Vec<(String, &toml::Table)> = KINDS
        .iter()
        .filter_map(|k| Some((k.to_string(), manifest.get(*k)?.as_table()?)))
        .collect();
    if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
        for (cfg, t) in targets {
            for k in KINDS {
                if let Some(deps) = t.get(k).and_then(|d| d.as_table()) {
                    tables.push((format!("target.'{cfg}'.{k}"), deps));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (section, deps) in tables {
        for (key, spec) in deps {
            let name = spec.get("package").and_then(|p| p.as_str()).unwrap_or(key);
            out.push((name.to_owned(), section.clone()));
        }
    }
    out
}

#[test]
fn the_core_does_not_depend_on_tauri() {
    let manifests = manifests();
    let (path, core) = manifests
        .iter()
        .find(|(_, m)| package_name(m) == "steward-core")
        .expect("the workspace has a steward-core package");
    let problems: Vec<String> = dependencies(core)
        .into_iter()
        .filter(|(dep, _)| dep.starts_with("tauri"))
        .map(|(dep, section)| format!("{path} [{section}] has {dep}"))
        .collect();
    report(
        "steward-core knows nothing about Tauri (ARCHITECTURE.md); move this to src-tauri",
        &problems,
    );
}

#[test]
fn only_the_core_and_the_benchmarks_depend_on_rusqlite() {
    const ALLOWED: [&str; 2] = ["steward-core", "steward-bench"];
    let mut problems = Vec::new();
    for (path, manifest) in manifests() {
        let name = package_name(&manifest);
        if ALLOWED.contains(&name) {
            continue;
        }
        for (dep, section) in dependencies(&manifest) {
            if dep == "rusqlite" {
                problems.push(format!("{path} ({name}) [{section}] has rusqlite"));
            }
        }
    }
    report(
        "the core's public API is the only way to the database: only steward-core (and \
         steward-bench, for its raw baselines) may depend on rusqlite",
        &problems,
    );
}

/// The quoted names between `start` and the next `end` in `text`.
fn quoted_between(text: &str, start: &str, end: &str, file: &str) -> BTreeSet<String> {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{file} has no `{start}`"))
        + start.len();
    let to = from + text[from..].find(end).unwrap();
    text[from..to]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The commands `src-tauri/build.rs` declares (`AppManifest::commands`).
fn declared_commands() -> BTreeSet<String> {
    let file = "src-tauri/build.rs";
    let text = read(file);
    assert!(
        text.contains(".commands(COMMANDS)"),
        "{file} no longer passes COMMANDS to AppManifest::commands: update tidy.rs"
    );
    quoted_between(&text, "const COMMANDS: &[&str] = &[", "];", file)
}

/// The commands the main window is allowed (`allow-*` in the capability).
fn allowed_commands() -> BTreeSet<String> {
    let file = "src-tauri/capabilities/main.json";
    let json: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
    json["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("{file} has no permissions list"))
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect()
}

/// The functions in `tauri::generate_handler![…]`.
fn registered_commands() -> BTreeSet<String> {
    let file = "src-tauri/src/main.rs";
    let text = read(file);
    let start = "generate_handler![";
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{file} has no {start}"))
        + start.len();
    let to = from + text[from..].find(']').unwrap();
    text[from..to]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| item.rsplit("::").next().unwrap().to_owned())
        .collect()
}

/// The commands in the table of `docs/ui-commands.md`.
fn documented_commands() -> BTreeSet<String> {
    let file = "docs/ui-commands.md";
    let text = read(file);
    let rows = text
        .lines()
        .skip_while(|l| !l.starts_with("| command |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'));
    let mut out = BTreeSet::new();
    for row in rows {
        let cell = row.split('|').nth(1).unwrap_or("").trim();
        let name = cell.trim_matches('`');
        assert!(
            !name.is_empty() && name != cell,
            "{file}: the first cell of {row:?} should be a `command`"
        );
        out.insert(name.to_owned());
    }
    assert!(!out.is_empty(), "{file} has no `| command |` table");
    out
}

#[test]
fn the_app_declares_allows_registers_and_documents_the_same_commands() {
    let lists = [
        (
            "src-tauri/build.rs (AppManifest::commands)",
            declared_commands(),
        ),
        (
            "src-tauri/capabilities/main.json (allow-*)",
            allowed_commands(),
        ),
        (
            "src-tauri/src/main.rs (generate_handler!)",
            registered_commands(),
        ),
        ("docs/ui-commands.md (command table)", documented_commands()),
    ];
    let all: BTreeSet<&String> = lists.iter().flat_map(|(_, l)| l).collect();
    let mut problems = Vec::new();
    for (place, list) in &lists {
        let missing: Vec<&str> = all
            .iter()
            .filter(|c| !list.contains(**c))
            .map(|c| c.as_str())
            .collect();
        if !missing.is_empty() {
            problems.push(format!("{place} lacks: {}", missing.join(", ")));
        }
    }
    report(
        "every command must be declared in build.rs, allowed in the capability, \
         registered in generate_handler! and documented in docs/ui-commands.md",
        &problems,
    );
}

/// A language file's keys, nested objects flattened to `a.b.c`.
fn i18n_keys(lang: &str) -> BTreeSet<String> {
    fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeSet<String>) {
        match value.as_object() {
            Some(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&key, v, out);
                }
            }
            None => {
                out.insert(prefix.to_owned());
            }
        }
    }
    let file = format!("ui/i18n/{lang}.json");
    let json: serde_json::Value = serde_json::from_str(&read(&file))
        .unwrap_or_else(|e| panic!("{file} is not valid JSON: {e}"));
    let mut out = BTreeSet::new();
    flatten("", &json, &mut out);
    out
}

#[test]
fn every_ui_language_has_the_same_texts() {
    // FIXME(issue 14): staff screens in every language. Today the staff
    // screens are English-only, so en.json has more keys than the others;
    // the rule checked is that the other languages add nothing English
    // lacks and agree with each other exactly.
    let en = i18n_keys("en");
    let others = ["ca", "es", "id"].map(|lang| (lang, i18n_keys(lang)));
    let mut problems = Vec::new();
    for (lang, keys) in &others {
        let extra: Vec<&str> = keys.difference(&en).map(String::as_str).collect();
        if !extra.is_empty() {
            problems.push(format!(
                "{lang}.json has keys en.json lacks: {}",
                extra.join(", ")
            ));
        }
    }
    let (first, first_keys) = &others[0];
    for (lang, keys) in &others[1..] {
        for (a, a_keys, b, b_keys) in [
            (first, first_keys, lang, keys),
            (lang, keys, first, first_keys),
        ] {
            let missing: Vec<&str> = a_keys.difference(b_keys).map(String::as_str).collect();
            if !missing.is_empty() {
                problems.push(format!(
                    "{b}.json lacks keys {a}.json has: {}",
                    missing.join(", ")
                ));
            }
        }
    }
    report(
        "ui/i18n: ca, es and id must have the same keys, all of them in en",
        &problems,
    );
}

/// Issue 11 §3: with the web inspector, whoever holds the screen (a
/// customer in customer mode) could call any command the page can. Every
/// build a shop runs, `make run`'s debug build included, has it off.
#[test]
fn the_app_window_has_no_developer_tools() {
    let config: serde_json::Value =
        serde_json::from_str(&read("tauri.conf.json")).expect("tauri.conf.json parses");
    let windows = config["app"]["windows"]
        .as_array()
        .expect("tauri.conf.json declares its windows");
    let problems: Vec<String> = windows
        .iter()
        .filter(|w| w["devtools"] != serde_json::Value::Bool(false))
        .map(|w| format!("window {} does not set \"devtools\": false", w["label"]))
        .collect();
    report("the web inspector is never available", &problems);
}

/// Vendored UI libraries are recorded: every folder under `ui/vendor/` has
/// a row in `ui/vendor/README.md` (package, version, licence, source) and
/// its licence file beside it.
#[test]
fn every_vendored_ui_library_is_listed_with_its_licence() {
    let dir = root().join("ui/vendor");
    let readme = read("ui/vendor/README.md");
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("ui/vendor exists") {
        let entry = entry.expect("ui/vendor can be listed");
        if !entry.path().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !readme.contains(&format!("| `{name}/` |")) {
            problems.push(format!(
                "ui/vendor/{name} has no row in ui/vendor/README.md"
            ));
        }
        let licensed = ["LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "COPYING"]
            .iter()
            .any(|f| entry.path().join(f).is_file());
        if !licensed {
            problems.push(format!("ui/vendor/{name} has no licence file"));
        }
    }
    report(
        "ui/vendor: every library listed with its version, licence and source",
        &problems,
    );
}
