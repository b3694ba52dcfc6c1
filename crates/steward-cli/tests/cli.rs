//! The `steward` command against a real vault file and the real OS keyring
//! (gnome-keyring under `dbus-run-session`: run through `make test` or
//! `scripts/with-keyring.sh cargo test --all-features`). Secrets are read back
//! with `secret-tool`, the same way a person would check them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const OWNER_PASS: &str = "owner passphrase 1";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn steward(vault: &Path, args: &[&str], stdin: &str) -> Run {
    steward_env(vault, args, stdin, &[])
}

fn steward_env(vault: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.arg("--vault").arg(vault).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_command(cmd, stdin)
}

/// `steward ARGS…` with no `--vault`: what a customer runs on their own
/// computer.
fn steward_without_vault(args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.args(args);
    run_command(cmd, "")
}

fn run_command(cmd: Command, stdin: &str) -> Run {
    run_command_with(cmd, stdin, |_| {})
}

/// Runs `cmd`; `before_input` gets the process id before anything is
/// written to its standard input (so before it can log in).
fn run_command_with(mut cmd: Command, stdin: &str, before_input: impl FnOnce(u32)) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    before_input(child.id());
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "{}",
        run.stderr
    );
    // Usage errors (exit 2 from argument parsing) show the usage; every
    // other failure is a single line (besides warnings about what was saved).
    if run.code != 2 {
        assert!(
            run.stderr
                .lines()
                .filter(|l| !l.starts_with("steward: warning: "))
                .count()
                <= 1,
            "errors are one line: {}",
            run.stderr
        );
    }
    run
}

struct Shop {
    _dir: tempfile::TempDir,
    vault: PathBuf,
    vault_id: String,
    recovery_key: String,
}

fn init_shop() -> Shop {
    init_shop_in(tempfile::tempdir().unwrap())
}

fn init_shop_in(dir: tempfile::TempDir) -> Shop {
    let vault = dir.path().join("shop.steward");
    let run = steward(
        &vault,
        &[
            "init",
            "--shop",
            "Forn de la Plaça",
            "--owner",
            "olga",
            "--passphrase-stdin",
            "--json",
        ],
        &format!("{OWNER_PASS}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    Shop {
        vault_id: out["vaultId"].as_str().unwrap().to_owned(),
        recovery_key: out["recoveryKey"].as_str().unwrap().to_owned(),
        vault,
        _dir: dir,
    }
}

/// The device secret stored under our keyring entry, read with secret-tool.
fn secret_tool_lookup(vault_id: &str) -> Option<String> {
    secret_tool_lookup_account(&format!("device-{vault_id}"))
}

fn secret_tool_lookup_account(account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "steward", "username", account])
        .output()
        .expect("secret-tool (libsecret-tools) is installed");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn secret_tool_clear(vault_id: &str) {
    let status = Command::new("secret-tool")
        .args([
            "clear",
            "service",
            "steward",
            "username",
            &format!("device-{vault_id}"),
        ])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Issue 11 §1: `secret-tool search --all service steward` printed the raw
/// database key, and with it anyone at the user's terminal read everything.
#[test]
fn what_the_real_keyring_holds_does_not_open_the_vault_without_a_passphrase() {
    let shop = init_shop();
    let search = Command::new("secret-tool")
        .args(["search", "--all", "service", "steward"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&search.stdout).into_owned()
        + &String::from_utf8_lossy(&search.stderr);
    let secret = secret_tool_lookup(&shop.vault_id).expect("a device secret in the Secret Service");
    assert_eq!(secret.len(), 64, "256 bits in hex");
    assert!(listed.contains(&secret), "{listed}");
    assert!(secret_tool_lookup_account(&format!("vault-{}", shop.vault_id)).is_none());
    // Every secret the keyring lists, used as the database key, opens nothing.
    let mut tried = 0;
    for line in listed.lines() {
        let Some(value) = line.strip_prefix("secret = ") else {
            continue;
        };
        let key = steward_core::DbKey::from_hex(value.trim()).expect("a 256-bit secret");
        assert!(!steward_core::raw_key_reads_file_for_tests(
            &shop.vault,
            &key
        ));
        tried += 1;
    }
    assert!(tried >= 1, "{listed}");
    // With the owner's passphrase it opens.
    let run = steward(
        &shop.vault,
        &["--user", "olga", "--passphrase-stdin", "status"],
        &format!("{OWNER_PASS}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("users: 1 (1 active)"), "{}", run.stdout);
    // And the raw file does not start like a plain SQLite database.
    assert_ne!(
        &std::fs::read(&shop.vault).unwrap()[..15],
        b"SQLite format 3"
    );
}

#[test]
fn recovery_key_is_printed_once_in_eight_groups() {
    let shop = init_shop();
    assert_eq!(shop.recovery_key.split('-').count(), 8);
    let status = steward(&shop.vault, &["status"], "");
    assert!(!status.stdout.contains(&shop.recovery_key));
    // "Shown once" means kept nowhere: no file next to the vault (the
    // recovery file holds only what it wraps) contains the key itself.
    let compact = shop.recovery_key.replace('-', "");
    for entry in std::fs::read_dir(shop.vault.parent().unwrap()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&shop.recovery_key) && !text.contains(&compact));
    }
}

#[test]
fn status_shows_the_shop_without_a_sign_in_and_counts_with_one_and_no_personal_data() {
    let shop = init_shop();
    let run = steward(&shop.vault, &["status"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("shop: Forn de la Plaça"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("users who can sign in on this computer: 1"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("customers:"), "{}", run.stdout);
    let run = as_owner(&shop, &["status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema = format!("schema version: {}", steward_core::SCHEMA_VERSION);
    assert!(run.stdout.contains(&schema), "{}", run.stdout);
    assert!(run.stdout.contains("customers: 0"), "{}", run.stdout);
    assert!(run.stdout.contains("users: 1 (1 active)"));
    assert!(!run.stdout.contains("olga"));
}

#[test]
fn owner_adds_a_staff_user_who_must_choose_a_passphrase_and_cannot_manage_users() {
    let shop = init_shop();
    let v = &shop.vault;
    let add = steward(
        v,
        &[
            "--user",
            "olga",
            "--passphrase-stdin",
            "users",
            "add",
            "sam",
            "--role",
            "staff",
        ],
        &format!("{OWNER_PASS}\nsam initial pass\n"),
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let list = steward(
        v,
        &["--user", "olga", "--passphrase-stdin", "users", "list"],
        &format!("{OWNER_PASS}\n"),
    );
    assert!(
        list.stdout.contains("sam") && list.stdout.contains("must set passphrase"),
        "{}",
        list.stdout
    );

    // Before choosing their own passphrase, sam can do nothing else.
    let early = steward(
        v,
        &["--user", "sam", "--passphrase-stdin", "users", "list"],
        "sam initial pass\n",
    );
    assert_eq!(early.code, 3, "{}", early.stderr);
    let passwd = steward(
        v,
        &["--user", "sam", "--passphrase-stdin", "passwd"],
        "sam initial pass\nsam's own phrase\n",
    );
    assert_eq!(passwd.code, 0, "{}", passwd.stderr);

    // Staff calling an owner command is refused by the core, exit 3.
    let refused = steward(
        v,
        &[
            "--user",
            "sam",
            "--passphrase-stdin",
            "users",
            "add",
            "eve",
            "--role",
            "owner",
        ],
        "sam's own phrase\nsome passphrase\n",
    );
    assert_eq!(refused.code, 3);
    assert_eq!(
        refused.stderr.trim(),
        "steward: your role (staff) may not manage users"
    );
    let set_role = steward(
        v,
        &[
            "--user",
            "sam",
            "--passphrase-stdin",
            "users",
            "set-role",
            "sam",
            "owner",
        ],
        "sam's own phrase\n",
    );
    assert_eq!(set_role.code, 3);

    // Owner disables sam; sam can no longer log in.
    let dis = steward(
        v,
        &[
            "--user",
            "olga",
            "--passphrase-stdin",
            "users",
            "disable",
            "sam",
        ],
        &format!("{OWNER_PASS}\n"),
    );
    assert_eq!(dis.code, 0, "{}", dis.stderr);
    let after = steward(
        v,
        &["--user", "sam", "--passphrase-stdin", "passwd"],
        "sam's own phrase\nanother phrase 2\n",
    );
    // Disabling removed sam's key slot: the passphrase opens nothing, and
    // the answer is the same as for any wrong sign-in.
    assert_eq!(after.code, 4);
    assert!(
        after.stderr.contains("wrong username or passphrase"),
        "{}",
        after.stderr
    );
}

#[test]
fn wrong_passphrase_exits_4_and_says_nothing_about_which_part_was_wrong() {
    let shop = init_shop();
    let run = steward(
        &shop.vault,
        &["--user", "olga", "--passphrase-stdin", "users", "list"],
        "not it\n",
    );
    assert_eq!(run.code, 4);
    assert_eq!(run.stderr.trim(), "steward: wrong username or passphrase");
}

#[test]
fn passphrases_are_not_accepted_on_the_command_line() {
    let shop = init_shop();
    let run = steward(
        &shop.vault,
        &[
            "--user",
            "olga",
            "--passphrase",
            OWNER_PASS,
            "users",
            "list",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unexpected argument '--passphrase'"),
        "{}",
        run.stderr
    );
}

#[test]
fn lost_keyring_entry_is_explained_and_recover_restores_it() {
    let shop = init_shop();
    secret_tool_clear(&shop.vault_id);
    assert!(secret_tool_lookup(&shop.vault_id).is_none());
    let run = steward(&shop.vault, &["status"], "");
    assert_eq!(run.code, 5);
    assert!(
        run.stderr.contains("not in this computer's keyring")
            && run.stderr.contains("steward recover"),
        "{}",
        run.stderr
    );

    let wrong = steward(
        &shop.vault,
        &["recover", "--recovery-key-stdin"],
        "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789\n",
    );
    assert_eq!(wrong.code, 5);
    assert!(
        wrong.stderr.contains("recovery key does not open"),
        "{}",
        wrong.stderr
    );

    let ok = steward(
        &shop.vault,
        &["recover", "--recovery-key-stdin"],
        &format!("{}\n", shop.recovery_key.to_lowercase()),
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(secret_tool_lookup(&shop.vault_id).is_some());
    assert_eq!(steward(&shop.vault, &["status"], "").code, 0);
}

#[test]
fn owner_who_forgot_the_passphrase_sets_a_new_one_with_the_recovery_key() {
    let shop = init_shop();
    let run = steward(
        &shop.vault,
        &[
            "recover",
            "--recovery-key-stdin",
            "--reset-passphrase",
            "olga",
        ],
        &format!("{}\nbrand new passphrase\n", shop.recovery_key),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = steward(
        &shop.vault,
        &["--user", "olga", "--passphrase-stdin", "users", "list"],
        "brand new passphrase\n",
    );
    assert_eq!(list.code, 0, "{}", list.stderr);
}

#[test]
fn a_second_instance_is_told_the_vault_is_already_open() {
    let shop = init_shop();
    let _first = steward_core::Vault::open(
        &shop.vault,
        &steward_core::OsKeyring,
        "olga",
        &steward_core::Passphrase::new(OWNER_PASS.into()),
    )
    .unwrap();
    let run = steward(&shop.vault, &["status"], "");
    assert_eq!(run.code, 5);
    assert!(
        run.stderr.contains("already open in another window"),
        "{}",
        run.stderr
    );
}

#[test]
fn keyring_service_not_running_is_explained() {
    let shop = init_shop();
    let run = steward_env(
        &shop.vault,
        &["status"],
        "",
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/steward-test-bus",
        )],
    );
    assert_eq!(run.code, 5);
    assert!(
        run.stderr.contains("keyring is not available") && run.stderr.contains("recovery key"),
        "{}",
        run.stderr
    );
}

#[test]
fn files_that_are_not_vaults_get_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.db");
    // A plain SQLite database is told by its header (the core's tests make
    // a real one); the CLI's part is the message and the exit code.
    let mut header = b"SQLite format 3\0".to_vec();
    header.resize(4096, 0);
    std::fs::write(&plain, header).unwrap();
    let run = steward(&plain, &["status"], "");
    assert_eq!(run.code, 5);
    assert_eq!(
        run.stderr.trim(),
        "steward: this file is not a Steward vault: it is an unencrypted SQLite database"
    );
    let missing = steward(&dir.path().join("none.steward"), &["status"], "");
    assert!(missing.stderr.contains("no vault at") && missing.stderr.contains("steward init"));
}

#[test]
fn audit_verify_reports_intact_with_the_entry_count() {
    let shop = init_shop();
    let run = steward(
        &shop.vault,
        &["--user", "olga", "--passphrase-stdin", "audit", "verify"],
        &format!("{OWNER_PASS}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run.stdout.trim();
    assert!(
        line.starts_with("intact (") && line.ends_with(" consent records)"),
        "{line}"
    );
}

#[test]
fn init_refuses_a_weak_passphrase_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v.steward");
    let run = steward(
        &vault,
        &["init", "--shop", "S", "--owner", "o", "--passphrase-stdin"],
        "short\n",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("passphrase too weak"));
    assert!(!vault.exists());
}

#[test]
fn a_wrong_key_in_the_keyring_gets_one_clear_line_and_no_sqlcipher_noise() {
    let shop = init_shop();
    let mut store = Command::new("secret-tool")
        .args([
            "store",
            "--label",
            "steward test",
            "service",
            "steward",
            "username",
            &format!("device-{}", shop.vault_id),
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    store
        .stdin
        .take()
        .unwrap()
        .write_all("00".repeat(32).as_bytes())
        .unwrap();
    assert!(store.wait().unwrap().success());
    let before = std::fs::read(&shop.vault).unwrap();
    let run = steward(&shop.vault, &["status"], "");
    assert_eq!(run.code, 5);
    assert_eq!(
        run.stderr.trim(),
        format!(
            "steward: the sign-in file beside the vault ({}.keys.json) was changed outside Steward or is damaged; open the vault with the recovery key (`steward recover`)",
            shop.vault.canonicalize().unwrap().display()
        )
    );
    assert_eq!(
        std::fs::read(&shop.vault).unwrap(),
        before,
        "the vault is untouched"
    );
}

/// `steward --user olga --passphrase-stdin ARGS…` as the owner.
fn as_owner(shop: &Shop, args: &[&str]) -> Run {
    let mut all = vec!["--user", "olga", "--passphrase-stdin"];
    all.extend_from_slice(args);
    steward(&shop.vault, &all, &format!("{OWNER_PASS}\n"))
}

fn customers_in(shop: &Shop) -> i64 {
    let run = as_owner(shop, &["status", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    s["customers"].as_i64().unwrap()
}

fn join_args<'a>(receipt: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "customers",
        "join",
        "--lang",
        "ca",
        "--method",
        "paper",
        "--verified-by",
        "id-document",
        "--receipt-out",
        receipt,
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn a_paper_consent_form_records_a_customer_whose_receipts_verify() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let json = dir.join("receipt.json");
    let pdf = dir.join("receipt.pdf");
    let (json_s, pdf_s) = (json.to_str().unwrap(), pdf.to_str().unwrap());
    let run = as_owner(
        &shop,
        &join_args(
            json_s,
            &[
                "--purpose",
                "membership",
                "--purpose",
                "email-offers",
                "--field",
                "name=Núria Puigdomènech",
                "--field",
                "email=nuria@example.cat",
                "--receipt-pdf",
                pdf_s,
            ],
        ),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "1", "prints the new customer id");
    assert_eq!(customers_in(&shop), 1);

    for file in [json_s, pdf_s] {
        let ok = steward(&shop.vault, &["receipt", "verify", file], "");
        assert_eq!(ok.code, 0, "{}", ok.stderr);
        assert!(
            ok.stdout
                .starts_with("valid, signed by the shop Forn de la Plaça"),
            "{}",
            ok.stdout
        );
    }
    // One changed byte, in the JSON and in the PDF, makes them invalid.
    let text = std::fs::read_to_string(&json).unwrap();
    let forged = dir.join("forged.json");
    std::fs::write(&forged, text.replacen("\"EU\"", "\"ES\"", 1)).unwrap();
    let mut bytes = std::fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    let forged_pdf = dir.join("forged.pdf");
    std::fs::write(&forged_pdf, bytes).unwrap();
    for file in [&forged, &forged_pdf] {
        let bad = steward(
            &shop.vault,
            &["receipt", "verify", file.to_str().unwrap()],
            "",
        );
        assert_eq!(bad.code, 1);
        assert!(bad.stderr.contains("invalid"), "{}", bad.stderr);
    }
    // The receipt is never written over.
    let again = as_owner(
        &shop,
        &join_args(
            json_s,
            &["--purpose", "membership", "--field", "name=Jordi"],
        ),
    );
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(customers_in(&shop), 1);
}

/// The fingerprint of the shop's receipt-signing key, from `steward status`.
fn shop_key(shop: &Shop) -> String {
    let run = steward(&shop.vault, &["status", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    s["receiptKey"].as_str().unwrap().to_owned()
}

#[test]
fn receipt_verify_calls_a_receipt_the_shops_only_when_its_key_is_the_shops() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let joined = as_owner(
        &shop,
        &join_args(
            &path("join.json"),
            &[
                "--purpose",
                "membership",
                "--purpose",
                "email-offers",
                "--field",
                "name=Núria",
                "--field",
                "email=nuria@example.cat",
            ],
        ),
    );
    assert_eq!(joined.code, 0, "{}", joined.stderr);
    let (json, pdf) = (path("withdraw.json"), path("withdraw.pdf"));
    let withdrawn = as_owner(
        &shop,
        &[
            "consent",
            "withdraw",
            joined.stdout.trim(),
            "--purpose",
            "email-offers",
            "--receipt-out",
            &json,
            "--receipt-pdf",
            &pdf,
        ],
    );
    assert_eq!(withdrawn.code, 0, "{}", withdrawn.stderr);

    // The forger turns the withdrawal into a grant and signs it with a key
    // of their own, in JSON and as a PDF.
    let forger = steward_core::consent::receipts::forgery::ForeignKey::generate();
    let mut receipt: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    receipt["steward"]["kind"] = "consent".into();
    receipt["steward"]["decisions"][0]["decision"] = "grant".into();
    let forged_json = forger.sign_json(&receipt);
    let (forged, forged_pdf) = (path("forged.json"), path("forged.pdf"));
    std::fs::write(&forged, &forged_json).unwrap();
    std::fs::write(&forged_pdf, forger.sign_pdf(&forged_json).unwrap()).unwrap();

    let shop_key = shop_key(&shop);
    let vault = shop.vault.to_str().unwrap();
    let squashed_key = shop_key.replace(' ', "").to_uppercase();
    let not_checked = "not checked: whether this key is the shop's. Compare its fingerprint \
                       with the one printed on the shop's notice, or run again with --vault PATH \
                       (on the shop's computer) or --key FINGERPRINT.";
    for (genuine, forged, format) in [
        (json.as_str(), forged.as_str(), "json"),
        (pdf.as_str(), forged_pdf.as_str(), "pdf"),
    ] {
        // Without the shop's key: intact, signed by key …, and not vouched for.
        let alone = steward_without_vault(&["receipt", "verify", genuine]);
        assert_eq!(alone.code, 0, "{}", alone.stderr);
        assert_eq!(
            alone.stdout,
            format!(
                "intact: receipt {id} ({format}) is exactly as signed by key {shop_key}\n\
                 {not_checked}\n",
                id = receipt["consentReceiptID"].as_str().unwrap()
            )
        );
        let alone = steward_without_vault(&["receipt", "verify", forged]);
        assert_eq!(alone.code, 0, "{}", alone.stderr);
        assert!(
            alone.stdout.starts_with(&format!(
                "intact: receipt {} ({format}) is exactly as signed by key {}\n",
                receipt["consentReceiptID"].as_str().unwrap(),
                forger.fingerprint()
            )),
            "{}",
            alone.stdout
        );
        assert!(!alone.stdout.contains("the shop Forn"), "{}", alone.stdout);

        // With the shop's vault, or the fingerprint the shop gave out.
        for check in [["--vault", vault], ["--key", squashed_key.as_str()]] {
            let ok = steward_without_vault(&[&["receipt", "verify", genuine], &check[..]].concat());
            assert_eq!(ok.code, 0, "{}", ok.stderr);
            assert_eq!(
                ok.stdout,
                format!(
                    "valid, signed by the shop Forn de la Plaça: receipt {} ({format}), key {shop_key}\n",
                    receipt["consentReceiptID"].as_str().unwrap()
                )
            );
            let bad = steward_without_vault(&[&["receipt", "verify", forged], &check[..]].concat());
            assert_eq!(bad.code, 1, "{}", bad.stdout);
            assert_eq!(bad.stdout, "");
            assert_eq!(
                bad.stderr,
                format!(
                    "steward: invalid: signed by key {}, which is not this shop's key ({shop_key})\n",
                    forger.fingerprint()
                )
            );
        }
    }
    // A key that is not a fingerprint is a usage mistake, not a verdict.
    let typo = steward_without_vault(&["receipt", "verify", &json, "--key", "abcd"]);
    assert_eq!(typo.code, 2, "{}", typo.stderr);
    // --json says the same in fields.
    let out = steward_without_vault(&["receipt", "verify", &forged, "--key", &shop_key, "--json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["keyFingerprint"], forger.fingerprint());
    assert_eq!(v["expectedKey"], shop_key);
    let out = steward_without_vault(&["receipt", "verify", &json, "--json"]);
    assert_eq!(out.code, 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["shopKeyConfirmed"], false);
    assert_eq!(v["keyFingerprint"], shop_key);
}

#[test]
fn a_paper_form_without_membership_or_with_an_unticked_purposes_field_stores_nothing() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let receipt = dir.join("r.json");
    let r = receipt.to_str().unwrap();
    let no_membership = as_owner(
        &shop,
        &join_args(
            r,
            &[
                "--purpose",
                "email-offers",
                "--field",
                "name=Núria",
                "--field",
                "email=n@example.cat",
            ],
        ),
    );
    assert_eq!(no_membership.code, 1);
    assert!(
        no_membership.stderr.contains("'membership'"),
        "{}",
        no_membership.stderr
    );
    assert!(no_membership.stderr.contains("nothing was stored"));

    // E-mail is collected, but only e-mail offers and membership need it;
    // here only loyalty was ticked besides membership... which does need it.
    // A phone number, though, is switched off out of the box.
    let disabled = as_owner(
        &shop,
        &join_args(
            r,
            &[
                "--purpose",
                "membership",
                "--field",
                "name=Núria",
                "--field",
                "phone=+34612345678",
            ],
        ),
    );
    assert_eq!(disabled.code, 1);
    assert!(
        disabled.stderr.contains("does not collect 'phone'"),
        "{}",
        disabled.stderr
    );

    let on = as_owner(&shop, &["fields", "enable", "birth_date"]);
    assert_eq!(on.code, 0, "{}", on.stderr);
    let unticked = as_owner(
        &shop,
        &join_args(
            r,
            &[
                "--purpose",
                "membership",
                "--field",
                "name=Núria",
                "--field",
                "birth_date=1990-02-28",
            ],
        ),
    );
    assert_eq!(unticked.code, 1);
    assert!(
        unticked.stderr.contains("'birth_date'"),
        "{}",
        unticked.stderr
    );
    assert!(!unticked.stderr.contains("1990"), "no value in errors");

    assert_eq!(customers_in(&shop), 0);
    assert!(!receipt.exists());
}

#[test]
fn withdrawing_from_the_command_line_writes_a_receipt_and_the_history_shows_it() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let joined = dir.join("join.json");
    let run = as_owner(
        &shop,
        &join_args(
            joined.to_str().unwrap(),
            &[
                "--purpose",
                "membership",
                "--purpose",
                "loyalty",
                "--field",
                "name=Núria",
            ],
        ),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.stdout.trim().to_owned();

    let g = dir.join("grant.json");
    let granted = as_owner(
        &shop,
        &[
            "consent",
            "grant",
            &id,
            "--lang",
            "ca",
            "--purpose",
            "email-offers",
            "--field",
            "email=nuria@example.cat",
            "--verified-by",
            "known-customer",
            "--receipt-out",
            g.to_str().unwrap(),
        ],
    );
    assert_eq!(granted.code, 0, "{}", granted.stderr);
    let w = dir.join("withdraw.json");
    let out = as_owner(
        &shop,
        &[
            "consent",
            "withdraw",
            &id,
            "--purpose",
            "loyalty",
            "--receipt-out",
            w.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let verified = steward(&shop.vault, &["receipt", "verify", w.to_str().unwrap()], "");
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    let receipt: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&w).unwrap()).unwrap();
    assert_eq!(receipt["steward"]["kind"], "withdrawal");
    assert_eq!(receipt["language"], "ca", "the customer's own language");

    let history = as_owner(&shop, &["--json", "consent", "history", &id]);
    assert_eq!(history.code, 0, "{}", history.stderr);
    let h: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    let decisions: Vec<(&str, &str)> = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["purpose"] == "loyalty")
        .map(|e| {
            (
                e["purpose"].as_str().unwrap(),
                e["decision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(decisions, [("loyalty", "grant"), ("loyalty", "withdraw")]);
    let current: Vec<&str> = h["current"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["granted"] == true)
        .map(|c| c["purpose"].as_str().unwrap())
        .collect();
    assert_eq!(current, ["email-offers", "membership"]);
    assert!(
        !history.stdout.contains("Núria"),
        "the ledger holds no names"
    );
    // Withdrawing membership erases the customer; the receipt is the
    // erasure confirmation.
    let membership = as_owner(
        &shop,
        &[
            "consent",
            "withdraw",
            &id,
            "--purpose",
            "membership",
            "--receipt-out",
            dir.join("m.json").to_str().unwrap(),
        ],
    );
    assert_eq!(membership.code, 0, "{}", membership.stderr);
    let erased: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("m.json")).unwrap()).unwrap();
    assert_eq!(erased["steward"]["kind"], "erasure");
    let gone = as_owner(&shop, &["consent", "history", &id]);
    assert_ne!(gone.code, 0, "{}", gone.stdout);
}

#[test]
fn the_notice_prints_in_each_language_and_only_the_owner_changes_purposes() {
    let shop = init_shop();
    let ca = as_owner(&shop, &["notice", "show", "--lang", "ca"]);
    assert_eq!(ca.code, 0, "{}", ca.stderr);
    assert!(ca.stdout.contains("Condició de soci"), "{}", ca.stdout);
    assert!(ca.stdout.contains("(notice version 1"));
    let id = as_owner(&shop, &["notice", "show", "--lang", "id"]);
    assert!(id.stdout.contains("Keanggotaan"), "{}", id.stdout);

    let add = as_owner(
        &shop,
        &[
            "purposes",
            "add",
            "workshops",
            "--name",
            "Workshop invitations",
            "--description",
            "We invite you to our baking workshops by e-mail.",
            "--field",
            "email",
            "--retention-days",
            "365",
        ],
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert!(add.stdout.contains("version 2"), "{}", add.stdout);
    let v1 = as_owner(&shop, &["notice", "show", "--lang", "en", "--version", "1"]);
    assert!(
        !v1.stdout.contains("Workshop invitations"),
        "old versions are kept as they were"
    );

    let staff = steward(
        &shop.vault,
        &[
            "--user",
            "olga",
            "--passphrase-stdin",
            "users",
            "add",
            "sam",
            "--role",
            "staff",
        ],
        &format!("{OWNER_PASS}\nsam initial pass\n"),
    );
    assert_eq!(staff.code, 0, "{}", staff.stderr);
    let passwd = steward(
        &shop.vault,
        &["--user", "sam", "--passphrase-stdin", "passwd"],
        "sam initial pass\nsam's own phrase\n",
    );
    assert_eq!(passwd.code, 0, "{}", passwd.stderr);
    let refused = steward(
        &shop.vault,
        &[
            "--user",
            "sam",
            "--passphrase-stdin",
            "fields",
            "enable",
            "phone",
        ],
        "sam's own phrase\n",
    );
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("your role (staff) may not"),
        "{}",
        refused.stderr
    );
}

/// Adds a user with `role` who has chosen their own passphrase
/// (`<name> own passphrase`).
fn add_user(shop: &Shop, name: &str, role: &str) {
    let add = as_owner_with(
        shop,
        &["users", "add", name, "--role", role],
        &format!("{name} initial pass\n"),
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let passwd = steward(
        &shop.vault,
        &["--user", name, "--passphrase-stdin", "passwd"],
        &format!("{name} initial pass\n{name} own passphrase\n"),
    );
    assert_eq!(passwd.code, 0, "{}", passwd.stderr);
}

fn as_owner_with(shop: &Shop, args: &[&str], more_stdin: &str) -> Run {
    let mut all = vec!["--user", "olga", "--passphrase-stdin"];
    all.extend_from_slice(args);
    steward(&shop.vault, &all, &format!("{OWNER_PASS}\n{more_stdin}"))
}

fn as_user(shop: &Shop, name: &str, args: &[&str]) -> Run {
    let mut all = vec!["--user", name, "--passphrase-stdin"];
    all.extend_from_slice(args);
    steward(&shop.vault, &all, &format!("{name} own passphrase\n"))
}

fn json_keys(v: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[test]
fn the_till_commands_show_each_role_its_own_view_and_refuse_the_same_way() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap().to_owned();
    for field in ["phone", "birth_date"] {
        assert_eq!(as_owner(&shop, &["fields", "enable", field]).code, 0);
    }
    let receipt = dir.join("r1.json");
    let receipt = receipt.to_str().unwrap();
    let join = as_owner(
        &shop,
        &join_args(
            receipt,
            &[
                "--purpose",
                "membership",
                "--purpose",
                "loyalty",
                "--purpose",
                "birthday-offer",
                "--field",
                "name=Núria Puigdomènech",
                "--field",
                "email=nuria@example.cat",
                "--field",
                "phone=+34 600 123 456",
                "--field",
                "birth_date=1990-04-12",
            ],
        ),
    );
    assert_eq!(join.code, 0, "{}", join.stderr);
    let id = join.stdout.trim().to_owned();
    add_user(&shop, "sam", "staff");
    add_user(&shop, "mia", "marketing");
    add_user(&shop, "aud", "auditor");

    // Staff find her by three letters, without accents, and see the till hit.
    let found = as_user(&shop, "sam", &["customers", "search", "nur", "--json"]);
    assert_eq!(found.code, 0, "{}", found.stderr);
    let res: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
    assert_eq!(res["view"], "till");
    assert_eq!(json_keys(&res["hits"][0]), ["id", "loyaltyNumber", "name"]);
    let short = as_user(&shop, "sam", &["customers", "search", "nu"]);
    assert_eq!(short.code, 1);
    assert!(short.stderr.contains("at least 3"), "{}", short.stderr);

    // The profile: staff's till view has no birth date, e-mail or phone.
    let show = as_user(
        &shop,
        "sam",
        &[
            "customers",
            "show",
            &id,
            "--purpose",
            "serve-at-till",
            "--json",
        ],
    );
    assert_eq!(show.code, 0, "{}", show.stderr);
    let till: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(
        json_keys(&till),
        [
            "contactPreference",
            "id",
            "loyalty",
            "name",
            "openTasks",
            "recentNotes",
            "recentPurchases",
            "tags",
            "view"
        ]
    );
    for hidden in ["1990-04-12", "nuria@example.cat", "600123456"] {
        assert!(!show.stdout.contains(hidden));
    }
    let complaint = as_user(
        &shop,
        "sam",
        &["customers", "show", &id, "--purpose", "complaint"],
    );
    assert_eq!(complaint.code, 3, "{}", complaint.stderr);

    // The owner's full view holds every field.
    let full = as_owner(
        &shop,
        &[
            "customers",
            "show",
            &id,
            "--purpose",
            "customer-request",
            "--json",
        ],
    );
    let full: serde_json::Value = serde_json::from_str(&full.stdout).unwrap();
    assert_eq!(full["view"], "full");
    assert_eq!(
        json_keys(&full["fields"]),
        ["birth_date", "email", "name", "phone"]
    );

    // Marketing: only what the birthday offer covers.
    let mk = as_user(
        &shop,
        "mia",
        &["customers", "show", &id, "--purpose", "campaign", "--json"],
    );
    assert_eq!(mk.code, 0, "{}", mk.stderr);
    let mk: serde_json::Value = serde_json::from_str(&mk.stdout).unwrap();
    assert_eq!(json_keys(&mk["fields"]), ["birth_date", "email"]);
    assert_eq!(
        as_user(&shop, "mia", &["customers", "search", "nuria"]).code,
        3
    );
    assert_eq!(
        as_user(
            &shop,
            "aud",
            &["customers", "show", &id, "--purpose", "serve-at-till"]
        )
        .code,
        3
    );

    // Purchases and notes at the till; a card number is refused, nothing stored.
    let buy = as_user(
        &shop,
        "sam",
        &[
            "purchases",
            "add",
            &id,
            "--item",
            "2 x Pa de sègol @ 3.20",
            "--item",
            "Coca @ 12,75",
            "--json",
        ],
    );
    assert_eq!(buy.code, 0, "{}", buy.stderr);
    let bought: serde_json::Value = serde_json::from_str(&buy.stdout).unwrap();
    assert_eq!(bought["totalCents"], 1915);
    assert_eq!(bought["points"], 19);
    // Only the amount spent, as the till shows it; never both.
    let amount = as_user(
        &shop,
        "sam",
        &["purchases", "add", &id, "--amount", "12,50", "--json"],
    );
    assert_eq!(amount.code, 0, "{}", amount.stderr);
    let amount: serde_json::Value = serde_json::from_str(&amount.stdout).unwrap();
    assert_eq!(amount["totalCents"], 1250);
    assert_eq!(amount["items"], serde_json::json!([]));
    assert_eq!(
        as_user(
            &shop,
            "sam",
            &["purchases", "add", &id, "--amount", "1", "--item", "x @ 1"]
        )
        .code,
        2
    );
    // Quick switch: off until the owner allows PINs; then staff set their own.
    let no_pin = steward(
        &shop.vault,
        &["--user", "sam", "--passphrase-stdin", "users", "set-pin"],
        "sam own passphrase\nsam own passphrase\n2580\n",
    );
    assert_eq!(no_pin.code, 4, "{}", no_pin.stderr);
    assert!(no_pin.stderr.contains("PIN"), "{}", no_pin.stderr);
    assert_eq!(as_owner(&shop, &["settings", "quick-switch", "on"]).code, 0);
    assert_eq!(
        as_user(&shop, "sam", &["settings", "quick-switch", "off"]).code,
        3
    );
    let pin = steward(
        &shop.vault,
        &["--user", "sam", "--passphrase-stdin", "users", "set-pin"],
        "sam own passphrase\nsam own passphrase\n2580\n",
    );
    assert_eq!(pin.code, 0, "{}", pin.stderr);
    assert!(!pin.stdout.contains("2580"));
    let weak = steward(
        &shop.vault,
        &["--user", "sam", "--passphrase-stdin", "users", "set-pin"],
        "sam own passphrase\nsam own passphrase\n1234\n",
    );
    assert_eq!(weak.code, 1, "{}", weak.stderr);
    assert_eq!(as_owner(&shop, &["users", "clear-pin", "sam"]).code, 0);

    let note = as_user(&shop, "sam", &["notes", "add", &id, "Prefers the rye loaf"]);
    assert_eq!(note.code, 0, "{}", note.stderr);
    let card = as_user(
        &shop,
        "sam",
        &["notes", "add", &id, "card 4111 1111 1111 1111"],
    );
    assert_eq!(card.code, 1);
    assert!(
        card.stderr.contains("card number") && !card.stderr.contains("4111"),
        "{}",
        card.stderr
    );
    assert_eq!(
        as_user(&shop, "mia", &["notes", "add", &id, "hello"]).code,
        3
    );
    assert_eq!(
        as_user(&shop, "aud", &["purchases", "add", &id, "--item", "x @ 1"]).code,
        3
    );

    // Corrections are the owner's and manager's, validated per field.
    let bad = as_owner(
        &shop,
        &["customers", "correct", &id, "--field", "phone=600123456"],
    );
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("phone") && bad.stderr.contains("international"),
        "{}",
        bad.stderr
    );
    assert_eq!(
        as_user(
            &shop,
            "sam",
            &["customers", "correct", &id, "--field", "name=X"]
        )
        .code,
        3
    );

    // The auditor reads who looked and why, with field names only.
    let log = as_user(
        &shop,
        "aud",
        &["audit", "log", "--customer", &id, "--by", "sam", "--json"],
    );
    assert_eq!(log.code, 0, "{}", log.stderr);
    let entries: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    let view = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "customer.view")
        .expect("the staff view is logged");
    assert_eq!(view["purpose"], "serve-at-till");
    assert!(!log.stdout.contains("Núria") && !log.stdout.contains("Prefers"));
    assert_eq!(as_user(&shop, "sam", &["audit", "log"]).code, 3);
}

/// Issue 12 §4: `recipients add`, `hand-over` (only consenting customers,
/// only the purpose's fields, never over a file) and `received`.
#[test]
fn the_owner_hands_a_recipient_only_what_its_purpose_covers() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let receipt = dir.join("r1.json");
    let joined = as_owner(
        &shop,
        &join_args(
            receipt.to_str().unwrap(),
            &[
                "--purpose",
                "membership",
                "--purpose",
                "email-offers",
                "--field",
                "name=Jordi Vila",
                "--field",
                "email=jordi@example.cat",
            ],
        ),
    );
    assert_eq!(joined.code, 0, "{}", joined.stderr);
    let add = as_owner(
        &shop,
        &[
            "--json",
            "recipients",
            "add",
            "--name",
            "Correus Ràpids SL",
            "--receives",
            "the e-mail address",
            "--purpose",
            "email-offers",
            "--country",
            "ES",
            "--agreement-date",
            "2026-10-01",
            "--agreement-ref",
            "DPA-7",
        ],
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let id = serde_json::from_str::<serde_json::Value>(&add.stdout).unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let csv = dir.join("handover.csv");
    let out = as_owner(
        &shop,
        &[
            "recipients",
            "hand-over",
            &id,
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text, "customer,email\r\n1,jordi@example.cat\r\n");
    // Never over an existing file.
    let again = as_owner(
        &shop,
        &[
            "recipients",
            "hand-over",
            &id,
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(again.code, 2, "{}", again.stderr);
    let received = as_owner(&shop, &["recipients", "received", "1"]);
    assert_eq!(received.code, 0, "{}", received.stderr);
    assert!(
        received.stdout.contains("Correus Ràpids SL  email"),
        "{}",
        received.stdout
    );
}

#[test]
fn restricting_lifting_and_objecting_from_the_command_line() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap().to_owned();
    let joined = dir.join("join.json");
    let join = as_owner(
        &shop,
        &join_args(
            joined.to_str().unwrap(),
            &[
                "--purpose",
                "membership",
                "--purpose",
                "email-offers",
                "--purpose",
                "sms-offers",
                "--field",
                "name=Núria Puigdomènech",
                "--field",
                "email=nuria@example.cat",
            ],
        ),
    );
    assert_eq!(join.code, 0, "{}", join.stderr);
    let id = join.stdout.trim().to_owned();
    add_user(&shop, "sam", "staff");

    // Staff may not restrict (exit 3); the owner may, with a category.
    let refused = as_user(
        &shop,
        "sam",
        &["customers", "restrict", &id, "--category", "legal-claim"],
    );
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    let bad = as_owner(
        &shop,
        &["customers", "restrict", &id, "--category", "because"],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let reason = "Says the e-mail is an old one";
    let restricted = as_owner(
        &shop,
        &[
            "--json",
            "customers",
            "restrict",
            &id,
            "--category",
            "accuracy-contested",
            "--reason",
            reason,
        ],
    );
    assert_eq!(restricted.code, 0, "{}", restricted.stderr);
    let r: serde_json::Value = serde_json::from_str(&restricted.stdout).unwrap();
    assert_eq!(r["category"], "accuracy-contested");
    assert_eq!(r["reason"], reason);

    // Staff no longer find her; the owner sees her marked; nobody adds a note.
    let found = as_user(&shop, "sam", &["--json", "customers", "search", "nuria"]);
    assert_eq!(found.code, 0, "{}", found.stderr);
    let f: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
    assert_eq!(f["hits"].as_array().unwrap().len(), 0);
    let owner_found = as_owner(&shop, &["customers", "search", "nuria"]);
    assert!(
        owner_found.stdout.contains("[restricted]"),
        "{}",
        owner_found.stdout
    );
    let show = as_owner(
        &shop,
        &["customers", "show", &id, "--purpose", "customer-request"],
    );
    assert!(show.stdout.contains("RESTRICTED"), "{}", show.stdout);
    assert!(show.stdout.contains(reason));
    let note = as_owner(&shop, &["notes", "add", &id, "Called"]);
    assert_eq!(note.code, 3, "{}", note.stderr);
    assert!(note.stderr.contains("restricted"), "{}", note.stderr);
    assert!(!note.stderr.contains(reason));

    // The objection still works while restricted: one receipt, every
    // marketing purpose withdrawn.
    let receipt = dir.join("object.json");
    let object = as_user(
        &shop,
        "sam",
        &[
            "--json",
            "customers",
            "object",
            &id,
            "--verified-by",
            "known-customer",
            "--receipt-out",
            receipt.to_str().unwrap(),
        ],
    );
    assert_eq!(object.code, 0, "{}", object.stderr);
    let verified = steward(
        &shop.vault,
        &["receipt", "verify", receipt.to_str().unwrap()],
        "",
    );
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    let text = std::fs::read_to_string(&receipt).unwrap();
    assert!(text.contains("email-offers") && text.contains("sms-offers"));
    let again = dir.join("again.json");
    let nothing = as_owner(
        &shop,
        &[
            "customers",
            "object",
            &id,
            "--verified-by",
            "known-customer",
            "--receipt-out",
            again.to_str().unwrap(),
        ],
    );
    assert_ne!(nothing.code, 0);
    assert!(!again.exists());

    // Lifted: notes work again; lifting twice says there is nothing to lift.
    let lifted = as_owner(&shop, &["customers", "unrestrict", &id]);
    assert_eq!(lifted.code, 0, "{}", lifted.stderr);
    assert_eq!(as_owner(&shop, &["notes", "add", &id, "Called"]).code, 0);
    let twice = as_owner(&shop, &["customers", "unrestrict", &id]);
    assert_eq!(twice.code, 1, "{}", twice.stderr);
}

#[test]
fn the_owner_sets_the_search_limit_and_a_search_past_it_exits_3() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap().to_owned();
    for (i, name) in ["Abril Roca", "Bruna Roca"].into_iter().enumerate() {
        let receipt = dir.join(format!("r{i}.json"));
        let field = format!("name={name}");
        let join = as_owner(
            &shop,
            &join_args(
                receipt.to_str().unwrap(),
                &["--purpose", "membership", "--field", &field],
            ),
        );
        assert_eq!(join.code, 0, "{}", join.stderr);
    }
    add_user(&shop, "sam", "staff");

    // Only the owner sets it, within its bounds.
    let staff_sets = as_user(&shop, "sam", &["settings", "search-limit", "500"]);
    assert_eq!(staff_sets.code, 3, "{}", staff_sets.stderr);
    let too_many = as_owner(&shop, &["settings", "search-limit", "1001"]);
    assert_eq!(too_many.code, 1, "{}", too_many.stderr);
    assert!(too_many.stderr.contains("1000"), "{}", too_many.stderr);
    let set = as_owner(&shop, &["settings", "search-limit", "1", "--json"]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    let out: serde_json::Value = serde_json::from_str(&set.stdout).unwrap();
    assert_eq!(out["searchLimitPerHour"], 1);

    // One customer is within a limit of 1; two Rocas would pass it.
    let one = as_user(&shop, "sam", &["customers", "search", "abril o"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.contains("Abril Roca"), "{}", one.stdout);
    assert!(one.stdout.contains("left out"), "{}", one.stdout);
    let past = as_user(&shop, "sam", &["customers", "search", "roca"]);
    assert_eq!(past.code, 3, "{}", past.stderr);
    assert!(
        past.stderr.contains("owner has been told") && past.stderr.contains("60 minutes"),
        "{}",
        past.stderr
    );
    assert!(!past.stdout.contains("Roca") && !past.stderr.contains("Roca"));
    // And every search after it, for the hour.
    assert_eq!(
        as_user(&shop, "sam", &["customers", "search", "abril"]).code,
        3
    );
    // The owner reads the alert in the access log: counts, no customer.
    let log = as_owner(
        &shop,
        &[
            "audit",
            "log",
            "--action",
            "customer.search_limit",
            "--json",
        ],
    );
    assert_eq!(log.code, 0, "{}", log.stderr);
    let entries: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0]["subject"]
        .as_str()
        .unwrap()
        .ends_with("revealed:1 limit:1"));
    assert!(!log.stdout.contains("customer:"));
}

/// Every file in a ZIP, by name.
fn unzip_all(
    bytes: &[u8],
    passphrase: Option<&str>,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = match passphrase {
            Some(p) => archive.by_index_decrypt(i, p.as_bytes()).unwrap(),
            None => archive.by_index(i).unwrap(),
        };
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        out.insert(file.name().to_owned(), data);
    }
    out
}

#[test]
fn customers_export_writes_a_zip_whose_manifest_verifies_and_a_changed_byte_fails() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let receipt = dir.join("join.json");
    let run = as_owner(
        &shop,
        &join_args(
            receipt.to_str().unwrap(),
            &[
                "--purpose",
                "membership",
                "--field",
                "name=Núria Puigdomènech",
            ],
        ),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    add_user(&shop, "bartomeu", "staff");
    let out = dir.join("export.zip");
    let out_s = out.to_str().unwrap();

    // Staff may not export: exit 3, nothing written.
    let refused = as_user(
        &shop,
        "bartomeu",
        &["customers", "export", "1", "--out", out_s],
    );
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(!out.exists());

    let run = as_owner(
        &shop,
        &[
            "customers",
            "export",
            "1",
            "--out",
            out_s,
            "--lang",
            "es",
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["lang"], "es");
    assert_eq!(summary["encrypted"], false);
    assert!(summary.get("zip").is_none(), "the ZIP is never printed");
    let bytes = std::fs::read(&out).unwrap();
    let files = unzip_all(&bytes, None);
    for name in [
        "index.html",
        "report.pdf",
        "data.json",
        "manifest.json",
        "purchases.csv",
        "access_history.csv",
    ] {
        assert!(files.contains_key(name), "{name} missing");
    }
    assert!(String::from_utf8_lossy(&files["index.html"]).contains("Núria Puigdomènech"));
    assert!(files
        .keys()
        .any(|n| n.starts_with("receipts/") && n.ends_with(".pdf")));
    // The system's own unzip reads it too.
    if let Ok(t) = Command::new("unzip").arg("-tq").arg(&out).output() {
        assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stdout));
    }

    // An existing --out is refused, and left as it was.
    let again = as_owner(&shop, &["customers", "export", "1", "--out", out_s]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), bytes);

    // Verified against the shop's key, from the vault (no sign-in).
    let ok = steward(&shop.vault, &["export", "verify", out_s], "");
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout
            .contains("valid, signed by the shop Forn de la Plaça"),
        "{}",
        ok.stdout
    );
    let alone = steward_without_vault(&["export", "verify", out_s, "--json"]);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    let v: serde_json::Value = serde_json::from_str(&alone.stdout).unwrap();
    assert_eq!(v["shopKeyConfirmed"], false);
    assert_eq!(v["exportId"], summary["exportId"]);

    // One changed byte in a file inside, repacked: verify fails.
    let mut changed = files.clone();
    changed.get_mut("index.html").unwrap()[20] ^= 1;
    let tampered = dir.join("tampered.zip");
    {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(std::fs::File::create(&tampered).unwrap());
        for (name, data) in &changed {
            w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    let bad = steward(
        &shop.vault,
        &["export", "verify", tampered.to_str().unwrap()],
        "",
    );
    assert_eq!(bad.code, 1, "{}", bad.stdout);
    assert!(
        bad.stderr
            .contains("index.html does not match the manifest"),
        "{}",
        bad.stderr
    );
    // One changed byte in the ZIP as written: verify fails.
    let mut flipped = bytes.clone();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x01;
    let flipped_path = dir.join("flipped.zip");
    std::fs::write(&flipped_path, &flipped).unwrap();
    let bad = steward(
        &shop.vault,
        &["export", "verify", flipped_path.to_str().unwrap()],
        "",
    );
    assert_eq!(bad.code, 1, "{}", bad.stderr);
}

#[test]
fn an_export_with_a_zip_passphrase_is_encrypted_and_verifies_with_it() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let receipt = dir.join("join.json");
    let run = as_owner(
        &shop,
        &join_args(
            receipt.to_str().unwrap(),
            &[
                "--purpose",
                "membership",
                "--field",
                "name=Núria Puigdomènech",
            ],
        ),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir.join("sealed.zip");
    let out_s = out.to_str().unwrap();
    let run = as_owner_with(
        &shop,
        &[
            "customers",
            "export",
            "1",
            "--out",
            out_s,
            "--zip-passphrase-stdin",
        ],
        "a long zip passphrase\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("encrypted with AES-256"),
        "{}",
        run.stdout
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("Puigdom"));
    let files = unzip_all(&bytes, Some("a long zip passphrase"));
    assert!(files.contains_key("manifest.json"));
    let without = steward(&shop.vault, &["export", "verify", out_s], "");
    assert_eq!(without.code, 1);
    assert!(without.stderr.contains("encrypted"), "{}", without.stderr);
    let with = steward(
        &shop.vault,
        &["export", "verify", out_s, "--zip-passphrase-stdin"],
        "a long zip passphrase\n",
    );
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert!(
        with.stdout.contains("valid, signed by the shop"),
        "{}",
        with.stdout
    );
}

/// Issue 11 §7: a script that runs a join again with the same `--form-id`
/// (it never saw the first run's answer) records one customer and is told
/// the first run's number; other answers under that id are refused.
#[test]
fn a_join_run_twice_with_the_same_form_id_records_one_customer() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let form_id = "3b0e7a52-91c4-4d7e-8f7a-6c2d9e1f4a10";
    let receipt = |n: &str| dir.join(format!("receipt-{n}.json"));
    let (r1, r2, r3) = (receipt("1"), receipt("2"), receipt("3"));
    let join = |out: &Path, name: &str| {
        let name = format!("name={name}");
        as_owner(
            &shop,
            &join_args(
                out.to_str().unwrap(),
                &[
                    "--purpose",
                    "membership",
                    "--field",
                    &name,
                    "--form-id",
                    form_id,
                ],
            ),
        )
    };
    let first = join(&r1, "Núria");
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = join(&r2, "Núria");
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(second.stdout, first.stdout, "the same customer number");
    assert!(
        second.stderr.contains("Already recorded"),
        "{}",
        second.stderr
    );
    assert_eq!(
        std::fs::read(&r1).unwrap(),
        std::fs::read(&r2).unwrap(),
        "the same receipt"
    );
    assert_eq!(customers_in(&shop), 1);

    let other = join(&r3, "Pere");
    assert_eq!(other.code, 1, "{}", other.stderr);
    assert!(
        other.stderr.contains("already recorded"),
        "{}",
        other.stderr
    );
    assert!(!other.stderr.contains("Pere") && !other.stderr.contains("Núria"));
    assert_eq!(customers_in(&shop), 1);

    let bad_id = as_owner(
        &shop,
        &join_args(
            r3.to_str().unwrap(),
            &["--purpose", "membership", "--form-id", "42"],
        ),
    );
    assert_eq!(bad_id.code, 2, "{}", bad_id.stderr);
    assert!(bad_id.stderr.contains("UUID"), "{}", bad_id.stderr);
}

/// Issue 11 §7: the customer was saved but the audit anchor could not be
/// written after it: the join succeeds (exit 0, the number on stdout) and
/// stderr carries a warning that the anchor lags and the next change
/// repairs it; the next run repairs it and says nothing.
#[test]
fn a_join_saved_while_the_anchor_cannot_be_written_exits_0_with_a_warning() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap().to_owned();
    let receipt = dir.join("receipt.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_steward"));
    cmd.arg("--vault")
        .arg(&shop.vault)
        .args(["--user", "olga", "--passphrase-stdin"]);
    cmd.args(join_args(
        receipt.to_str().unwrap(),
        &["--purpose", "membership", "--field", "name=Núria"],
    ));
    // The anchor is replaced through a temporary file named after the
    // process; a folder in its place makes every anchor write of this run
    // fail, as a full disk would, while the anchor itself stays readable.
    let run = run_command_with(cmd, &format!("{OWNER_PASS}\n"), |pid| {
        std::fs::create_dir(dir.join(format!(".shop.steward.audit-head.tmp-{pid}"))).unwrap();
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "1");
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("steward: warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "said once: {}", run.stderr);
    assert!(warnings[0].contains("anchor"), "{}", run.stderr);
    assert!(warnings[0].contains("next change"), "{}", run.stderr);
    assert!(!run.stderr.contains("Núria"));
    assert_eq!(customers_in(&shop), 1);

    let next = as_owner(&shop, &["audit", "verify"]);
    assert_eq!(next.code, 0, "{}{}", next.stdout, next.stderr);
    assert!(!next.stderr.contains("warning"), "{}", next.stderr);
}

/// Issue 12 §3: `customers erase` erases a customer, writes the signed
/// confirmation as a PDF (never over a file), and `residue-scan` (the text
/// on standard input, never logged) finds nothing of them afterwards, while
/// it still finds a kept customer; staff may do neither; `erasures` lists
/// the destruction record without personal data.
#[test]
fn a_customer_erased_from_the_command_line_leaves_no_residue_and_a_confirmation() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap().to_owned();
    let receipt = dir.join("join.json");
    let join = |name: &str, out: &Path| {
        let field = format!("name={name}");
        let run = as_owner(
            &shop,
            &join_args(
                out.to_str().unwrap(),
                &["--purpose", "membership", "--field", &field],
            ),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout.trim().to_owned()
    };
    let erased = join("Quorvath Plimsendow", &receipt);
    join("Brannoch Teskewill", &dir.join("join-2.json"));
    let scan = |text: &str| {
        let run = as_owner_with(&shop, &["--json", "residue-scan"], &format!("{text}\n"));
        assert_eq!(run.code, 0, "{}", run.stderr);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        v["found"].as_bool().unwrap()
    };
    assert!(scan("Quorvath Plimsendow"), "the scan sees what is there");

    add_user(&shop, "sam", "staff");
    let denied = as_user(
        &shop,
        "sam",
        &[
            "customers",
            "erase",
            &erased,
            "--verified-by",
            "id-document",
        ],
    );
    assert_eq!(denied.code, 3, "{}", denied.stderr);
    let denied = steward(
        &shop.vault,
        &["--user", "sam", "--passphrase-stdin", "residue-scan"],
        "sam own passphrase\nQuorvath\n",
    );
    assert_eq!(denied.code, 3, "{}", denied.stderr);

    let confirmation = dir.join("erasure.pdf");
    std::fs::write(&confirmation, b"already here").unwrap();
    let args = [
        "customers",
        "erase",
        &erased,
        "--verified-by",
        "id-document",
        "--reason",
        "customer-request",
        "--confirmation-out",
        confirmation.to_str().unwrap(),
    ];
    let refused = as_owner(&shop, &args);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("already exists"),
        "{}",
        refused.stderr
    );
    assert_eq!(customers_in(&shop), 2, "nothing was erased");
    std::fs::remove_file(&confirmation).unwrap();

    let run = as_owner(&shop, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("was erased"), "{}", run.stdout);
    assert!(
        run.stdout.contains("residue check: clean"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Quorvath"), "{}", run.stdout);
    assert_eq!(customers_in(&shop), 1);
    let pdf = std::fs::read(&confirmation).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = Command::new("pdftotext")
        .arg(&confirmation)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Confirmació d'esborrament"), "{text}");
    assert!(!text.contains("Quorvath"), "{text}");

    for word in ["Quorvath Plimsendow", "quorvath", "plimsendow"] {
        assert!(!scan(word), "{word} is still in the vault");
    }
    assert!(scan("Brannoch"), "the kept customer is still there");
    let list = as_owner(&shop, &["erasures"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("customer-request"), "{}", list.stdout);
    assert!(
        list.stdout.contains("residue check clean"),
        "{}",
        list.stdout
    );
    let log = as_owner(&shop, &["--json", "audit", "log"]);
    assert!(log.stdout.contains("vault.residue_scan"), "{}", log.stdout);
    assert!(!log.stdout.contains("Quorvath") && !log.stdout.contains("quorvath"));
}

/// Issue 13 §1: `customers hold` keeps a customer from being erased until
/// `customers lift-hold`; owner only; the reason is never printed by the
/// refusal.
#[test]
fn a_customer_under_a_legal_hold_is_not_erased_until_it_is_lifted() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap().to_owned();
    let run = as_owner(
        &shop,
        &join_args(
            dir.join("join.json").to_str().unwrap(),
            &[
                "--purpose",
                "membership",
                "--field",
                "name=Quorvath Plimsendow",
            ],
        ),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.stdout.trim().to_owned();
    let held = as_owner(
        &shop,
        &["customers", "hold", &id, "--reason", "Claim Vortmallen"],
    );
    assert_eq!(held.code, 0, "{}", held.stderr);
    let erase = [
        "customers",
        "erase",
        id.as_str(),
        "--verified-by",
        "id-document",
    ];
    let refused = as_owner(&shop, &erase);
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(refused.stderr.contains("legal hold"), "{}", refused.stderr);
    assert!(!refused.stderr.contains("Vortmallen"));
    assert_eq!(customers_in(&shop), 1);
    add_user(&shop, "marc", "manager");
    let denied = as_user(&shop, "marc", &["customers", "lift-hold", &id]);
    assert_eq!(denied.code, 3, "{}", denied.stderr);
    let lifted = as_owner(&shop, &["customers", "lift-hold", &id]);
    assert_eq!(lifted.code, 0, "{}", lifted.stderr);
    let erased = as_owner(&shop, &erase);
    assert_eq!(erased.code, 0, "{}", erased.stderr);
    assert_eq!(customers_in(&shop), 0);
}

/// The owner's command run with the system clock moved `days` ahead (the
/// CLI reads the system clock; libfaketime moves it for one process).
fn as_owner_days_later(shop: &Shop, days: u32, args: &[&str]) -> Run {
    let mut all = vec!["--user", "olga", "--passphrase-stdin"];
    all.extend_from_slice(args);
    let offset = format!("+{days}d");
    steward_env(
        &shop.vault,
        &all,
        &format!("{OWNER_PASS}\n"),
        &[
            ("FAKETIME", offset.as_str()),
            (
                "LD_PRELOAD",
                "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
            ),
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
        ],
    )
}

#[test]
fn the_retention_schedule_runs_from_the_command_line_as_time_passes() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    let receipt = dir.join("join.json");
    let run = as_owner(
        &shop,
        &join_args(
            receipt.to_str().unwrap(),
            &[
                "--purpose",
                "membership",
                "--purpose",
                "email-offers",
                "--field",
                "name=Pere Vallmitjana",
                "--field",
                "email=pere@example.cat",
            ],
        ),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Staff may neither run it nor see what is due.
    add_user(&shop, "sergi", "staff");
    let run = as_user(&shop, "sergi", &["retention", "preview"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    // Today nothing is due.
    let run = as_owner(&shop, &["retention", "run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("0 customer(s)' data erased on schedule, 0 other agreement(s) ended"),
        "{}",
        run.stdout
    );
    // Two years and a month on, the e-mail offers (2 years) have ended.
    let run = as_owner_days_later(&shop, 760, &["retention", "run", "--dry-run", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let due: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(due["purposesEnding"]["email-offers"], 1);
    let run = as_owner_days_later(&shop, 760, &["retention", "run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("1 other agreement(s) ended"),
        "{}",
        run.stdout
    );
    assert_eq!(customers_in(&shop), 1);
    // Three years and a month without a visit: the membership has ended.
    let run = as_owner_days_later(&shop, 1125, &["retention", "preview", "--days", "0"]);
    assert!(
        run.stdout.contains("1 customer(s) to be erased now"),
        "{}",
        run.stdout
    );
    let run = as_owner_days_later(&shop, 1125, &["retention", "run", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["customersErased"], 1);
    assert_eq!(customers_in(&shop), 0);
    let runs = as_owner_days_later(&shop, 1125, &["retention", "runs", "--json"]);
    let runs: serde_json::Value = serde_json::from_str(&runs.stdout).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 3);
}

#[test]
fn record_keeping_rules_are_shown_to_the_auditor_and_set_by_the_owner() {
    let shop = init_shop();
    let run = as_owner(&shop, &["retention", "rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Jurisdiction: EU"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "Sales records of customers who left (day, total, currency; from each sale): not kept"
        ),
        "{}",
        run.stdout
    );
    // Switching shows the new defaults, and sets them only when asked.
    let run = as_owner(&shop, &["settings", "jurisdiction", "ES"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(default: 6 years)"), "{}", run.stdout);
    assert!(run.stdout.contains("--apply-defaults"), "{}", run.stdout);
    let run = as_owner(
        &shop,
        &[
            "--json",
            "settings",
            "jurisdiction",
            "ES",
            "--apply-defaults",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let kept: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(kept["jurisdiction"], "ES");
    assert_eq!(kept["rules"][0]["period"]["amount"], 6);
    let run = as_owner(
        &shop,
        &[
            "--json",
            "retention",
            "rules",
            "set",
            "access-log",
            "--days",
            "400",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let kept: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(kept["rules"][1]["period"]["amount"], 400);
    assert_eq!(kept["rules"][1]["period"]["unit"], "days");
    let run = as_owner(&shop, &["settings", "jurisdiction", "FR"]);
    assert_ne!(run.code, 0);
    // The auditor reads them; staff neither read nor change them.
    add_user(&shop, "aina", "auditor");
    let run = as_user(&shop, "aina", &["retention", "rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = as_user(
        &shop,
        "aina",
        &["retention", "rules", "set", "sales-records", "--years", "1"],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    add_user(&shop, "sergi", "staff");
    let run = as_user(&shop, "sergi", &["retention", "rules"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
}

/// A tmpfs of a few MiB mounted on a temporary folder (root only, as in
/// CI); unmounted when dropped.
struct SmallVolume(tempfile::TempDir);

impl SmallVolume {
    fn mount(mib: u32) -> Option<SmallVolume> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={mib}m,mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!(
                "full disk test skipped: cannot mount a tmpfs here (run as root, as CI does)"
            );
            return None;
        }
        Some(SmallVolume(dir))
    }

    /// Fills what is left of the volume; removing the file frees it.
    fn fill(&self) -> PathBuf {
        let filler = self.0.path().join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        filler
    }
}

impl Drop for SmallVolume {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_disk_is_one_clear_line_and_exit_1_and_the_join_works_once_space_is_freed() {
    let Some(volume) = SmallVolume::mount(8) else {
        return;
    };
    let shop = init_shop_in(tempfile::tempdir_in(volume.0.path()).unwrap());
    let receipts = tempfile::tempdir().unwrap();
    let receipt = |n: &str| receipts.path().join(n).to_str().unwrap().to_owned();
    let first = receipt("first.json");
    let joined = as_owner(
        &shop,
        &join_args(
            &first,
            &["--purpose", "membership", "--field", "name=Jordi"],
        ),
    );
    assert_eq!(joined.code, 0, "{}", joined.stderr);
    let filler = volume.fill();

    let second = receipt("second.json");
    let join_again = join_args(
        &second,
        &["--purpose", "membership", "--field", "name=Pere"],
    );
    let refused = as_owner(&shop, &join_again);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert_eq!(
        refused.stderr,
        "steward: the disk is full; nothing was saved. Free some space and try again\n"
    );
    assert!(
        !Path::new(&second).exists(),
        "no receipt for what was not saved"
    );

    std::fs::remove_file(filler).unwrap();
    assert_eq!(
        customers_in(&shop),
        1,
        "the first join is kept, the refused one is not"
    );
    let joined = as_owner(&shop, &join_again);
    assert_eq!(joined.code, 0, "{}", joined.stderr);
    assert_eq!(customers_in(&shop), 2);
    let verify = as_owner(&shop, &["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    assert!(verify.stdout.starts_with("intact"), "{}", verify.stdout);
}

#[test]
fn backup_now_needs_a_folder_then_verify_and_restore_bring_back_what_it_held() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap().join("usb");
    std::fs::create_dir(&dir).unwrap();
    let owner = ["--user", "olga", "--passphrase-stdin"];
    let pass = format!("{OWNER_PASS}\n");
    let run = steward(
        &shop.vault,
        &[&owner[..], &["backup", "now"]].concat(),
        &pass,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no backup folder"), "{}", run.stderr);
    let dir_s = dir.to_str().unwrap();
    let run = steward(
        &shop.vault,
        &[&owner[..], &["settings", "backup-folder", dir_s]].concat(),
        &pass,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = steward(
        &shop.vault,
        &[&owner[..], &["--json", "backup", "now"]].concat(),
        &pass,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let made: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let file = made["path"].as_str().unwrap().to_owned();
    let run = steward(
        &shop.vault,
        &[&owner[..], &["backup", "list"]].concat(),
        &pass,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(made["fileName"].as_str().unwrap()));
    let run = steward(
        &shop.vault,
        &[&owner[..], &["backup", "verify", &file]].concat(),
        &pass,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("intact"), "{}", run.stdout);
    // Without the typed word nothing is replaced.
    let run = steward(
        &shop.vault,
        &[&owner[..], &["backup", "restore", &file]].concat(),
        &format!("{OWNER_PASS}\nno\n"),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = steward(
        &shop.vault,
        &[&owner[..], &["backup", "restore", &file]].concat(),
        &format!("{OWNER_PASS}\nRESTORE\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Restored"), "{}", run.stdout);
    // A file that is not a backup: a clear error, exit 1.
    let junk = dir.join("junk.stewardbackup");
    std::fs::write(&junk, b"hello").unwrap();
    let run = steward(
        &shop.vault,
        &[&owner[..], &["backup", "verify", junk.to_str().unwrap()]].concat(),
        &pass,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a Steward backup"),
        "{}",
        run.stderr
    );
    // On a computer with no vault: the recovery key alone.
    let elsewhere = tempfile::tempdir().unwrap();
    let new_vault = elsewhere.path().join("restored.steward");
    let run = steward(
        &new_vault,
        &["backup", "restore", &file, "--recovery-key-stdin"],
        &format!("{}\n", shop.recovery_key),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(new_vault.exists());
    let run = steward(
        &new_vault,
        &["--user", "olga", "recover", "--recovery-key-stdin"],
        &format!("{}\n{OWNER_PASS}\n", shop.recovery_key),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = steward(
        &new_vault,
        &[&owner[..], &["audit", "verify"]].concat(),
        &pass,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Issue 13 §4: moving to a new computer and retiring the old one, with
/// the real keyring: a wrong word or another role destroys nothing; the
/// owner's retirement leaves no file and no keyring entry, and a
/// certificate naming neither a person nor a folder; the backup made before
/// sets the shop up in an empty folder with the recovery key.
#[test]
fn retire_destroys_the_vault_and_its_keyring_entry_and_a_backup_made_before_moves_the_shop() {
    let shop = init_shop();
    let folder = shop.vault.parent().unwrap().to_owned();
    let usb = tempfile::tempdir().unwrap();
    let run = as_owner(
        &shop,
        &[
            "--json",
            "backup",
            "now",
            "--to",
            usb.path().to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let made: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let backup = made["path"].as_str().unwrap().to_owned();
    add_user(&shop, "pau", "manager");

    let files = ["", ".keys.json", ".recovery.json", ".audit-head"].map(|s| {
        let mut p = shop.vault.clone().into_os_string();
        p.push(s);
        PathBuf::from(p)
    });
    let untouched = |run: &Run| {
        assert!(files.iter().all(|p| p.exists()), "{}", run.stderr);
        assert!(secret_tool_lookup(&shop.vault_id).is_some());
    };
    let run = as_owner(&shop, &["retire", "--confirm", "retire"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("nothing was destroyed"),
        "{}",
        run.stderr
    );
    untouched(&run);
    let run = as_owner_with(&shop, &["retire"], "no\n");
    assert_eq!(run.code, 2, "{}", run.stderr);
    untouched(&run);
    let run = as_user(&shop, "pau", &["retire", "--confirm", "RETIRE"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    untouched(&run);

    let cert_file = usb.path().join("certificate.txt");
    let run = as_owner(
        &shop,
        &[
            "retire",
            "--confirm",
            "RETIRE",
            "--certificate-out",
            cert_file.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for p in &files {
        assert!(!p.exists(), "{}", p.display());
    }
    let leftovers: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(secret_tool_lookup(&shop.vault_id).is_none());
    let search = Command::new("secret-tool")
        .args(["search", "--all", "service", "steward"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&search.stdout);
    assert!(!listed.contains(&shop.vault_id), "{listed}");
    let cert = std::fs::read_to_string(&cert_file).unwrap();
    for printed in [&cert, &run.stdout] {
        assert!(printed.contains("DESTRUCTION CERTIFICATE"), "{printed}");
        assert!(printed.contains(&shop.vault_id));
        assert!(printed.contains("NIST SP 800-88"));
        assert!(!printed.contains("olga"));
        assert!(!printed.contains(folder.to_str().unwrap()));
    }
    let run = as_owner(&shop, &["status"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(run.stderr.contains("no vault"), "{}", run.stderr);

    // Move: on the new computer (an empty folder), the backup and the
    // recovery key.
    let new_computer = tempfile::tempdir().unwrap();
    let new_vault = new_computer.path().join("shop.steward");
    let run = steward(
        &new_vault,
        &["backup", "restore", &backup, "--recovery-key-stdin"],
        &format!("{}\n", shop.recovery_key),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = steward(
        &new_vault,
        &["--user", "olga", "recover", "--recovery-key-stdin"],
        &format!("{}\n{OWNER_PASS}\n", shop.recovery_key),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = steward(
        &new_vault,
        &["--user", "olga", "--passphrase-stdin", "audit", "verify"],
        &format!("{OWNER_PASS}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// `steward ARGS…` as an OS timer runs it (no `--user`, nothing on standard
/// input), with the system clock moved `days` ahead.
fn unattended_days_later(shop: &Shop, days: u32, args: &[&str]) -> Run {
    let offset = format!("+{days}d");
    steward_env(
        &shop.vault,
        args,
        "",
        &[
            ("FAKETIME", offset.as_str()),
            (
                "LD_PRELOAD",
                "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
            ),
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
        ],
    )
}

/// Issue 13 §2: the retention schedule run by an OS timer while Steward is
/// closed, through the schedule the owner switched on, and refused again
/// once it is switched off.
#[test]
fn the_unattended_schedule_erases_an_expired_customer_until_the_owner_switches_it_off() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap().to_owned();
    let run = as_owner(
        &shop,
        &join_args(
            dir.join("join.json").to_str().unwrap(),
            &[
                "--purpose",
                "membership",
                "--field",
                "name=Quorvath Plimsendow",
            ],
        ),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let unattended = ["retention", "run", "--unattended"];
    let refused = steward(&shop.vault, &unattended, "");
    assert_eq!(refused.code, 5, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("retention schedule enable"),
        "{}",
        refused.stderr
    );
    add_user(&shop, "sam", "staff");
    let denied = as_user(&shop, "sam", &["retention", "schedule", "enable"]);
    assert_eq!(denied.code, 3, "{}", denied.stderr);
    let with_user = steward(
        &shop.vault,
        &["--user", "olga", "retention", "run", "--unattended"],
        "",
    );
    assert_eq!(with_user.code, 2, "{}", with_user.stderr);

    let on = as_owner(&shop, &["retention", "schedule", "enable"]);
    assert_eq!(on.code, 0, "{}", on.stderr);
    // Switching it on is in the audit log (checked now: the run below,
    // three years on, removes entries older than the access-log period).
    let log = as_owner(&shop, &["--json", "audit", "log"]);
    assert!(
        log.stdout.contains("retention.schedule_on"),
        "{}",
        log.stdout
    );
    let status = as_owner(&shop, &["--json", "retention", "schedule", "status"]);
    let status: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(status["enabled"], true);
    let account = format!("schedule-{}", shop.vault_id);
    assert!(secret_tool_lookup_account(&account).is_some());
    let cover = steward(&shop.vault, &["status"], "");
    assert!(
        cover.stdout.contains("unattended schedule: on"),
        "{}",
        cover.stdout
    );

    // Three years and a month without a visit: membership's period is over.
    let due = unattended_days_later(
        &shop,
        1125,
        &["--json", "retention", "run", "--unattended", "--dry-run"],
    );
    assert_eq!(due.code, 0, "{}", due.stderr);
    let due_json: serde_json::Value = serde_json::from_str(&due.stdout).unwrap();
    assert_eq!(due_json["customersToErase"], 1);
    assert!(!due.stdout.contains("Quorvath"), "{}", due.stdout);
    let ran = unattended_days_later(&shop, 1125, &["--json", "retention", "run", "--unattended"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let summary: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(summary["customersErased"], 1);
    assert_eq!(summary["trigger"], "schedule");
    assert!(!ran.stdout.contains("Quorvath"), "{}", ran.stdout);
    assert_eq!(customers_in(&shop), 0);
    for word in ["Quorvath Plimsendow", "quorvath", "plimsendow"] {
        let scan = as_owner_with(&shop, &["--json", "residue-scan"], &format!("{word}\n"));
        assert_eq!(scan.code, 0, "{}", scan.stderr);
        let v: serde_json::Value = serde_json::from_str(&scan.stdout).unwrap();
        assert_eq!(v["found"], false, "{word} is still in the vault");
    }
    // The scheduled backup goes into the owner's folder, once a day.
    let folder = dir.join("backups");
    std::fs::create_dir(&folder).unwrap();
    let set = as_owner(
        &shop,
        &["settings", "backup-folder", folder.to_str().unwrap()],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let backup = ["backup", "now", "--unattended"];
    let made = steward(&shop.vault, &backup, "");
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(made.stdout.contains("Backup written"), "{}", made.stdout);
    let again = steward(&shop.vault, &backup, "");
    assert!(
        again.stdout.contains("No backup is due"),
        "{}",
        again.stdout
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);

    let off = as_owner(&shop, &["retention", "schedule", "disable"]);
    assert_eq!(off.code, 0, "{}", off.stderr);
    assert!(secret_tool_lookup_account(&account).is_none());
    let refused = steward(&shop.vault, &unattended, "");
    assert_eq!(refused.code, 5, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("retention schedule enable"),
        "{}",
        refused.stderr
    );
    let log = as_owner(&shop, &["--json", "audit", "log"]);
    assert!(
        log.stdout.contains("retention.schedule_off"),
        "{}",
        log.stdout
    );
}

#[test]
fn an_unattended_run_while_the_app_holds_the_vault_leaves_the_schedule_to_the_app() {
    let shop = init_shop();
    let on = as_owner(&shop, &["retention", "schedule", "enable"]);
    assert_eq!(on.code, 0, "{}", on.stderr);
    // What the app holds from its login screen on.
    let _app = steward_core::ClosedVault::take(&shop.vault).unwrap();
    for args in [
        &["retention", "run", "--unattended"][..],
        &["backup", "now", "--unattended"][..],
    ] {
        let run = steward(&shop.vault, args, "");
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("keeps the schedule itself"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn owner_chooses_the_language_of_a_users_screens_and_the_shops_default() {
    let shop = init_shop();
    let add = as_owner_with(
        &shop,
        &["users", "add", "marta", "--role", "staff", "--lang", "ca"],
        "marta initial pass\n",
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let list = as_owner(&shop, &["--json", "users", "list"]);
    let users: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let marta = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "marta")
        .unwrap();
    assert_eq!(marta["language"], "ca");

    let back = as_owner(&shop, &["users", "set-language", "marta", "default"]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert!(
        back.stdout.contains("the shop's language"),
        "{}",
        back.stdout
    );
    let set = as_owner(&shop, &["settings", "language", "es"]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert!(set.stdout.contains("es"), "{}", set.stdout);

    let wrong = as_owner(&shop, &["users", "set-language", "marta", "fr"]);
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("en, ca, id and es"),
        "{}",
        wrong.stderr
    );
}

#[test]
fn invitations_import_previews_stores_and_refuses_from_the_command_line() {
    let shop = init_shop();
    let dir = shop.vault.parent().unwrap();
    add_user(&shop, "sam", "staff");
    let list = dir.join("list.csv");
    std::fs::write(
        &list,
        "Name,E-mail,Comments\n\
         Annabel Quintana,annabel.q@example.cat,Likes the rye loaf\n\
         Bernat Oriol,not-an-address,\n\
         Carla Bosch,ANNABEL.Q@example.cat,\n",
    )
    .unwrap();
    let file = list.to_str().unwrap();

    // A dry run says what would happen, by row, and stores nothing.
    let dry = as_owner(
        &shop,
        &["invitations", "import", file, "--dry-run", "--json"],
    );
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let preview: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
    assert_eq!(
        (
            preview["rows"].as_u64(),
            preview["ready"].as_u64(),
            preview["invalid"].as_u64(),
            preview["duplicates"].as_u64()
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );
    assert_eq!(preview["problems"][0]["row"], 3);
    assert_eq!(preview["problems"][0]["field"], "email");
    assert_eq!(preview["problems"][1]["problem"], "repeated-in-file");
    assert!(!dry.stdout.contains("not-an-address") && !dry.stdout.contains("ANNABEL"));
    let text = as_owner(&shop, &["invitations", "import", file, "--dry-run"]);
    assert!(
        text.stdout
            .contains("Row 3, email: it is not an e-mail address"),
        "{}",
        text.stdout
    );
    let status = |shop: &Shop| -> serde_json::Value {
        let run = as_owner(shop, &["invitations", "status", "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).unwrap()
    };
    assert_eq!(status(&shop)["waiting"], 0);

    // Staff may not import; the owner may.
    let refused = as_user(&shop, "sam", &["invitations", "import", file]);
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert_eq!(status(&shop)["waiting"], 0);
    let run = as_owner(&shop, &["invitations", "import", file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Imported 1 invitation(s)"),
        "{}",
        run.stdout
    );
    let now = status(&shop);
    assert_eq!(
        (now["waiting"].as_u64(), now["expireAfterDays"].as_u64()),
        (Some(1), Some(90))
    );
    // Nobody became a customer.
    assert_eq!(customers_in(&shop), 0);

    // A file that is not a list is refused whole, with why and where.
    let broken: &[(&str, Vec<u8>, &str)] = &[
        (
            "utf8.csv",
            b"name\nN\xffria Puig\n".to_vec(),
            "(row 2): it is not UTF-8 text",
        ),
        (
            "ragged.csv",
            b"name,email\nDora Vila,dora@example.cat,extra\n".to_vec(),
            "different number of columns than the first row",
        ),
        (
            "noheader.csv",
            b"Dora Vila,dora@example.cat\n".to_vec(),
            "the first row is not a header row",
        ),
        (
            "long.csv",
            format!("name\n{}\n", "x".repeat(70 * 1024)).into_bytes(),
            "longer than 64 KiB",
        ),
    ];
    for (name, bytes, says) in broken {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let run = as_owner(&shop, &["invitations", "import", path.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        assert!(run.stderr.contains("Nothing was stored"), "{}", run.stderr);
    }
    // Columns by position read a file with no header.
    let path = dir.join("noheader.csv");
    let run = as_owner(
        &shop,
        &[
            "invitations",
            "import",
            path.to_str().unwrap(),
            "--no-header",
            "--name-column",
            "1",
            "--email-column",
            "2",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(status(&shop)["waiting"], 2);

    // How long they wait is the owner's setting, within bounds.
    let set = as_owner(&shop, &["invitations", "expire-after", "30"]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert_eq!(status(&shop)["expireAfterDays"], 30);
    assert_eq!(
        as_owner(&shop, &["invitations", "expire-after", "0"]).code,
        1
    );
    assert_eq!(
        as_user(&shop, "sam", &["invitations", "expire-after", "10"]).code,
        3
    );
    assert_eq!(as_user(&shop, "sam", &["invitations", "status"]).code, 3);
}
