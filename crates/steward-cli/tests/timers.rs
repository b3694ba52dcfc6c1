//! The OS timers the README gives for the unattended schedule: the copies
//! printed in the README are the files in `packaging/timers/` (so what a
//! shop owner copies is what is checked here), each runs `steward … --unattended`
//! and nothing that signs anyone in, and the systemd units hold the keys
//! systemd knows, in the sections it expects.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: [&str; 4] = [
    "steward-retention.service",
    "steward-retention.timer",
    "steward-retention.cmd",
    "steward-retention.plist",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn unit(name: &str) -> String {
    std::fs::read_to_string(root().join("packaging/timers").join(name)).unwrap()
}

/// The fenced block that follows the first line of the README naming
/// `packaging/timers/NAME`.
fn readme_copy(readme: &str, name: &str) -> String {
    let named = format!("packaging/timers/{name}");
    let at = readme
        .find(&named)
        .unwrap_or_else(|| panic!("the README names {named}"));
    let rest = &readme[at..];
    let open = rest.find("\n```").expect("a code block after it") + 1;
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let close = body.find("\n```").expect("the block is closed");
    body[..close + 1].to_owned()
}

#[test]
fn the_readmes_timers_are_the_files_in_packaging() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for name in FILES {
        assert_eq!(
            readme_copy(&readme, name).trim_end(),
            unit(name).trim_end(),
            "README's copy of packaging/timers/{name} differs from the file"
        );
    }
}

#[test]
fn every_timer_runs_only_the_unattended_schedule() {
    for name in FILES {
        let text = unit(name);
        // The timer starts the service of its name and runs nothing itself.
        assert!(
            text.contains("retention run --unattended")
                || text.contains("<string>--unattended</string>")
                || (name.ends_with(".timer") && !text.contains("Exec")),
            "{name}"
        );
        for forbidden in ["--user", "--passphrase", "recover"] {
            assert!(!text.contains(forbidden), "{name} has {forbidden}");
        }
    }
    let schtasks = unit("steward-retention.cmd");
    assert!(schtasks.starts_with("schtasks /Create "), "{schtasks}");
    assert!(schtasks.contains("/SC DAILY"), "{schtasks}");
    assert_eq!(schtasks.trim_end().lines().count(), 1, "a one-liner");
    let plist = unit("steward-retention.plist");
    for key in ["Label", "ProgramArguments", "StartCalendarInterval"] {
        assert!(plist.contains(&format!("<key>{key}</key>")), "{key}");
    }
}

/// A systemd unit file as sections of `key=value` lines (repeated keys
/// kept in order).
fn parse_unit(name: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut sections: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut current = None;
    for line in unit(name).lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(section.to_owned());
            sections.entry(section.to_owned()).or_default();
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("{name}: `{line}` is not key=value"));
        let section = current
            .clone()
            .unwrap_or_else(|| panic!("{name}: `{line}` before any section"));
        sections
            .get_mut(&section)
            .unwrap()
            .push((key.trim().to_owned(), value.trim().to_owned()));
    }
    sections
}

fn check_keys(name: &str, allowed: &[(&str, &[&str])]) -> BTreeMap<String, Vec<(String, String)>> {
    let sections = parse_unit(name);
    for (section, keys) in &sections {
        let known = allowed
            .iter()
            .find(|(s, _)| s == section)
            .unwrap_or_else(|| panic!("{name}: unknown section [{section}]"))
            .1;
        for (key, _) in keys {
            assert!(known.contains(&key.as_str()), "{name}: [{section}] {key}");
        }
    }
    sections
}

fn value<'a>(
    sections: &'a BTreeMap<String, Vec<(String, String)>>,
    section: &str,
    key: &str,
) -> Vec<&'a str> {
    sections
        .get(section)
        .map(|keys| {
            keys.iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect()
        })
        .unwrap_or_default()
}

const UNIT_KEYS: &[&str] = &["Description", "Documentation", "After", "Wants"];

#[test]
fn the_systemd_units_hold_keys_systemd_knows_where_it_expects_them() {
    let service = check_keys(
        "steward-retention.service",
        &[("Unit", UNIT_KEYS), ("Service", &["Type", "ExecStart"])],
    );
    assert_eq!(value(&service, "Service", "Type"), ["oneshot"]);
    let exec = value(&service, "Service", "ExecStart");
    assert_eq!(
        exec,
        [
            "%h/.local/bin/steward retention run --unattended",
            "%h/.local/bin/steward backup now --unattended"
        ]
    );
    let timer = check_keys(
        "steward-retention.timer",
        &[
            ("Unit", UNIT_KEYS),
            ("Timer", &["OnCalendar", "Persistent", "RandomizedDelaySec"]),
            ("Install", &["WantedBy"]),
        ],
    );
    assert_eq!(value(&timer, "Timer", "OnCalendar"), ["daily"]);
    assert_eq!(value(&timer, "Timer", "Persistent"), ["true"]);
    assert_eq!(value(&timer, "Install", "WantedBy"), ["timers.target"]);
}

/// Where `systemd-analyze` is installed, it reads the units too (with the
/// program path pointed at one that exists here).
#[test]
fn systemd_analyze_accepts_the_units_where_it_is_installed() {
    let Ok(probe) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed: the key checks above stand alone");
        return;
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().unwrap();
    let service = unit("steward-retention.service").replace("%h/.local/bin/steward", "/bin/true");
    std::fs::write(dir.path().join("steward-retention.service"), service).unwrap();
    std::fs::write(
        dir.path().join("steward-retention.timer"),
        unit("steward-retention.timer"),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg("./steward-retention.service")
        .arg("./steward-retention.timer")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
