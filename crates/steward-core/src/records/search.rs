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
use crate::people::access::{MAX_QUERY_CHARS, MIN_QUERY_CHARS};

/// The most words a query may have.
const MAX_QUERY_WORDS: usize = 8;

/// Turns what someone typed into an FTS5 match expression: every word as a
/// quoted prefix (`"nur"*`), all of them required. A query of digits and
/// phone punctuation (`+34 600 12`) becomes one number. Refused when too
/// long, or when no word has `MIN_QUERY_CHARS` letters or digits.
pub fn match_expression(query: &str) -> Result<String> {
    let query = query.trim();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::InvalidInput {
            field: "query",
            reason: "it is too long (100 characters at most)",
        });
    }
    let looks_like_phone = query.chars().any(|c| c.is_ascii_digit())
        && query
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'));
    let words: Vec<String> = if looks_like_phone {
        vec![query.chars().filter(char::is_ascii_digit).collect()]
    } else {
        query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    if !words.iter().any(|w| w.chars().count() >= MIN_QUERY_CHARS) {
        return Err(Error::QueryTooShort {
            min: MIN_QUERY_CHARS,
        });
    }
    if words.len() > MAX_QUERY_WORDS {
        return Err(Error::InvalidInput {
            field: "query",
            reason: "it has too many words (8 at most)",
        });
    }
    // Words hold only letters and digits, so the quotes cannot be escaped.
    Ok(words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" "))
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

/// The customers matching `expression` (from [`match_expression`]), best
/// first, at most `limit`.
pub(crate) fn matching_customers(
    conn: &Connection,
    expression: &str,
    limit: usize,
) -> Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT rowid FROM customer_search WHERE customer_search MATCH ?1 ORDER BY rank LIMIT ?2",
    )
    .and_then(|mut s| {
        s.query_map(params![expression, limit as i64], |r| r.get(0))?
            .collect()
    })
    .map_err(Error::db("search customers"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_prefixes() {
        assert_eq!(match_expression("Núria").unwrap(), "\"núria\"*");
        assert_eq!(
            match_expression("  puig  Nur ").unwrap(),
            "\"puig\"* \"nur\"*"
        );
        assert_eq!(
            match_expression("\"a\" OR nur* NEAR(x)").unwrap(),
            "\"a\"* \"or\"* \"nur\"* \"near\"* \"x\"*"
        );
    }

    #[test]
    fn phone_numbers_become_one_number() {
        assert_eq!(match_expression("+34 600-12").unwrap(), "\"3460012\"*");
        assert_eq!(
            phone_terms("+34600123456"),
            "34600123456 4600123456 600123456 00123456"
        );
    }

    #[test]
    fn short_and_long_queries_are_refused() {
        for q in ["", "  ", "ab", "a b c", "é", "**", "12"] {
            assert!(
                matches!(match_expression(q), Err(Error::QueryTooShort { .. })),
                "{q:?}"
            );
        }
        assert!(match_expression(&"x".repeat(101)).is_err());
        assert!(match_expression("aaa b c d e f g h i").is_err());
    }
}
