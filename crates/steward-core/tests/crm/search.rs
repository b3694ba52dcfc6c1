//! What a search may match, per role (issue 11 §5): staff find names by
//! prefix and contact details only whole, every word needs three letters
//! or digits, the log names the fields a search matched on, and searches
//! may reveal only so many customers per hour.

use super::*;
use chrono::Duration;
use steward_core::ErrorKind;

fn staff_scene() -> (Scene, Session) {
    let mut s = scene();
    let staff = s.shop.user(&mut s.v, "sam", Role::Staff);
    (s, staff)
}

fn loyalty_number(v: &mut Vault, owner: &mut Session, id: i64) -> String {
    let CustomerProfile::Full(full) = v
        .customer_profile(owner, id, AccessPurpose::CustomerRequest)
        .unwrap()
    else {
        panic!("the owner gets the full view")
    };
    full.loyalty.expect("Núria collects points").number
}

#[test]
fn staff_cannot_recover_a_hidden_phone_number_digit_by_digit() {
    let (mut s, mut staff) = staff_scene();
    // A word too short to match is left out, never matched: the digit
    // changes nothing about what is found.
    let alone = s.v.search_customers(&mut staff, "puigdomenech").unwrap();
    assert_eq!(alone.hits.ids(), vec![s.nuria]);
    for q in [
        "puigdomenech 3",
        "puigdomenech 34",
        "puigdomenech 9",
        "puigdomenech 99",
    ] {
        let res = s.v.search_customers(&mut staff, q).unwrap();
        assert_eq!(res.hits.ids(), alone.hits.ids(), "{q:?}");
        assert_eq!(res.ignored_words, 1, "{q:?}");
    }
    let res = s.v.search_customers(&mut staff, "nuria 6").unwrap();
    assert_eq!(res.hits.ids(), vec![s.nuria]);
    for q in ["3 4", "6", "o 6"] {
        let err = s.v.search_customers(&mut staff, q).unwrap_err();
        assert_eq!(err.code(), "query_too_short", "{q:?}");
    }
    for q in [
        "puigdomenech 346",
        "puigdomenech 600",
        "600 123",
        "34600",
        "600123",
    ] {
        let res = s.v.search_customers(&mut staff, q).unwrap();
        assert!(res.hits.is_empty(), "{q:?} finds nothing at the till");
    }
}

#[test]
fn one_letter_words_cannot_list_customers_past_the_cap() {
    let (mut s, mut staff) = staff_scene();
    for (q, word) in [
        ("com a", "com"),
        ("com b", "com"),
        ("cat z", "cat"),
        ("exa m", "exa"),
    ] {
        for who in [&mut staff, &mut s.owner] {
            let alone = s.v.search_customers(who, word).unwrap().hits.ids();
            let res = s.v.search_customers(who, q).unwrap();
            assert_eq!(res.hits.ids(), alone, "{q:?} finds what {word:?} finds");
        }
    }
    for q in ["a b", "m a r", "e x a"] {
        let err = s.v.search_customers(&mut staff, q).unwrap_err();
        assert_eq!(err.code(), "query_too_short", "{q:?}");
    }
    // Staff match names only: an e-mail's domain lists nobody.
    assert!(s
        .v
        .search_customers(&mut staff, "example")
        .unwrap()
        .hits
        .is_empty());
    assert_eq!(
        s.v.search_customers(&mut s.owner, "example")
            .unwrap()
            .hits
            .len(),
        2
    );
}

#[test]
fn staff_find_a_customer_by_name_prefix_and_by_a_whole_phone_e_mail_or_loyalty_number() {
    let (mut s, mut staff) = staff_scene();
    let number = loyalty_number(&mut s.v, &mut s.owner, s.nuria);
    let mut ids = |q: &str| s.v.search_customers(&mut staff, q).unwrap().hits.ids();
    assert_eq!(ids("nur puig"), vec![s.nuria]);
    assert_eq!(ids("SOL"), vec![s.pere]);
    assert_eq!(ids("+34 600 123 456"), vec![s.nuria]);
    assert_eq!(ids("600123456"), vec![s.nuria], "without the country code");
    assert_eq!(ids("Nuria@Example.cat"), vec![s.nuria]);
    assert_eq!(ids(&number), vec![s.nuria]);
    assert!(ids(&number[..8]).is_empty());
    assert!(ids("nuria@example.ca").is_empty());
    assert!(ids("uria@example.cat").is_empty());
    assert!(ids("pere@example").is_empty());
}

#[test]
fn the_access_log_names_the_fields_a_search_matched_on() {
    let (mut s, mut staff) = staff_scene();
    let searches = |v: &mut Vault, owner: &mut Session| {
        let log = v
            .access_log(
                owner,
                &LogFilter {
                    user: Some("sam".into()),
                    action: Some("customer.search".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        log.into_iter()
            .map(|e| set_of(&e.fields))
            .collect::<Vec<_>>()
    };
    s.v.search_customers(&mut staff, "600 123 456").unwrap();
    let newest = searches(&mut s.v, &mut s.owner).remove(0);
    assert!(newest.contains("phone"), "{newest:?}");
    assert!(
        newest.contains("name"),
        "the hit shows the name: {newest:?}"
    );
    s.v.search_customers(&mut staff, "nuria@example.cat")
        .unwrap();
    let newest = searches(&mut s.v, &mut s.owner).remove(0);
    assert!(newest.contains("email"), "{newest:?}");
    s.v.search_customers(&mut staff, "soler").unwrap();
    let newest = searches(&mut s.v, &mut s.owner).remove(0);
    assert!(
        !newest.contains("phone") && !newest.contains("email"),
        "{newest:?}"
    );
}

fn set_of(fields: &[String]) -> BTreeSet<String> {
    fields.iter().cloned().collect()
}

#[test]
fn a_short_word_beside_a_long_one_is_left_out_so_o_brien_is_found() {
    let (mut s, mut staff) = staff_scene();
    let anna = join(
        &mut s.v,
        &mut s.owner,
        &["membership"],
        &[("name", "Anna O'Brien")],
    );
    for q in ["o'brien", "O'Brien", "Anna M", "anna o", "o brien"] {
        let res = s.v.search_customers(&mut staff, q).unwrap();
        assert_eq!(res.hits.ids(), vec![anna], "{q:?}");
        assert_eq!(res.ignored_words, 1, "{q:?}");
    }
    let res = s.v.search_customers(&mut staff, "anna brien").unwrap();
    assert_eq!(res.ignored_words, 0);
}

// ---- The hourly search limit ----

/// Customers named `<first> Roca`, one per first name, for searches that
/// find one of them or all of them ("roca").
const ROCAS: [&str; 5] = ["Abril", "Bruna", "Carla", "Dana", "Elna"];

/// The scene with the five Rocas, staff "sam" and an hourly search limit of
/// `limit` set by the owner.
fn limit_scene(limit: u32) -> (Scene, Session, Vec<i64>) {
    let (mut s, staff) = staff_scene();
    let rocas = ROCAS
        .iter()
        .map(|first| {
            join(
                &mut s.v,
                &mut s.owner,
                &["membership"],
                &[("name", &format!("{first} Roca"))],
            )
        })
        .collect();
    s.v.set_search_limit_per_hour(&mut s.owner, limit).unwrap();
    (s, staff, rocas)
}

/// The minutes a refused search says to wait, or a panic if it was not
/// refused for the limit.
fn refused_for_limit(res: steward_core::Result<steward_core::SearchResults>) -> i64 {
    match res {
        Err(Error::SearchLimitReached {
            retry_after_mins, ..
        }) => retry_after_mins,
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(r) => panic!("not refused: {} hits", r.hits.len()),
    }
}

/// Logs `name` in again after the clock moved past the auto-lock.
fn again(v: &mut Vault, name: &str) -> Session {
    v.login(name, &common::pass(&format!("{name} own passphrase")))
        .unwrap()
}

#[test]
fn a_search_past_the_hourly_limit_is_refused_whole_and_so_is_every_search_after() {
    let (mut s, mut staff, _) = limit_scene(3);
    s.v.search_customers(&mut staff, "abril").unwrap();
    s.v.search_customers(&mut staff, "bruna").unwrap();
    // "roca" would show five different customers, three of them new: past
    // three. Nothing of it is shown.
    let err = s.v.search_customers(&mut staff, "roca").unwrap_err();
    assert_eq!(err.code(), "search_limit_reached");
    assert_eq!(err.kind(), ErrorKind::NotPermitted);
    let message = err.to_string();
    assert!(
        message.contains("60 minutes") && message.contains("owner has been told"),
        "{message}"
    );
    assert!(
        !message.contains("Roca") && !message.contains("roca"),
        "{message}"
    );
    // Every search after is refused, even one for a customer already shown
    // or one that finds nobody.
    for q in ["abril", "bruna", "nobody here", "600 123 456"] {
        assert_eq!(
            refused_for_limit(s.v.search_customers(&mut staff, q)),
            60,
            "{q:?}"
        );
    }
    // The refused searches showed nobody: the log names no customer for them.
    let log =
        s.v.access_log(
            &mut s.owner,
            &LogFilter {
                user: Some("sam".into()),
                action: Some("customer.search".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let shown: Vec<_> = log.iter().filter(|e| e.outcome == "ok").collect();
    assert_eq!(shown.len(), 2);
    assert!(log
        .iter()
        .filter(|e| e.outcome == "denied")
        .all(|e| e.subject.is_none() && e.purpose.as_deref() == Some("hourly search limit")));
}

#[test]
fn a_customer_found_again_within_the_hour_counts_once() {
    let (mut s, mut staff, rocas) = limit_scene(3);
    for q in [
        "abril",
        "abril roca",
        "abril",
        "ABRIL",
        "bruna",
        "abril",
        "bruna roca",
    ] {
        s.v.search_customers(&mut staff, q).unwrap();
    }
    let res = s.v.search_customers(&mut staff, "carla").unwrap();
    assert_eq!(
        res.hits.ids(),
        vec![rocas[2]],
        "the third different customer"
    );
    // Three shown: the limit is reached, the next search is refused.
    assert_eq!(
        refused_for_limit(s.v.search_customers(&mut staff, "abril")),
        60
    );
}

#[test]
fn searching_resumes_once_the_hour_has_rolled_on() {
    let (mut s, mut staff, rocas) = limit_scene(3);
    for q in ["abril", "bruna", "carla"] {
        s.v.search_customers(&mut staff, q).unwrap();
    }
    // An hour later those three no longer count.
    s.shop.clock.advance(Duration::minutes(61));
    let mut staff = again(&mut s.v, "sam");
    let res = s.v.search_customers(&mut staff, "dana").unwrap();
    assert_eq!(res.hits.ids(), vec![rocas[3]]);
    // Past the limit now: paused for an hour from the refusal.
    s.v.search_customers(&mut staff, "elna").unwrap();
    s.v.search_customers(&mut staff, "abril").unwrap();
    assert_eq!(
        refused_for_limit(s.v.search_customers(&mut staff, "bruna")),
        60
    );
    s.shop.clock.advance(Duration::minutes(59));
    let mut staff = again(&mut s.v, "sam");
    assert_eq!(
        refused_for_limit(s.v.search_customers(&mut staff, "bruna")),
        1
    );
    s.shop.clock.advance(Duration::minutes(2));
    let mut staff = again(&mut s.v, "sam");
    let res = s.v.search_customers(&mut staff, "bruna").unwrap();
    assert_eq!(res.hits.ids(), vec![rocas[1]]);
}

#[test]
fn only_the_owner_sets_the_search_limit_and_it_holds_for_managers_and_staff_not_her() {
    let (mut s, mut staff, _) = limit_scene(60);
    assert_eq!(s.v.search_limit_per_hour().unwrap(), 60);
    let mut manager = s.shop.user(&mut s.v, "max", Role::Manager);
    for who in [&mut staff, &mut manager] {
        let err = s.v.set_search_limit_per_hour(who, 1000).unwrap_err();
        assert_eq!(err.code(), "forbidden");
        assert_eq!(err.kind(), ErrorKind::NotPermitted);
    }
    for bad in [0, 1001] {
        let err =
            s.v.set_search_limit_per_hour(&mut s.owner, bad)
                .unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{bad}");
    }
    assert_eq!(s.v.search_limit_per_hour().unwrap(), 60);

    // With 60 everyone finds the five Rocas; lowered to 2, the manager and
    // staff no longer may (the searches of the last hour count at once).
    s.v.search_customers(&mut staff, "roca").unwrap();
    s.v.search_customers(&mut manager, "abril").unwrap();
    s.v.set_search_limit_per_hour(&mut s.owner, 2).unwrap();
    assert_eq!(s.v.search_limit_per_hour().unwrap(), 2);
    refused_for_limit(s.v.search_customers(&mut staff, "abril"));
    s.v.search_customers(&mut manager, "bruna").unwrap();
    refused_for_limit(s.v.search_customers(&mut manager, "roca"));
    // The owner is not limited.
    for _ in 0..3 {
        assert_eq!(
            s.v.search_customers(&mut s.owner, "roca")
                .unwrap()
                .hits
                .len(),
            5
        );
    }
    let settings: Vec<_> =
        s.v.access_log(
            &mut s.owner,
            &LogFilter {
                action: Some("settings.change".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .into_iter()
        .filter(|e| e.subject.as_deref() == Some("setting:search_limit_per_hour"))
        .collect();
    assert_eq!(settings.len(), 2, "both changes are logged");
}

#[test]
fn the_owner_is_alerted_with_counts_and_no_personal_data() {
    let (mut s, mut staff, _) = limit_scene(3);
    assert!(s.v.search_limit_alerts(&mut s.owner).unwrap().is_empty());
    s.v.search_customers(&mut staff, "abril").unwrap();
    s.v.search_customers(&mut staff, "bruna").unwrap();
    refused_for_limit(s.v.search_customers(&mut staff, "roca"));
    refused_for_limit(s.v.search_customers(&mut staff, "carla"));

    // One alert for the pause, however many searches it refuses.
    let alerts = s.v.search_limit_alerts(&mut s.owner).unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let alert = &alerts[0];
    assert_eq!(alert.user, "sam");
    assert_eq!(alert.role.as_deref(), Some("staff"));
    assert_eq!((alert.revealed, alert.limit), (2, 3));
    assert!(alert.paused);

    // In the access log: the account and the counts, no customer, no query.
    let log =
        s.v.access_log(
            &mut s.owner,
            &LogFilter {
                action: Some("customer.search_limit".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(log.len(), 1);
    let entry = &log[0];
    assert_eq!(entry.seq, alert.seq);
    assert_eq!(entry.user.as_deref(), Some("sam"));
    assert_eq!(entry.outcome, "denied");
    let subject = entry.subject.as_deref().unwrap();
    assert!(
        subject.starts_with("user:") && subject.ends_with(" revealed:2 limit:3"),
        "{subject}"
    );
    assert!(entry.fields.is_empty());
    let json = serde_json::to_string(&(entry, alert)).unwrap();
    for personal in ["customer:", "Roca", "roca", "Abril", "abril", "carla"] {
        assert!(!json.contains(personal), "{personal} in {json}");
    }

    // The auditor sees it too; staff do not.
    let mut auditor = s.shop.user(&mut s.v, "aud", Role::Auditor);
    assert_eq!(s.v.search_limit_alerts(&mut auditor).unwrap(), alerts);
    let mut staff = again(&mut s.v, "sam");
    assert_eq!(
        s.v.search_limit_alerts(&mut staff).unwrap_err().code(),
        "forbidden"
    );

    // An hour on, the alert says the pause is over; a day on, it has left
    // the home screen (the access log keeps it).
    s.shop.clock.advance(Duration::minutes(61));
    let mut owner = s.shop.owner(&mut s.v);
    let alerts = s.v.search_limit_alerts(&mut owner).unwrap();
    assert!(!alerts[0].paused);
    s.shop.clock.advance(Duration::hours(24));
    let mut owner = s.shop.owner(&mut s.v);
    assert!(s.v.search_limit_alerts(&mut owner).unwrap().is_empty());
}
