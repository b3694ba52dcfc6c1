//! What a search may match, per role (issue 11 §5): staff find names by
//! prefix and contact details only whole, every word needs three letters
//! or digits, the log names the fields a search matched on, and searches
//! may reveal only so many customers per hour.

use super::*;

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
    for q in ["puigdomenech 3", "puigdomenech 34", "nuria 6"] {
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
    for q in ["com a", "com b", "cat z", "exa m"] {
        let err = s.v.search_customers(&mut staff, q).unwrap_err();
        assert_eq!(err.code(), "query_too_short", "{q:?}");
        let err = s.v.search_customers(&mut s.owner, q).unwrap_err();
        assert_eq!(err.code(), "query_too_short", "{q:?} (owner)");
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
