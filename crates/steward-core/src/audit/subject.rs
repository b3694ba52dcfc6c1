//! What an audited action was done to, named by id only. The one place
//! that knows how subjects are written in the log (`customer:3`,
//! `user:7`...) and how a customer is found among them.

/// The subject of an audit entry. Holds ids and fixed labels, never a
/// name or a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    User(i64),
    Customer(i64),
    /// Every customer a list showed (a search, an audience page).
    Customers(Vec<i64>),
    /// An invitation (a person on an imported list who has not joined).
    Invitation(i64),
    /// What a till search showed: customers and invitations.
    Found {
        customers: Vec<i64>,
        invitations: Vec<i64>,
    },
    Receipt(String),
    Purpose(String),
    Field(&'static str),
    Notice(i64),
    Setting(&'static str),
    /// A backup, by the random id in its header (never its file's path).
    Backup(String),
    /// A user whose searches reached the hourly search limit: how many
    /// different customers they had shown in the hour, and the limit.
    SearchLimit {
        user: i64,
        revealed: u32,
        limit: u32,
    },
}

impl Subject {
    /// The stored form; `None` for an empty list of customers.
    pub(crate) fn stored(&self) -> Option<String> {
        Some(match self {
            Subject::User(id) => format!("user:{id}"),
            Subject::Customer(id) => format!("customer:{id}"),
            Subject::Customers(ids) if ids.is_empty() => return None,
            Subject::Customers(ids) => ids
                .iter()
                .map(|id| format!("customer:{id}"))
                .collect::<Vec<_>>()
                .join(" "),
            Subject::Invitation(id) => format!("invitation:{id}"),
            Subject::Found {
                customers,
                invitations,
            } => {
                let parts: Vec<String> = customers
                    .iter()
                    .map(|id| format!("customer:{id}"))
                    .chain(invitations.iter().map(|id| format!("invitation:{id}")))
                    .collect();
                if parts.is_empty() {
                    return None;
                }
                parts.join(" ")
            }
            Subject::Receipt(id) => format!("receipt:{id}"),
            Subject::Purpose(id) => format!("purpose:{id}"),
            Subject::Field(key) => format!("field:{key}"),
            Subject::Notice(version) => format!("notice:{version}"),
            Subject::Setting(key) => format!("setting:{key}"),
            Subject::Backup(id) => format!("backup:{id}"),
            Subject::SearchLimit {
                user,
                revealed,
                limit,
            } => format!("user:{user} revealed:{revealed} limit:{limit}"),
        })
    }

    /// The customers a stored subject names (one, or every one of a list).
    pub(crate) fn customers_in(stored: &str) -> impl Iterator<Item = i64> + '_ {
        stored
            .split(' ')
            .filter_map(|part| part.strip_prefix("customer:")?.parse().ok())
    }

    /// The invitations a stored subject names.
    pub(crate) fn invitations_in(stored: &str) -> impl Iterator<Item = i64> + '_ {
        stored
            .split(' ')
            .filter_map(|part| part.strip_prefix("invitation:")?.parse().ok())
    }

    /// Reads back a stored [`Subject::SearchLimit`].
    pub(crate) fn parse_search_limit(stored: &str) -> Option<Subject> {
        let mut parts = stored.split(' ');
        let mut next = |label: &str| -> Option<i64> {
            parts
                .next()?
                .strip_prefix(label)?
                .strip_prefix(':')?
                .parse()
                .ok()
        };
        let (user, revealed, limit) = (next("user")?, next("revealed")?, next("limit")?);
        Some(Subject::SearchLimit {
            user,
            revealed: u32::try_from(revealed).ok()?,
            limit: u32::try_from(limit).ok()?,
        })
    }

    /// A `LIKE` pattern that matches a stored subject, padded with one space
    /// on each side, naming this subject (alone or in a list).
    pub(crate) fn like_pattern(&self) -> String {
        format!("% {} %", self.stored().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_is_found_alone_and_in_a_list_but_not_by_prefix() {
        let pattern = Subject::Customer(3).like_pattern();
        assert_eq!(pattern, "% customer:3 %");
        let padded = |s: &Subject| format!(" {} ", s.stored().unwrap());
        let like = |text: &str| text.contains(&pattern[1..pattern.len() - 1]);
        assert!(like(&padded(&Subject::Customer(3))));
        assert!(like(&padded(&Subject::Customers(vec![9, 3, 12]))));
        assert!(!like(&padded(&Subject::Customer(33))));
        assert_eq!(Subject::Customers(vec![]).stored(), None);
    }

    #[test]
    fn customers_and_search_limits_read_back_as_written() {
        let list = Subject::Customers(vec![9, 3, 12]).stored().unwrap();
        assert_eq!(Subject::customers_in(&list).collect::<Vec<_>>(), [9, 3, 12]);
        assert_eq!(Subject::customers_in("user:7").count(), 0);
        let limit = Subject::SearchLimit {
            user: 7,
            revealed: 58,
            limit: 60,
        };
        let stored = limit.stored().unwrap();
        assert_eq!(stored, "user:7 revealed:58 limit:60");
        assert_eq!(Subject::parse_search_limit(&stored), Some(limit));
        assert_eq!(Subject::parse_search_limit("user:7"), None);
        assert_eq!(Subject::parse_search_limit(&list), None);
    }
}
