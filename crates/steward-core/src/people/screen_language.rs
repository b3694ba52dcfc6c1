//! The language of the staff screens: each account may choose its own
//! (`None`: the shop's default), the owner may set anyone's, and the owner
//! sets the shop's default. The core only stores and answers the choice;
//! the screens' words themselves are the UI's (`ui/i18n`).

use super::accounts::{self, UserSummary};
use super::session::Session;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::language::Lang;
use crate::permissions::Action;
use crate::shop;
use crate::store::Vault;

impl Vault {
    /// The language `session`'s screens use: the account's own choice, or
    /// else the shop's default. Read anew each time, so a change made by
    /// the owner shows at the user's next screen.
    pub fn session_language(&self, session: &Session) -> Result<Lang> {
        match accounts::language_of(&self.conn, session.user_id)? {
            Some(lang) => Ok(lang),
            None => shop::staff_language(&self.conn),
        }
    }

    /// The language `session`'s user chose for their screens, if any.
    pub fn own_language(&self, session: &Session) -> Result<Option<Lang>> {
        accounts::language_of(&self.conn, session.user_id)
    }

    /// Chooses the language of one's own screens (`None`: follow the
    /// shop's default). Everyone may, even before choosing their own
    /// passphrase, so the passphrase screen is in a language they read.
    pub fn set_own_language(&mut self, session: &mut Session, lang: Option<Lang>) -> Result<()> {
        self.authorize(session, Action::ChooseOwnLanguage)?;
        let (id, role) = (session.user_id, session.role);
        self.transact("change an account's language", |tx| {
            accounts::set_language(tx.conn(), id, lang)?;
            tx.audit(
                AuditEvent::new("user.set_language", Outcome::Ok)
                    .by(id, role)
                    .on(Subject::User(id)),
            )
        })
    }

    /// The owner sets the language of someone's screens (`None`: the
    /// shop's default).
    pub fn set_user_language(
        &mut self,
        session: &mut Session,
        username: &str,
        lang: Option<Lang>,
    ) -> Result<UserSummary> {
        self.authorize(session, Action::ManageUsers)?;
        let user = accounts::find(&self.conn, username)?.ok_or(Error::UserNotFound)?;
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change an account's language", |tx| {
            accounts::set_language(tx.conn(), user.id, lang)?;
            tx.audit(
                AuditEvent::new("user.set_language", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::User(user.id)),
            )
        })?;
        accounts::summary(&self.conn, &user.username)
    }

    /// The owner sets the shop's default language for the staff screens.
    pub fn set_staff_language(&mut self, session: &mut Session, lang: Lang) -> Result<()> {
        self.authorize(session, Action::ChangeSettings)?;
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a setting", |tx| {
            shop::set_staff_language(tx.conn(), lang)?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::Setting("staff_language")),
            )
        })
    }
}
