//! A tiny job pool: runs closures on at most N threads, returns results in
//! input order. The machines are small (2 cores), so N defaults to 2.

use std::sync::Mutex;

/// Default number of parallel jobs: `JITTY_DIFFTEST_JOBS`, else 2.
pub fn default_jobs() -> usize {
    std::env::var("JITTY_DIFFTEST_JOBS").ok().and_then(|s| s.parse().ok()).filter(|&n| n > 0).unwrap_or(2)
}

/// Applies `f` to every item on up to `jobs` threads; results keep input order.
pub fn map<T: Send, R: Send>(jobs: usize, items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let n = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1).min(n.max(1)) {
            s.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((i, item)) = next else { break };
                    let r = f(item);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().map(|r| r.expect("every job ran")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let out = super::map(3, (0..50).collect(), |x: u32| x * 2);
        assert_eq!(out, (0..50).map(|x| x * 2).collect::<Vec<_>>());
        assert!(super::map(2, Vec::<u8>::new(), |x| x).is_empty());
    }
}
