//! Both benchmarks at a small size, so that they never rot: each must finish
//! and print its comparison lines. Timings are printed, never asserted.

use std::process::Command;

/// Runs `steward-bench ARGS` and returns what it printed.
fn bench(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_steward-bench"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "steward-bench {args:?} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    stdout
}

/// Checks that a line starting with `label` (after indentation) ends in a
/// ratio such as `1.23x`.
fn check_ratio(report: &str, label: &str) {
    let line = report
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no line starting with {label:?} in:\n{report}"));
    let ratio = line
        .split_whitespace()
        .find_map(|w| w.strip_suffix('x')?.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no ratio in {line:?}"));
    assert!(ratio.is_finite() && ratio > 0.0, "{line:?}");
}

#[test]
fn the_open_benchmark_runs_at_a_small_size_and_prints_its_ratios() {
    let report = bench(&["open", "--rows", "1000"]);
    check_ratio(&report, "ratio vault / plain (median)");
    for label in [
        "insert (one transaction)",
        "full scan, page cache warm",
        "full scan, fresh connection",
        "10,000 lookups by id",
    ] {
        check_ratio(&report, label);
    }
    assert!(report.contains("target <= 1.3x"), "{report}");
}

#[test]
fn the_crm_benchmark_runs_at_a_small_size_and_prints_its_ratios() {
    let report = bench(&[
        "crm",
        "--customers",
        "1000",
        "--purchases",
        "2",
        "--rounds",
        "20",
    ]);
    assert!(report.contains("generated 1000 customers and"), "{report}");
    check_ratio(&report, "ratio p95");
    check_ratio(&report, "ratio (time)");
    check_ratio(&report, "ratio export / raw reads");
    assert!(
        report.contains("Export for a customer with 1,000 purchases"),
        "{report}"
    );
    assert!(
        report.contains("difference: checks, views and audit append"),
        "{report}"
    );
}

#[test]
fn the_retention_benchmark_runs_at_a_small_size_and_prints_its_ratio() {
    let report = bench(&["retention", "--customers", "300", "--expired", "30"]);
    check_ratio(&report, "ratio retention run / raw deletes (time)");
}

#[test]
fn the_invitations_benchmark_runs_at_a_small_size_and_prints_its_ratios() {
    let report = bench(&["invitations", "--rows", "2000"]);
    assert!(report.contains("a 2000-row list"), "{report}");
    check_ratio(&report, "ratio checked / raw inserts");
    check_ratio(&report, "ratio imported / raw inserts");
}
