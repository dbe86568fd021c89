//! Dependents records, installation of specializations and the guarded
//! write: the part of the protocol that never loses an invalidation.
//!
//! An *object* is identified by the address of its dependents word (the
//! kernel's `QuasiDeps`). While specializations depend on some of its
//! `Quasi` terms, the word holds its own address (a non-null marker: the
//! record itself lives in the [`Registry`], keyed by that address, so a
//! writer that races with the record's removal never touches freed memory).
//! A *term* is a word-sized field of such an object whose value a
//! specialization folded.

use std::collections::HashMap;

use super::qsbr::{Domain, ThreadRecord};
use super::sync::{AtomicU32, AtomicU64, AtomicUsize, Mutex, Ordering, lock};

/// A folded quasi-invariant term: where it is, and the value folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// Address of the owning object's dependents word.
    pub deps_word: usize,
    /// Address of the field.
    pub field: usize,
    /// Size of the field in bytes: 4 or 8.
    pub size: u8,
    /// The value the specialization assumed.
    pub value: u64,
}

impl Term {
    /// The field's current value.
    fn current(&self) -> u64 {
        // SAFETY: the installer promises `field` is a live, aligned field of
        // `size` bytes for as long as the specialization is registered, and
        // every write to it is atomic (a `Quasi` cell).
        unsafe {
            match self.size {
                4 => (*(self.field as *const AtomicU32)).load(Ordering::Acquire) as u64,
                _ => (*(self.field as *const AtomicU64)).load(Ordering::Acquire),
            }
        }
    }
}

/// Where a specialization is plugged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plug {
    /// Address of the dispatch slot (a word holding a code address).
    pub slot: usize,
    /// The slot's generic code, restored on unplug.
    pub generic: usize,
    /// The specialized code.
    pub code: usize,
}

impl Plug {
    fn store(&self, code: usize) {
        // SAFETY: the installer promises `slot` is a live, aligned dispatch
        // slot for as long as the specialization is registered.
        unsafe { (*(self.slot as *const AtomicUsize)).store(code, Ordering::Release) }
    }
}

/// A specialization to install: its guard set and its plug.
#[derive(Debug)]
pub struct Specialization {
    /// Every `Quasi` term the residual code folded (its guard set).
    pub terms: Vec<Term>,
    /// The slot it goes into.
    pub plug: Plug,
}

/// Identifies an installed specialization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpecId(pub u64);

/// Why an installation did not plug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallError {
    /// A folded term no longer holds the folded value.
    Stale,
    /// A guarded write to one of its objects ran during the installation.
    Invalidated,
    /// The guard set is empty or malformed (a term of size other than 4 or 8).
    BadGuardSet,
    /// The kernel offers no heavy fence (`membarrier`), without which the
    /// drain cannot see threads that entered with a light fence.
    NoHeavyFence,
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Stale => "a folded quasi-invariant changed before the specialization was plugged",
            Self::Invalidated => "a guarded write invalidated the specialization while it was being installed",
            Self::BadGuardSet => "malformed guard set (term size must be 4 or 8 bytes)",
            Self::NoHeavyFence => "membarrier(PRIVATE_EXPEDITED) is unavailable, so nothing is specialized",
        })
    }
}

impl std::error::Error for InstallError {}

#[derive(Debug)]
struct Entry {
    terms: Vec<Term>,
    plug: Plug,
    live: bool,
}

#[derive(Debug, Default)]
struct Registry {
    /// Object (dependents-word address) → specializations depending on it.
    objects: HashMap<usize, Vec<SpecId>>,
    /// Objects with a guarded write between its prepare and its finish: no
    /// specialization depending on them may be plugged meanwhile.
    writing: HashMap<usize, u32>,
    specs: HashMap<SpecId, Entry>,
    /// Dispatch slot → the specialization plugged in it.
    slots: HashMap<usize, SpecId>,
    stats: GuardStats,
    /// Unplugged code that some thread may still be inside.
    zombies: Vec<(SpecId, usize)>,
    next: u64,
}

impl Registry {
    /// Removes `id` from every object's list, clearing the dependents word of
    /// objects left with none.
    fn forget(&mut self, id: SpecId, terms: &[Term]) {
        for t in terms {
            if let Some(list) = self.objects.get_mut(&t.deps_word) {
                list.retain(|s| *s != id);
                if list.is_empty() {
                    self.objects.remove(&t.deps_word);
                    set_deps_word(t.deps_word, 0);
                }
            }
        }
    }

    /// Removes `id` entirely; if it was plugged, restores the slot's generic
    /// code (unless another specialization replaced it) and keeps its code
    /// for reclamation. Returns whether it was plugged.
    fn remove(&mut self, id: SpecId) -> bool {
        let Some(e) = self.specs.remove(&id) else { return false };
        self.forget(id, &e.terms);
        if !e.live {
            return false;
        }
        if self.slots.get(&e.plug.slot) == Some(&id) {
            self.slots.remove(&e.plug.slot);
            e.plug.store(e.plug.generic);
        }
        self.zombies.push((id, e.plug.code));
        true
    }
}

fn set_deps_word(deps_word: usize, v: usize) {
    // SAFETY: a registered object's dependents word is live while any term
    // of it is registered (installer's promise).
    unsafe { (*(deps_word as *const AtomicUsize)).store(v, Ordering::SeqCst) }
}

/// What the guard runtime has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuardStats {
    /// Specializations plugged.
    pub installed: u64,
    /// Installations refused because a folded term changed or a guarded
    /// write ran meanwhile.
    pub refused: u64,
    /// Specializations unplugged by guarded writes.
    pub invalidated: u64,
    /// Sleepers that woke in unplugged code and restarted through the slot.
    pub restarts: u64,
    /// Unplugged code handed to the reclaim callback.
    pub freed: u64,
}

/// What the guard runtime reports when code it unplugged can be freed.
pub type Reclaim = Box<dyn FnMut(SpecId, usize) + Send>;

/// The guard runtime: dependents records and the drain.
pub struct GuardRuntime {
    domain: Domain,
    registry: Mutex<Registry>,
    reclaim: Mutex<Option<Reclaim>>,
}

impl std::fmt::Debug for GuardRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardRuntime").field("domain", &self.domain).finish_non_exhaustive()
    }
}

impl Default for GuardRuntime {
    fn default() -> Self {
        Self::new()
    }
}

impl GuardRuntime {
    /// A runtime with no threads and no dependents.
    pub fn new() -> Self {
        Self { domain: Domain::default(), registry: Mutex::new(Registry::default()), reclaim: Mutex::new(None) }
    }

    /// The thread records.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// Sets the callback that frees unplugged code once no thread can be
    /// inside it (the JIT unit's owner frees it there).
    pub fn on_reclaim(&self, f: Reclaim) {
        *lock(&self.reclaim) = Some(f);
    }

    /// Installs `spec`: publishes its dependents records, waits until every
    /// writer that may have missed them is done (a grace period), checks that
    /// every folded term still holds its value, and plugs. `me` is the
    /// calling thread's record if it has one.
    ///
    /// Why no invalidation is lost. A guarded write loads the dependents word
    /// before it stores. On the fast path (null word) it stays active between
    /// the two, so if it loaded before this publication the grace period
    /// waits for its store and the validation sees the new value (`Stale`).
    /// The slow path marks the object `writing` from its prepare to its
    /// finish (after the store): a write prepared before the publication is
    /// refused here, one prepared after it removes this entry or is still
    /// marked at the final check (`Invalidated`). Plugging and invalidation
    /// are serialized by the registry lock, so a plug never lands after an
    /// unplug.
    pub fn install(&self, spec: Specialization, me: Option<&ThreadRecord>) -> Result<SpecId, InstallError> {
        if spec.terms.iter().any(|t| t.size != 4 && t.size != 8) {
            return Err(InstallError::BadGuardSet);
        }
        if !super::sync::heavy_fence_available() {
            return Err(InstallError::NoHeavyFence);
        }
        let id = {
            let mut r = lock(&self.registry);
            // A guarded write prepared before this publication may store at
            // any time until it finishes, even after the validation below
            // (its writer is quiescent while it drains, so the grace period
            // need not wait for it): refuse while one is in flight.
            if spec.terms.iter().any(|t| r.writing.contains_key(&t.deps_word)) {
                r.stats.refused += 1;
                return Err(InstallError::Invalidated);
            }
            let id = SpecId(r.next);
            r.next += 1;
            for t in &spec.terms {
                let list = r.objects.entry(t.deps_word).or_default();
                if !list.contains(&id) {
                    list.push(id);
                }
                set_deps_word(t.deps_word, t.deps_word);
            }
            r.specs.insert(id, Entry { terms: spec.terms.clone(), plug: spec.plug, live: false });
            id
        };
        self.domain.synchronize(me);
        let stale = spec.terms.iter().any(|t| t.current() != t.value);
        let mut r = lock(&self.registry);
        let writing = spec.terms.iter().any(|t| r.writing.contains_key(&t.deps_word));
        match r.specs.get_mut(&id) {
            Some(e) if !stale && !writing => {
                e.plug.store(e.plug.code);
                e.live = true;
                let slot = e.plug.slot;
                r.stats.installed += 1;
                // A specialization it replaces is still valid, but its code
                // is freed only after a drain.
                if let Some(old) = r.slots.insert(slot, id) {
                    r.remove(old);
                }
                Ok(id)
            }
            Some(_) => {
                r.remove(id);
                r.stats.refused += 1;
                Err(if stale { InstallError::Stale } else { InstallError::Invalidated })
            }
            None => {
                r.stats.refused += 1;
                Err(InstallError::Invalidated)
            }
        }
    }

    /// The slow path of a guarded write to an object whose dependents word
    /// was non-null, called *before* the store and with no kernel lock held:
    /// unplugs every specialization that depends on the object, marks the
    /// object as being written (no new plug until [`Self::finish_write`]),
    /// and drains: returns once no thread executes unplugged code, except
    /// threads asleep in it, which restart when they wake.
    pub fn prepare_write(&self, deps_word: usize, me: Option<&ThreadRecord>) {
        let mut unplugged = false;
        {
            let mut r = lock(&self.registry);
            *r.writing.entry(deps_word).or_default() += 1;
            let ids = r.objects.remove(&deps_word).unwrap_or_default();
            set_deps_word(deps_word, 0);
            for id in ids {
                let was_live = r.remove(id);
                r.stats.invalidated += was_live as u64;
                unplugged |= was_live;
            }
        }
        if unplugged {
            self.drain_and_reclaim(me);
        }
    }

    /// Ends the guarded write that [`Self::prepare_write`] began, after its store.
    pub fn finish_write(&self, deps_word: usize) {
        let mut r = lock(&self.registry);
        if let Some(n) = r.writing.get_mut(&deps_word) {
            *n -= 1;
            if *n == 0 {
                r.writing.remove(&deps_word);
            }
        }
    }

    /// Unplugs one specialization (policy: eviction, shutdown) and drains.
    /// Returns whether it was installed.
    pub fn uninstall(&self, id: SpecId, me: Option<&ThreadRecord>) -> bool {
        let (found, plugged) = {
            let mut r = lock(&self.registry);
            (r.specs.contains_key(&id), r.remove(id))
        };
        if plugged {
            self.drain_and_reclaim(me);
        }
        found
    }

    /// Frees (through the reclaim callback) unplugged code that no thread
    /// can be in any more. Code a thread sleeps in stays for a later call.
    pub fn reclaim(&self, me: Option<&ThreadRecord>) {
        if lock(&self.registry).zombies.is_empty() {
            return;
        }
        self.drain_and_reclaim(me);
    }

    /// Drains, then frees the code unplugged before the drain that no thread
    /// is active or asleep in. The drain matters: a thread that loaded the
    /// slot before the unplug has, after it, either left or recorded the
    /// code it entered (`entered_specialized` precedes any sleep).
    fn drain_and_reclaim(&self, me: Option<&ThreadRecord>) {
        let unplugged: Vec<SpecId> = lock(&self.registry).zombies.iter().map(|z| z.0).collect();
        self.domain.synchronize(me);
        let free: Vec<(SpecId, usize)> = {
            let mut r = lock(&self.registry);
            let (free, busy): (Vec<_>, Vec<_>) =
                r.zombies.drain(..).partition(|(id, code)| unplugged.contains(id) && !self.domain.anyone_in(*code));
            r.zombies = busy;
            free
        };
        if free.is_empty() {
            return;
        }
        lock(&self.registry).stats.freed += free.len() as u64;
        if let Some(f) = lock(&self.reclaim).as_mut() {
            for (id, code) in free {
                f(id, code);
            }
        }
    }

    /// Ends an interruptible sleep of `me`: returns `true` when the code it
    /// sleeps in is a specialization that was unplugged or replaced
    /// meanwhile, so the call must restart through its slot.
    pub fn wake(&self, me: &ThreadRecord) -> bool {
        if !me.wake_slot_changed() {
            return false;
        }
        let code = me.code();
        let mut r = lock(&self.registry);
        let restart = r.zombies.iter().any(|z| z.1 == code) || r.specs.values().any(|e| e.plug.code == code);
        r.stats.restarts += restart as u64;
        restart
    }

    /// What the runtime has done so far.
    pub fn stats(&self) -> GuardStats {
        lock(&self.registry).stats
    }

    /// Number of plugged specializations.
    pub fn live(&self) -> usize {
        lock(&self.registry).specs.values().filter(|e| e.live).count()
    }

    /// Number of unplugged specializations whose code is not yet freed.
    pub fn zombies(&self) -> usize {
        lock(&self.registry).zombies.len()
    }
}
