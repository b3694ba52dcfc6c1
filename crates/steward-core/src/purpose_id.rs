//! The purposes the code itself relies on, by id, in one place: the one
//! every customer record depends on, the ones whose records or fields the
//! code treats specially, and what each kind of record about a customer is
//! kept for. Their names, texts, retention and fields live in the vault
//! (`consent::purposes`), where the owner can change them.

/// The purpose every customer record depends on.
pub const MEMBERSHIP: &str = "membership";
/// The purpose loyalty points and the loyalty number are kept for.
pub const LOYALTY: &str = "loyalty";
/// The purpose whose fields a delivery may show to staff.
pub const HOME_DELIVERY: &str = "home-delivery";
pub const EMAIL_OFFERS: &str = "email-offers";
pub const SMS_OFFERS: &str = "sms-offers";
pub const BIRTHDAY_OFFER: &str = "birthday-offer";
pub const RECOMMENDATIONS: &str = "recommendations";
/// Sales records a law requires (told, not asked for).
pub const SALES_RECORDS: &str = "sales-records";

/// The shipped purposes that are marketing.
pub const MARKETING: &[&str] = &[EMAIL_OFFERS, SMS_OFFERS, BIRTHDAY_OFFER, RECOMMENDATIONS];

/// The purposes whose consent means "contact me through this channel".
pub const CONTACT_CHANNELS: &[(&str, &str)] = &[(EMAIL_OFFERS, "email"), (SMS_OFFERS, "sms")];

/// What each kind of record about a customer is kept for. Writing one needs
/// the customer's current consent to that purpose; withdrawing the purpose
/// erases the records (membership: with the whole customer).
pub const RECORD_PURPOSES: &[(&str, &str)] = &[
    ("purchases", MEMBERSHIP),
    ("notes", MEMBERSHIP),
    ("tasks", MEMBERSHIP),
    ("tags", MEMBERSHIP),
    ("loyalty", LOYALTY),
];

/// The purpose a kind of record (`purchases`, `notes`...) is kept for.
pub fn of_record(kind: &str) -> &'static str {
    RECORD_PURPOSES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(MEMBERSHIP, |(_, p)| p)
}
