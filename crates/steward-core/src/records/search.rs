//! The customer search index (SQLite FTS5, table `customer_search`): names,
//! e-mail addresses, phone numbers and loyalty numbers, folded to lower case
//! without accents by the `unicode61 remove_diacritics 2` tokenizer, so
//! "nuria" finds "Núria". It is kept in step with the
//! customer's data by `records::sync_search` in the same transaction as
//! every change.
//! With `secure-delete` on, replacing or deleting a row takes its old terms
//! out of the index pages, so a corrected or erased value leaves no trace
//! in the index (tested by reading the index's pages).
//!
//! A query is never passed to FTS5 as typed: [`match_expression`] keeps only
//! its words, quoted, so no FTS5 syntax (and no error echoing the query) can
//! come out of what someone typed.

use rusqlite::{params, Connection};

use crate::error::{Error, Result};
use crate::people::access::{SearchMatch, MAX_QUERY_CHARS, MIN_QUERY_CHARS};

/// The most words a query may have.
const MAX_QUERY_WORDS: usize = 8;

/// The index's columns, named as the fields they hold.
const COLUMNS: [&str; 4] = ["name", "email", "phone", "loyalty"];

/// One required part of a query: its words (letters and digits only), the
/// columns it may match, and whether its last word may be a prefix.
struct Term {
    columns: &'static [&'static str],
    words: String,
    prefix: bool,
    /// Must start at the column's first word (a whole e-mail address).
    initial: bool,
}

impl Term {
    fn phrase(&self) -> String {
        // Words hold only letters, digits and spaces, so the quotes cannot
        // be escaped.
        format!(
            "{}\"{}\"{}",
            if self.initial { "^" } else { "" },
            self.words,
            if self.prefix { "*" } else { "" }
        )
    }
}

/// A query as FTS5 is asked it, built from what someone typed for what
/// their role may match ([`SearchMatch`]).
pub struct Matcher {
    terms: Vec<Term>,
    /// For an e-mail query: the whole address, which a hit's e-mail must
    /// equal (FTS5 alone would also find a longer address).
    pub(crate) exact_email: Option<String>,
    /// How many words of the query were too short and left out.
    pub ignored_words: usize,
}

impl Matcher {
    /// The FTS5 match expression: every term required, each limited to
    /// its columns.
    pub fn expression(&self) -> String {
        self.terms
            .iter()
            .map(|t| format!("{{{}}} : {}", t.columns.join(" "), t.phrase()))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Per index column, an expression matching rows where any term
    /// matches that column: which fields a hit was found by.
    fn per_column(&self) -> Vec<(&'static str, String)> {
        COLUMNS
            .into_iter()
            .filter_map(|col| {
                let phrases: Vec<String> = self
                    .terms
                    .iter()
                    .filter(|t| t.columns.contains(&col))
                    .map(Term::phrase)
                    .collect();
                (!phrases.is_empty()).then(|| (col, format!("{col} : ({})", phrases.join(" OR "))))
            })
            .collect()
    }
}

/// What a query asks, as plain values, for a list kept outside the index
/// (the invitations): the same words the index is asked for.
pub(crate) enum Plain<'a> {
    /// A whole e-mail address, lower case.
    Email(&'a str),
    /// A number's digits (a phone, with or without its country code).
    Number(&'a str),
    /// Words of at least three letters or digits, lower case.
    Words(Vec<String>),
}

impl Matcher {
    /// The query as plain values ([`Plain`]).
    pub(crate) fn plain(&self) -> Plain<'_> {
        if let Some(email) = &self.exact_email {
            return Plain::Email(email);
        }
        match self.terms.as_slice() {
            [t] if t.words.chars().all(|c| c.is_ascii_digit()) && t.columns.contains(&"phone") => {
                Plain::Number(&t.words)
            }
            terms => Plain::Words(
                terms
                    .iter()
                    .flat_map(|t| t.words.split(' ').map(str::to_owned))
                    .collect(),
            ),
        }
    }
}

/// Turns what someone typed into a [`Matcher`] for `how`. A word needs
/// `MIN_QUERY_CHARS` letters or digits to be matched at all: shorter words
/// are left out (counted in `ignored_words`), and a query with no word that
/// long is refused (`QueryTooShort`). A query
/// of digits and phone punctuation (`+34 600 12`) is one number; one that
/// looks like an e-mail address (`a.b@shop.es`) is matched as a whole
/// address, for every role. Otherwise, for [`SearchMatch::Full`] every word
/// is a prefix of any column; for [`SearchMatch::Till`] a prefix of the
/// name, and a number matches a phone or loyalty number only whole (a phone
/// with or without its country code, see [`phone_terms`]).
pub fn match_expression(query: &str, how: SearchMatch) -> Result<Matcher> {
    let query = query.trim();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::InvalidInput {
            field: "query",
            reason: "it is too long (100 characters at most)",
        });
    }
    let too_short = Error::QueryTooShort {
        min: MIN_QUERY_CHARS,
    };
    let all: &'static [&'static str] = &COLUMNS;
    let looks_like_phone = query.chars().any(|c| c.is_ascii_digit())
        && query
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'));
    if looks_like_phone {
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < MIN_QUERY_CHARS {
            return Err(too_short);
        }
        let term = match how {
            SearchMatch::Full => Term {
                columns: all,
                words: digits,
                prefix: true,
                initial: false,
            },
            _ => Term {
                columns: &["phone", "loyalty"],
                words: digits,
                prefix: false,
                initial: false,
            },
        };
        return Ok(Matcher {
            terms: vec![term],
            exact_email: None,
            ignored_words: 0,
        });
    }
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    if looks_like_email(query) {
        return Ok(Matcher {
            terms: vec![Term {
                columns: &["email"],
                words: words(query).join(" "),
                prefix: false,
                initial: true,
            }],
            exact_email: Some(query.to_lowercase()),
            ignored_words: 0,
        });
    }
    let all_words = words(query);
    if all_words.len() > MAX_QUERY_WORDS {
        return Err(Error::InvalidInput {
            field: "query",
            reason: "it has too many words (8 at most)",
        });
    }
    // A word too short to find anyone is left out entirely, never matched
    // (so "puigdomenech 3" finds exactly what "puigdomenech" finds and says
    // nothing about a "3" anywhere); a query of short words only is refused.
    let typed = all_words.len();
    let words: Vec<String> = all_words
        .into_iter()
        .filter(|w| w.chars().count() >= MIN_QUERY_CHARS)
        .collect();
    if words.is_empty() {
        return Err(too_short);
    }
    let ignored_words = typed - words.len();
    let columns: &'static [&'static str] = match how {
        SearchMatch::Full => all,
        _ => &["name"],
    };
    Ok(Matcher {
        terms: words
            .into_iter()
            .map(|words| Term {
                columns,
                words,
                prefix: true,
                initial: false,
            })
            .collect(),
        exact_email: None,
        ignored_words,
    })
}

/// One word with an `@` between a local part and a domain with a dot.
fn looks_like_email(query: &str) -> bool {
    match query.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !query.chars().any(char::is_whitespace)
                && query.chars().any(char::is_alphanumeric)
        }
        None => false,
    }
}

/// The phone number as searchable words: all its digits, and the same
/// without the first one to three digits (the country code), so a number is
/// found with or without it.
pub fn phone_terms(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let mut terms = vec![digits.clone()];
    for cut in 1..=3 {
        if digits.len() > cut + 5 {
            terms.push(digits[cut..].to_owned());
        }
    }
    terms.join(" ")
}

/// What the index holds of one customer.
pub(crate) struct Terms {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub loyalty: String,
}

/// Replaces the customer's index row with `terms`.
pub(crate) fn put(conn: &Connection, customer_id: i64, terms: &Terms) -> Result<()> {
    remove(conn, customer_id)?;
    conn.prepare_cached(
        "INSERT INTO customer_search (rowid, name, email, phone, loyalty) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![
            customer_id,
            terms.name,
            terms.email,
            phone_terms(&terms.phone),
            terms.loyalty
        ])
    })
    .map_err(Error::db("update the search index"))?;
    Ok(())
}

/// Takes the customer's row out of the index.
pub(crate) fn remove(conn: &Connection, customer_id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM customer_search WHERE rowid = ?1")
        .and_then(|mut s| s.execute([customer_id]))
        .map_err(Error::db("update the search index"))?;
    Ok(())
}

/// The customer's index row, for the customer's own export (it is a copy
/// of their data, so it is listed too).
pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<serde_json::Value>> {
    super::rows_as_json(
        conn,
        "SELECT name, email, phone, loyalty FROM customer_search WHERE rowid = ?1",
        &customer_id,
    )
}

/// The customers `matcher` finds, best first, at most `limit`.
pub(crate) fn matching_customers(
    conn: &Connection,
    matcher: &Matcher,
    limit: usize,
) -> Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT rowid FROM customer_search WHERE customer_search MATCH ?1 ORDER BY rank LIMIT ?2",
    )
    .and_then(|mut s| {
        s.query_map(params![matcher.expression(), limit as i64], |r| r.get(0))?
            .collect()
    })
    .map_err(Error::db("search customers"))
}

/// The fields (index columns) `matcher` matched in any of `ids`: what the
/// search was found by, for the audit log.
pub(crate) fn matched_fields(
    conn: &Connection,
    matcher: &Matcher,
    ids: &[i64],
) -> Result<Vec<&'static str>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids_json = format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let mut matched = Vec::new();
    for (column, expression) in matcher.per_column() {
        let found: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM customer_search WHERE customer_search MATCH ?1
                 AND rowid IN (SELECT value FROM json_each(?2)))",
            )
            .and_then(|mut s| s.query_row(params![expression, ids_json], |r| r.get(0)))
            .map_err(Error::db("search customers"))?;
        if found {
            matched.push(column);
        }
    }
    Ok(matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, how: SearchMatch, expected: &str) {
        let matcher = match_expression(query, how).unwrap();
        assert_eq!(matcher.expression(), expected, "{query:?} as {how:?}");
    }

    #[test]
    fn words_become_quoted_prefixes_of_the_columns_the_role_may_match() {
        use SearchMatch::{Full, Till};
        let all = "{name email phone loyalty}";
        check("Núria", Full, &format!("{all} : \"núria\"*"));
        check(
            "  puig  Nur ",
            Full,
            &format!("{all} : \"puig\"* AND {all} : \"nur\"*"),
        );
        check(
            "\"and\" NOT nur* NEAR(xyz)",
            Full,
            &format!(
                "{all} : \"and\"* AND {all} : \"not\"* AND {all} : \"nur\"* AND {all} : \"near\"* AND {all} : \"xyz\"*"
            ),
        );
        check(
            "Núria Puig",
            Till,
            "{name} : \"núria\"* AND {name} : \"puig\"*",
        );
        check(
            "puigdomenech 346",
            Till,
            "{name} : \"puigdomenech\"* AND {name} : \"346\"*",
        );
    }

    #[test]
    fn numbers_are_prefixes_for_full_views_and_whole_values_at_the_till() {
        use SearchMatch::{Full, Till};
        check(
            "+34 600-12",
            Full,
            "{name email phone loyalty} : \"3460012\"*",
        );
        check("+34 600 123 456", Till, "{phone loyalty} : \"34600123456\"");
        assert_eq!(
            phone_terms("+34600123456"),
            "34600123456 4600123456 600123456 00123456"
        );
    }

    #[test]
    fn an_email_address_is_matched_whole_from_its_start() {
        for how in [SearchMatch::Full, SearchMatch::Till] {
            let m = match_expression("N.Puig@Example.com", how).unwrap();
            assert_eq!(m.expression(), "{email} : ^\"n puig example com\"");
            assert_eq!(m.exact_email.as_deref(), Some("n.puig@example.com"));
        }
    }

    #[test]
    fn short_and_long_queries_are_refused() {
        for how in [SearchMatch::Full, SearchMatch::Till] {
            for q in ["", "  ", "ab", "a b c", "é", "**", "12", "o b", "12 ab"] {
                assert!(
                    matches!(match_expression(q, how), Err(Error::QueryTooShort { .. })),
                    "{q:?}"
                );
            }
            assert!(match_expression(&"x".repeat(101), how).is_err());
            assert!(match_expression("aaa bbb ccc ddd eee fff ggg hhh iii", how).is_err());
            assert!(match_expression("a b c d e f g h nuria", how).is_err());
        }
    }

    #[test]
    fn short_words_beside_a_long_one_are_left_out_never_matched() {
        use SearchMatch::{Full, Till};
        let all = "{name email phone loyalty}";
        for (query, how, expected, ignored) in [
            ("o'brien", Till, "{name} : \"brien\"*", 1),
            ("Anna M", Till, "{name} : \"anna\"*", 1),
            ("puigdomenech 3", Till, "{name} : \"puigdomenech\"*", 1),
            (
                "puigdomenech 34",
                Full,
                &format!("{all} : \"puigdomenech\"*"),
                1,
            ),
            ("com a", Full, &format!("{all} : \"com\"*"), 1),
            (
                "a nur b puig",
                Till,
                "{name} : \"nur\"* AND {name} : \"puig\"*",
                2,
            ),
            ("nuria", Till, "{name} : \"nuria\"*", 0),
        ] {
            let matcher = match_expression(query, how).unwrap();
            assert_eq!(matcher.expression(), expected, "{query:?} as {how:?}");
            assert_eq!(matcher.ignored_words, ignored, "{query:?}");
        }
    }
}
