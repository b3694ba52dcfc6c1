//! Tidy checks on the repository itself (like rust-analyzer's `tidy.rs`):
//! rules about where things may live that no compiler checks. Each test
//! reads the files as they are in the work tree and says what to fix.

use std::collections::{BTreeMap, BTreeSet};
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

/// The plural categories `Intl.PluralRules` uses for each UI language
/// (CLDR): a plural object in that language's file has exactly these.
const PLURAL_CATEGORIES: &[(&str, &[&str])] = &[
    ("en", &["one", "other"]),
    ("ca", &["many", "one", "other"]),
    ("es", &["many", "one", "other"]),
    ("id", &["other"]),
];
const ANY_PLURAL_CATEGORY: [&str; 6] = ["few", "many", "one", "other", "two", "zero"];

/// One text of a language file: a string, or a plural object by category.
#[derive(Debug)]
enum Text {
    One(String),
    Plural(BTreeMap<String, String>),
}

fn is_plural(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    !map.is_empty()
        && map
            .iter()
            .all(|(k, v)| ANY_PLURAL_CATEGORY.contains(&k.as_str()) && v.is_string())
}

/// A language file's texts by key, nested objects flattened to `a.b.c`
/// (a plural object is one text).
fn i18n_texts(lang: &str) -> BTreeMap<String, Text> {
    fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, Text>) {
        match value {
            serde_json::Value::Object(map) if is_plural(map) => {
                let forms = map
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect();
                out.insert(prefix.to_owned(), Text::Plural(forms));
            }
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&key, v, out);
                }
            }
            other => {
                out.insert(
                    prefix.to_owned(),
                    Text::One(other.as_str().unwrap_or("<not a string>").to_owned()),
                );
            }
        }
    }
    let file = format!("ui/i18n/{lang}.json");
    let json: serde_json::Value = serde_json::from_str(&read(&file))
        .unwrap_or_else(|e| panic!("{file} is not valid JSON: {e}"));
    let mut out = BTreeMap::new();
    flatten("", &json, &mut out);
    out
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end)
                if end > 0
                    && after[..end]
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_') =>
            {
                out.insert(after[..end].to_owned());
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// Checks one language file against en.json: the same keys, the same
/// placeholders, and plural objects with that language's categories.
fn language_problems(lang: &str, en: &BTreeMap<String, Text>) -> Vec<String> {
    let texts = i18n_texts(lang);
    let categories: BTreeSet<&str> = PLURAL_CATEGORIES
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, c)| c.iter().copied().collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    for key in texts.keys().filter(|k| !en.contains_key(*k)) {
        problems.push(format!("{lang}.json has {key}, which en.json lacks"));
    }
    for (key, english) in en {
        let Some(text) = texts.get(key) else {
            problems.push(format!("{lang}.json lacks {key}"));
            continue;
        };
        match (english, text) {
            (Text::One(e), Text::One(t)) => {
                if placeholders(e) != placeholders(t) {
                    problems.push(format!(
                        "{lang}.json {key}: placeholders {:?}, en.json has {:?}",
                        placeholders(t),
                        placeholders(e)
                    ));
                }
            }
            (Text::Plural(e), Text::Plural(t)) => {
                let has: BTreeSet<&str> = t.keys().map(String::as_str).collect();
                if has != categories {
                    problems.push(format!(
                        "{lang}.json {key}: plural forms {has:?}, the language needs {categories:?}"
                    ));
                }
                let allowed: BTreeSet<String> = e.values().flat_map(|v| placeholders(v)).collect();
                let e_other = e.get("other").map(|v| placeholders(v)).unwrap_or_default();
                for (category, form) in t {
                    let used = placeholders(form);
                    if !used.is_subset(&allowed)
                        || (category == "other" && lang != "en" && used != e_other)
                    {
                        problems.push(format!(
                            "{lang}.json {key}.{category}: placeholders {used:?}, en.json has {e_other:?}"
                        ));
                    }
                }
            }
            _ => problems.push(format!(
                "{lang}.json {key}: a plural object in one file and a string in the other"
            )),
        }
    }
    problems
}

#[test]
fn every_ui_language_has_every_text_with_its_placeholders_and_plural_forms() {
    let en = i18n_texts("en");
    let mut problems = language_problems("en", &en);
    for lang in ["ca", "es", "id"] {
        problems.extend(language_problems(lang, &en));
    }
    report(
        "ui/i18n: ca, es and id have every text of en, with the same placeholders, \
         and plural objects with the categories of their language",
        &problems,
    );
}

/// The UI's JavaScript files, recursively, without vendored libraries.
fn ui_scripts(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a readable folder entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "vendor") {
                ui_scripts(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
}

/// A text the UI asks for by a literal key (`t('log.title')`, `tn('x.y', n)`)
/// that en.json does not have would show as its key: a merge that drops a
/// text, or a typo, fails here instead of on a shop's screen.
#[test]
fn every_text_the_ui_asks_for_by_name_exists() {
    let en = i18n_texts("en");
    let mut files = Vec::new();
    ui_scripts(&root().join("ui"), &mut files);
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a readable UI file");
        let name = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        for call in ["t('", "tn('", "tr('"] {
            for (at, _) in text.match_indices(call) {
                // A call, not the end of another name (`format('`, `at('`).
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                let rest = &text[at + call.len()..];
                let Some(end) = rest.find('\'') else { continue };
                let key = &rest[..end];
                // Customer screens' translators take keys of their own files.
                if call == "tr('" || !key.contains('.') || key.contains(['$', '{', ' ']) {
                    continue;
                }
                if !en.contains_key(key) {
                    problems.push(format!("{name}: {key}"));
                }
            }
        }
    }
    report(
        "ui: every text asked for by a literal key is in ui/i18n/en.json",
        &problems,
    );
}

/// Every block of the stylesheet is closed where it should be: a brace lost
/// in a merge silently moves every rule after it into the block before (a
/// print-only section, say), and screens lose their layout.
#[test]
fn the_stylesheet_closes_every_block() {
    let css = read("ui/styles.css");
    let mut problems = Vec::new();
    let mut depth: i32 = 0;
    let mut in_comment = false;
    let mut opened_at = Vec::new();
    for (n, line) in css.lines().enumerate() {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if in_comment {
                if bytes[i..].starts_with(b"*/") {
                    in_comment = false;
                    i += 1;
                }
            } else if bytes[i..].starts_with(b"/*") {
                in_comment = true;
                i += 1;
            } else if bytes[i] == b'{' {
                depth += 1;
                opened_at.push(n + 1);
            } else if bytes[i] == b'}' {
                depth -= 1;
                opened_at.pop();
                if depth < 0 {
                    problems.push(format!("ui/styles.css:{}: a `}}` closes nothing", n + 1));
                    depth = 0;
                }
            }
            i += 1;
        }
        // A top-level comment inside an open block is how a lost brace shows.
        if depth > 0 && line.starts_with("/*") {
            problems.push(format!(
                "ui/styles.css:{}: a comment at the start of a line inside the block opened at line {}",
                n + 1,
                opened_at[0]
            ));
        }
    }
    if depth != 0 {
        problems.push(format!("ui/styles.css: {depth} block(s) never closed"));
    }
    report("ui/styles.css closes every block", &problems);
}

/// Issue 11 §3: with the web inspector, whoever holds the screen (a
/// customer in customer mode) could call any command the page can. Every
/// build a shop runs, `make run`'s debug build included, has it off.
#[test]
fn the_app_window_has_no_developer_tools() {
    let config: serde_json::Value = serde_json::from_str(&read("src-tauri/tauri.conf.json"))
        .expect("src-tauri/tauri.conf.json parses");
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

/// The pixel size a PNG's header says (its IHDR chunk).
fn png_size(path: &Path) -> Option<(u32, u32)> {
    let bytes = fs::read(path).ok()?;
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Some((be(16), be(20)))
}

/// Issue 15 §1: the packages carry an icon at every size Tauri's bundlers
/// use (PNGs for Linux, `.icns` for macOS, `.ico` for Windows), all made
/// by `scripts/icons.sh` from the one committed source image — which
/// `make package` checks byte for byte; here, that the config lists exactly
/// what is in `assets/icons/` (paths relative to `src-tauri/`, where the
/// config is) and each PNG is the size its name says.
#[test]
fn the_packages_carry_every_icon_size_made_from_the_one_source() {
    let config: serde_json::Value = serde_json::from_str(&read("src-tauri/tauri.conf.json"))
        .expect("src-tauri/tauri.conf.json parses");
    let listed: BTreeSet<String> = config["bundle"]["icon"]
        .as_array()
        .expect("tauri.conf.json lists bundle.icon")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let mut problems = Vec::new();
    if !root().join("assets/icon-source.svg").is_file() {
        problems.push("assets/icon-source.svg, the icons' source, is missing".to_owned());
    }
    for needed in [
        "32x32.png",
        "128x128.png",
        "128x128@2x.png",
        "icon.png",
        "icon.icns",
        "icon.ico",
    ] {
        if !listed.contains(&format!("../assets/icons/{needed}")) {
            problems.push(format!(
                "bundle.icon does not list ../assets/icons/{needed}"
            ));
        }
    }
    let on_disk: BTreeSet<String> = fs::read_dir(root().join("assets/icons"))
        .expect("assets/icons exists (scripts/icons.sh)")
        .flatten()
        .map(|e| format!("../assets/icons/{}", e.file_name().to_string_lossy()))
        .collect();
    for extra in on_disk.difference(&listed) {
        problems.push(format!("{extra} is not listed in bundle.icon"));
    }
    for missing in listed.difference(&on_disk) {
        problems.push(format!("bundle.icon lists {missing}, which does not exist"));
    }
    for png in listed.iter().filter(|p| p.ends_with(".png")) {
        let file = png.rsplit('/').next().unwrap_or(png);
        let stem = file.trim_end_matches(".png");
        let (dims, scale) = match stem.strip_suffix("@2x") {
            Some(d) => (d, 2),
            None => (stem, 1),
        };
        let expected = match dims.split_once('x') {
            Some((w, h)) => w
                .parse::<u32>()
                .ok()
                .zip(h.parse::<u32>().ok())
                .map(|(w, h)| (w * scale, h * scale)),
            None => Some((512, 512)), // icon.png: the largest, for Linux's hicolor theme
        };
        let actual = png_size(&root().join("src-tauri").join(png));
        if actual.is_none() || actual != expected {
            problems.push(format!(
                "{png} is {actual:?} pixels, its name says {expected:?}"
            ));
        }
    }
    report("the packages' icons (run scripts/icons.sh)", &problems);
}

/// Issue 15 §1: the bundler makes exactly the .deb and the .rpm here (the
/// default, "all", would try the AppImage, whose tools are downloaded at
/// build time), and both packages declare what Steward needs at run time.
#[test]
fn the_linux_packages_are_deb_and_rpm_and_declare_what_steward_needs() {
    let config: serde_json::Value = serde_json::from_str(&read("src-tauri/tauri.conf.json"))
        .expect("src-tauri/tauri.conf.json parses");
    let bundle = &config["bundle"];
    let mut problems = Vec::new();
    if bundle["active"] != serde_json::json!(true) {
        problems.push("bundle.active is not true".to_owned());
    }
    if bundle["targets"] != serde_json::json!(["deb", "rpm"]) {
        problems.push(format!(
            "bundle.targets is {}, not [\"deb\", \"rpm\"]",
            bundle["targets"]
        ));
    }
    let needs = |kind: &str| -> Vec<String> {
        bundle["linux"][kind]["depends"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    // The bundler adds WebKitGTK and GTK itself; what Steward adds: the
    // OpenSSL its SQLCipher links and a Secret Service for the keyring.
    for (kind, openssl, keyring) in [
        ("deb", "libssl3 | libssl3t64", "gnome-keyring | keepassxc"),
        ("rpm", "openssl-libs", "(gnome-keyring or keepassxc)"),
    ] {
        let deps = needs(kind);
        for dep in [openssl, keyring] {
            if !deps.iter().any(|d| d == dep) {
                problems.push(format!("the .{kind} does not depend on {dep}"));
            }
        }
    }
    let linux: serde_json::Value = serde_json::from_str(&read("packaging/tauri.linux.json"))
        .expect("packaging/tauri.linux.json parses");
    for kind in ["deb", "rpm"] {
        if linux["bundle"]["linux"][kind]["files"]["/usr/bin/steward"]
            .as_str()
            .is_none()
        {
            problems.push(format!(
                "packaging/tauri.linux.json does not put the steward command in the .{kind}"
            ));
        }
    }
    report(
        "the Linux packages (src-tauri/tauri.conf.json, packaging/)",
        &problems,
    );
}

/// Issue 15 §2: the release workflow, which cannot run here (hosted Windows
/// and macOS runners), is at least valid YAML (read with PyYAML, which
/// `scripts/install-deps.sh test` installs) that builds every platform's
/// installers into a draft release for a version tag, signing from named
/// secrets, and says at its top that it was not run here.
#[test]
fn the_release_workflow_parses_and_builds_every_platform() {
    const FILE: &str = ".github/workflows/release.yml";
    let text = read(FILE);
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
        ])
        .arg(root().join(FILE))
        .output()
        .expect("python3 runs (scripts/install-deps.sh test installs it with PyYAML)");
    assert!(
        out.status.success(),
        "{FILE} is not valid YAML (or PyYAML is missing: apt-get install python3-yaml):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flow: serde_json::Value = serde_json::from_slice(&out.stdout).expect("PyYAML gives JSON");
    let mut problems = Vec::new();
    // YAML 1.1 reads the key `on` as a boolean.
    let on = if flow["on"].is_null() {
        &flow["true"]
    } else {
        &flow["on"]
    };
    if on["push"]["tags"] != serde_json::json!(["v*"]) {
        problems.push("it does not run on a v* tag".to_owned());
    }
    let jobs = flow["jobs"].as_object().cloned().unwrap_or_default();
    let include: Vec<&serde_json::Value> = jobs
        .values()
        .filter_map(|j| j["strategy"]["matrix"]["include"].as_array())
        .flatten()
        .collect();
    let has = |runner: &str, target: &str, bundles: &str| {
        include.iter().any(|m| {
            m["runner"].as_str().is_some_and(|r| r.starts_with(runner))
                && m["target"] == serde_json::json!(target)
                && m["bundles"] == serde_json::json!(bundles)
        })
    };
    for (runner, target, bundles) in [
        ("windows", "x86_64-pc-windows-msvc", "nsis,msi"),
        ("macos", "aarch64-apple-darwin", "app,dmg"),
        ("macos", "x86_64-apple-darwin", "app,dmg"),
        ("ubuntu", "x86_64-unknown-linux-gnu", "deb,rpm,appimage"),
    ] {
        if !has(runner, target, bundles) {
            problems.push(format!(
                "the matrix has no {runner} build of {target} making {bundles}"
            ));
        }
    }
    let action = jobs
        .values()
        .filter_map(|j| j["steps"].as_array())
        .flatten()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("tauri-apps/tauri-action@"))
        });
    match action {
        None => problems.push("no step uses tauri-apps/tauri-action".to_owned()),
        Some(step) => {
            if step["with"]["releaseDraft"] != serde_json::json!(true) {
                problems.push("the release is not a draft".to_owned());
            }
            for secret in [
                "APPLE_CERTIFICATE",
                "APPLE_CERTIFICATE_PASSWORD",
                "APPLE_SIGNING_IDENTITY",
                "APPLE_ID",
                "APPLE_PASSWORD",
                "APPLE_TEAM_ID",
            ] {
                if step["env"][secret] != serde_json::json!(format!("${{{{ secrets.{secret} }}}}"))
                {
                    problems.push(format!(
                        "the tauri-action step does not take {secret} from the secrets"
                    ));
                }
            }
        }
    }
    for secret in ["WINDOWS_CERTIFICATE", "WINDOWS_CERTIFICATE_PASSWORD"] {
        if !text.contains(&format!("secrets.{secret}")) {
            problems.push(format!(
                "the Windows signing does not use the secret {secret}"
            ));
        }
    }
    if !text.lines().take(20).any(|l| l.contains("NOT RUN HERE")) {
        problems.push("its opening comment does not say it was not run here".to_owned());
    }
    report(FILE, &problems);
}
