//! One target's series keys and their strings, kept from one scrape to the next, so that a
//! series seen again costs no allocation and every series of the target shares one copy
//! of each label name and value.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::quality::RandomState;
use std::sync::Arc;

use super::SeriesKey;

/// The keys of the series a scrape source saw in its latest scrape, and the strings they
/// share. Lives in the scrape task; the keys it hands out are the ones the model stores
/// ([`super::SeriesStore::push_shared`]).
///
/// Memory: one map entry (about 40 bytes) a series seen in the latest scrape, and each
/// distinct string once; keys of series that left and strings no key holds any more are
/// let go at the end of every scrape ([`Interner::end_scrape`]).
#[derive(Debug, Default)]
pub struct Interner {
    /// foldhash, seeded at random per interner: an exposition cannot aim at colliding
    /// series without the seed (foldhash claims only minimal resistance to HashDoS, not
    /// SipHash's), and two series that do collide only cost each other a new key a scrape,
    /// never a wrong one (a hit is compared in full). SipHash, the standard library's, was
    /// 2.4 % of scrape mode's CPU for the same job (README "Performance", third round).
    hasher: RandomState,
    /// Hash of name and labels as exposed -> the key and the scrape it was last seen in.
    keys: HashMap<u64, (Arc<SeriesKey>, u64), RandomState>,
    strings: HashSet<Arc<str>, RandomState>,
    scrape: u64,
}

impl Interner {
    /// The key of the series `name{labels}` (labels as exposed, values unescaped; empty
    /// values count as absent, as in [`SeriesKey::new`]): the one handed out before for
    /// the same series, else a new one made of shared strings.
    ///
    /// A new key's strings are cleaned by `clean` (outside text, [`crate::inbound`]); a
    /// series whose exposed strings needed cleaning is thus never found again and gets a
    /// new key each scrape, which only a hostile target pays for.
    ///
    /// `labels` must not give a name twice with non-empty values (the exposition parser
    /// refuses that, as Prometheus does); the key would keep the last one.
    pub fn key(
        &mut self,
        name: &str,
        labels: &[(&str, Cow<'_, str>)],
        clean: &crate::inbound::Cleaner,
    ) -> Arc<SeriesKey> {
        let present = || labels.iter().filter(|(_, v)| !v.is_empty());
        let mut h = self.hasher.build_hasher();
        name.hash(&mut h);
        for (k, v) in present() {
            k.hash(&mut h);
            v.hash(&mut h);
        }
        let hash = h.finish();
        let scrape = self.scrape;
        if let Some((key, seen)) = self.keys.get_mut(&hash)
            && *key.name == *name
            && key.labels.len() == present().count()
            && present().all(|(k, v)| key.label(k) == Some(v.as_ref()))
        {
            *seen = scrape;
            return Arc::clone(key);
        }
        let name = self.string(&clean.text(name));
        let pairs = present()
            .map(|(k, v)| (self.string(&clean.text(k)), self.string(&clean.text(v))))
            .collect();
        let key = Arc::new(SeriesKey::from_pairs(name, pairs));
        self.keys.insert(hash, (Arc::clone(&key), scrape));
        key
    }

    fn string(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.strings.get(s) {
            return Arc::clone(a);
        }
        let a: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&a));
        a
    }

    /// Ends a good scrape: forgets the keys of series it did not hold and the strings no
    /// key holds any more (the store's keys still hold theirs).
    pub fn end_scrape(&mut self) {
        let scrape = self.scrape;
        self.keys.retain(|_, (_, seen)| *seen == scrape);
        self.strings.retain(|s| Arc::strong_count(s) > 1);
        self.scrape += 1;
    }

    /// Series keys held (those of the latest good scrape, and any seen since).
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no key is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Distinct strings held.
    #[must_use]
    pub fn strings(&self) -> usize {
        self.strings.len()
    }
}
