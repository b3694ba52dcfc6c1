//! What the vault must hold: every change a child reported committed,
//! applied in order, and the checks of a reopened vault against it. The
//! one change a child was making when it was killed may or may not have
//! been saved; `settle` reads which from the vault, and checks that it is
//! one or the other, never half.

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::StdRng;
use rand::seq::IteratorRandom;
use steward_core::{AccessPurpose, CustomerProfile, Session, Vault};

/// A customer the vault must hold, as the committed changes left them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub name: String,
    /// The optional purposes granted now (membership always is).
    pub purposes: BTreeSet<String>,
    pub purchases: i64,
}

#[derive(Debug, Default)]
pub struct Model {
    pub live: BTreeMap<i64, Customer>,
    /// Erased customers' numbers and names.
    pub erased: BTreeMap<i64, String>,
    /// The highest customer number given so far.
    pub highest: i64,
}

/// The words of a `doing` or `committed` line after the change's name.
fn purposes_of(word: &str) -> BTreeSet<String> {
    word.split(',')
        .filter(|p| *p != "-")
        .map(str::to_owned)
        .collect()
}

impl Model {
    /// Applies one `committed` line (without the word `committed`);
    /// returns the customer it touched.
    pub fn apply(&mut self, line: &str) -> Result<i64, String> {
        let w: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| -> Result<i64, String> {
            w.get(i)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("unreadable report: {line}"))
        };
        match w.first().copied() {
            Some("join") => {
                let id = num(3)?;
                let joined = Customer {
                    name: w[1].to_owned(),
                    purposes: purposes_of(w[2]),
                    purchases: 0,
                };
                if id <= self.highest || self.live.insert(id, joined).is_some() {
                    return Err(format!("customer {id} was given a number already used"));
                }
                self.highest = id;
                Ok(id)
            }
            Some("purchase") => {
                let id = num(1)?;
                self.customer(id)?.purchases += 1;
                Ok(id)
            }
            Some("withdraw") => {
                let id = num(1)?;
                self.customer(id)?.purposes.remove(w[2]);
                Ok(id)
            }
            Some("erase") => {
                let id = num(1)?;
                let gone = self
                    .live
                    .remove(&id)
                    .ok_or_else(|| format!("customer {id} erased but not known"))?;
                self.erased.insert(id, gone.name);
                Ok(id)
            }
            // Every agreement to e-mail offers ended (see the child's
            // `retention`); it touched no single customer.
            Some("retention") => {
                for c in self.live.values_mut() {
                    c.purposes.remove("email-offers");
                }
                Ok(0)
            }
            _ => Err(format!("unknown report: {line}")),
        }
    }

    fn customer(&mut self, id: i64) -> Result<&mut Customer, String> {
        self.live
            .get_mut(&id)
            .ok_or_else(|| format!("a change reported on customer {id}, who is not known"))
    }

    /// Reads from the reopened vault whether the change in flight (its
    /// `doing` line) was saved, and takes it into the model. Returns the
    /// customer it is about, if any.
    pub fn settle(
        &mut self,
        v: &mut Vault,
        s: &mut Session,
        doing: &str,
    ) -> Result<Option<i64>, String> {
        let w: Vec<&str> = doing.split_whitespace().collect();
        if w.first() == Some(&"retention") {
            // Each customer's agreement ended or did not: read which.
            let holders: Vec<i64> = self
                .live
                .iter()
                .filter(|(_, c)| c.purposes.contains("email-offers"))
                .map(|(id, _)| *id)
                .collect();
            for id in holders {
                let c = read(v, s, id)?.ok_or(format!("customer {id} is gone after `{doing}`"))?;
                let mut without = self.customer(id)?.purposes.clone();
                without.remove("email-offers");
                if c.purposes != without && c.purposes != self.customer(id)?.purposes {
                    return Err(format!(
                        "customer {id}'s consents are {:?} after `{doing}`",
                        c.purposes
                    ));
                }
                self.customer(id)?.purposes = c.purposes;
            }
            return Ok(None);
        }
        let id: i64 = match w.first().copied() {
            Some("join") => self.highest + 1,
            _ => w
                .get(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("unreadable report: {doing}"))?,
        };
        let now = read(v, s, id)?;
        match (w[0], now) {
            ("join", None) => {}
            ("join", Some(c)) => {
                if c.name != w[1] || c.purchases != 0 || c.purposes != purposes_of(w[2]) {
                    return Err(format!(
                        "the join in flight was saved differently: {c:?} for `{doing}`"
                    ));
                }
                self.live.insert(id, c);
                self.highest = id;
            }
            ("purchase", Some(c)) => {
                let before = self.customer(id)?.purchases;
                if c.purchases != before && c.purchases != before + 1 {
                    return Err(format!(
                        "customer {id} has {} purchases, {before} were reported",
                        c.purchases
                    ));
                }
                self.customer(id)?.purchases = c.purchases;
            }
            ("withdraw", Some(c)) => {
                let mut without = self.customer(id)?.purposes.clone();
                without.remove(w[2]);
                if c.purposes != without && c.purposes != self.customer(id)?.purposes {
                    return Err(format!(
                        "customer {id}'s consents are {:?} after `{doing}`",
                        c.purposes
                    ));
                }
                self.customer(id)?.purposes = c.purposes;
            }
            ("erase", Some(_)) => {}
            ("erase", None) => {
                self.apply(&format!("erase {id}"))?;
            }
            (_, None) => return Err(format!("customer {id} is gone after `{doing}`")),
            _ => return Err(format!("unknown change in flight: {doing}")),
        }
        Ok(Some(id))
    }

    /// Checks the reopened vault against the model: every customer
    /// `touched` plus `sample` others picked at random are as the
    /// committed changes left them, every customer erased in `erased_now`
    /// is gone without a trace, and the vault holds as many customers as
    /// the model.
    pub fn check(
        &self,
        v: &mut Vault,
        s: &mut Session,
        touched: &BTreeSet<i64>,
        sample: usize,
        rng: &mut StdRng,
    ) -> Result<(), String> {
        let customers = v.status().map_err(|e| e.code().to_owned())?.customers;
        if customers != self.live.len() as i64 {
            return Err(format!(
                "the vault holds {customers} customers, {} were reported",
                self.live.len()
            ));
        }
        let others = self
            .live
            .keys()
            .filter(|id| !touched.contains(id))
            .copied()
            .choose_multiple(rng, sample);
        for id in touched.iter().chain(&others) {
            let now = read(v, s, *id)?;
            if let Some(name) = self.erased.get(id) {
                if now.is_some() {
                    return Err(format!("customer {id} was reported erased but is there"));
                }
                let scan = v.residue_scan(s, name).map_err(|e| e.code().to_owned())?;
                if scan.found {
                    return Err(format!(
                        "erased customer {id}'s name is still in the vault: {:?}",
                        scan.places
                    ));
                }
            } else if let Some(expected) = self.live.get(id) {
                match now {
                    Some(c) if &c == expected => {}
                    Some(c) => {
                        return Err(format!(
                            "customer {id} is {c:?}, the reported changes made {expected:?}"
                        ))
                    }
                    None => return Err(format!("customer {id}, reported saved, is gone")),
                }
            } else if now.is_some() {
                return Err(format!("customer {id} exists but no join was reported"));
            }
        }
        Ok(())
    }
}

/// The customer numbered `id` as the vault holds them now, through the
/// owner's own views, or `None` when there is no such customer.
fn read(v: &mut Vault, s: &mut Session, id: i64) -> Result<Option<Customer>, String> {
    let history = match v.consent_history(s, id) {
        Ok(h) => h,
        Err(e) if e.code() == "customer_not_found" => return Ok(None),
        Err(e) => return Err(format!("reading customer {id}: {}", e.code())),
    };
    if !history
        .current
        .iter()
        .any(|c| c.purpose == "membership" && c.granted)
    {
        return Err(format!("customer {id} exists without membership"));
    }
    let profile = v
        .customer_profile(s, id, AccessPurpose::CustomerRequest)
        .map_err(|e| format!("opening customer {id}: {}", e.code()))?;
    let CustomerProfile::Full(full) = profile else {
        return Err("the owner does not get the full profile".into());
    };
    Ok(Some(Customer {
        name: full.fields.get("name").cloned().unwrap_or_default(),
        purposes: history
            .current
            .iter()
            .filter(|c| c.granted && c.purpose != "membership")
            .map(|c| c.purpose.clone())
            .collect(),
        purchases: full.purchase_count,
    }))
}
