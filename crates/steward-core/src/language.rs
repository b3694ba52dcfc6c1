//! The languages customers are served in, and the customer-facing texts the
//! core writes itself (notices, receipts), from `assets/notices/<lang>.json`.
//! The files are compiled in, so a vault always has every language.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// A language Steward ships notices and receipts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Ca,
    Id,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Ca, Lang::Id, Lang::Es];

    /// The ISO 639-1 code used everywhere (`"ca"`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ca => "ca",
            Lang::Id => "id",
            Lang::Es => "es",
        }
    }

    /// Parses an ISO 639-1 code.
    pub fn parse(code: &str) -> Result<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .ok_or(Error::InvalidInput {
                field: "language",
                reason: "Steward speaks en, ca, id and es",
            })
    }

    /// This language's texts.
    pub(crate) fn pack(self) -> &'static Pack {
        static PACKS: OnceLock<Vec<Pack>> = OnceLock::new();
        let packs = PACKS.get_or_init(|| {
            Lang::ALL
                .into_iter()
                .map(|lang| {
                    let source = match lang {
                        Lang::En => include_str!("../../../assets/notices/en.json"),
                        Lang::Ca => include_str!("../../../assets/notices/ca.json"),
                        Lang::Id => include_str!("../../../assets/notices/id.json"),
                        Lang::Es => include_str!("../../../assets/notices/es.json"),
                    };
                    // Invariant: the files are compiled in and checked by the
                    // `every_language_pack_has_every_text` test.
                    let texts = serde_json::from_str(source).expect("language pack is valid JSON");
                    Pack { lang, texts }
                })
                .collect()
        });
        &packs[Lang::ALL.iter().position(|l| *l == self).unwrap_or(0)]
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl rusqlite::types::FromSql for Lang {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        Lang::parse(value.as_str()?).map_err(|_| rusqlite::types::FromSqlError::InvalidType)
    }
}

/// One language's texts.
pub(crate) struct Pack {
    lang: Lang,
    texts: Value,
}

impl Pack {
    /// The text at a dot path (`"receipt.title"`), with `{name}` placeholders
    /// filled from `vars`. A missing text falls back to English, then to the
    /// path itself, so a gap is visible rather than fatal.
    pub(crate) fn text(&self, path: &str, vars: &[(&str, &str)]) -> String {
        let raw = lookup(&self.texts, path)
            .or_else(|| {
                (self.lang != Lang::En)
                    .then(|| lookup(&Lang::En.pack().texts, path))
                    .flatten()
            })
            .unwrap_or(path);
        fill(raw, vars)
    }

    /// Like [`Pack::text`] for plural objects (`{"one": .., "other": ..}`).
    pub(crate) fn plural(&self, path: &str, n: u32) -> String {
        let form = if n == 1 { "one" } else { "other" };
        let n_text = n.to_string();
        self.text(&format!("{path}.{form}"), &[("n", &n_text)])
    }

    /// A retention period in days as words ("3 years", "6 months").
    pub(crate) fn period(&self, days: u32) -> String {
        if days.is_multiple_of(365) {
            self.plural("period.years", days / 365)
        } else if days.is_multiple_of(30) {
            self.plural("period.months", days / 30)
        } else {
            self.plural("period.days", days)
        }
    }
}

fn lookup<'v>(texts: &'v Value, path: &str) -> Option<&'v str> {
    path.split('.')
        .try_fold(texts, |node, part| node.get(part))
        .and_then(Value::as_str)
}

fn fill(text: &str, vars: &[(&str, &str)]) -> String {
    // One pass over the template, so a value containing "{x}" is never expanded.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    paths(v, &format!("{prefix}{k}."), out);
                }
            }
            _ => out.push(prefix.trim_end_matches('.').to_owned()),
        }
    }

    #[test]
    fn every_language_pack_has_every_text() {
        let mut english = Vec::new();
        paths(&Lang::En.pack().texts, "", &mut english);
        for lang in Lang::ALL {
            let mut own = Vec::new();
            paths(&lang.pack().texts, "", &mut own);
            english.sort();
            own.sort();
            assert_eq!(own, english, "{lang}");
        }
    }

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(
            fill("{a} and {b}", &[("a", "{b}"), ("b", "x")]),
            "{b} and x"
        );
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
    }

    #[test]
    fn periods_read_naturally() {
        let en = Lang::En.pack();
        assert_eq!(en.period(365 * 3), "3 years");
        assert_eq!(en.period(30), "1 month");
        assert_eq!(en.period(10), "10 days");
    }
}
