//! Failed sign-in limits, per account and per client address, on `governor`'s GCRA.
//! Only failures are counted; once a key has run out, every attempt for it (even with
//! the right password) is refused until the limiter lets it through again, so guessing
//! cannot continue in the shadow of a block.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::SignInLimits;

pub struct SignInLimiter {
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    /// Keys refused by the limiter, and until when. Kept beside governor because it has
    /// no way to ask "is this key limited?" without spending a cell.
    blocked: Mutex<HashMap<BlockKey, Instant>>,
    clock: DefaultClock,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum BlockKey {
    Account(String),
    Address(IpAddr),
}

fn quota(burst: u32, period: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).expect("max(1) is never zero");
    Quota::with_period(period.max(Duration::from_millis(1)))
        .expect("a positive period makes a quota")
        .allow_burst(burst)
}

impl SignInLimiter {
    pub fn new(limits: SignInLimits) -> Self {
        SignInLimiter {
            accounts: RateLimiter::keyed(quota(limits.account_burst, limits.account_period)),
            addresses: RateLimiter::keyed(quota(limits.address_burst, limits.address_period)),
            blocked: Mutex::new(HashMap::new()),
            clock: DefaultClock::default(),
        }
    }

    /// Seconds to wait before this account or address may try again, if any.
    pub fn retry_after(&self, account: &str, address: IpAddr) -> Option<u64> {
        let now = Instant::now();
        let mut blocked = self.blocked.lock().expect("limiter lock is never poisoned");
        blocked.retain(|_, until| *until > now);
        [
            BlockKey::Account(account.to_string()),
            BlockKey::Address(address),
        ]
        .iter()
        .filter_map(|key| blocked.get(key))
        .map(|until| until.duration_since(now).as_secs().max(1))
        .max()
    }

    /// Counts one failed attempt against both keys.
    pub fn record_failure(&self, account: &str, address: IpAddr) {
        let mut newly_blocked = Vec::new();
        if let Err(not_until) = self.accounts.check_key(&account.to_string()) {
            let wait = not_until.wait_time_from(self.clock.now());
            newly_blocked.push((BlockKey::Account(account.to_string()), wait));
        }
        if let Err(not_until) = self.addresses.check_key(&address) {
            let wait = not_until.wait_time_from(self.clock.now());
            newly_blocked.push((BlockKey::Address(address), wait));
        }
        if !newly_blocked.is_empty() {
            let now = Instant::now();
            let mut blocked = self.blocked.lock().expect("limiter lock is never poisoned");
            for (key, wait) in newly_blocked {
                blocked.insert(key, now + wait.max(Duration::from_secs(1)));
            }
        }
        self.accounts.retain_recent();
        self.addresses.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_an_account_after_its_burst_and_not_others() {
        let limiter = SignInLimiter::new(SignInLimits {
            account_burst: 3,
            account_period: Duration::from_secs(60),
            address_burst: 100,
            address_period: Duration::from_secs(1),
        });
        let ip = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..3 {
            assert_eq!(limiter.retry_after("a@example.jp", ip), None);
            limiter.record_failure("a@example.jp", ip);
        }
        assert_eq!(limiter.retry_after("a@example.jp", ip), None);
        limiter.record_failure("a@example.jp", ip);
        assert!(limiter.retry_after("a@example.jp", ip).is_some());
        assert_eq!(limiter.retry_after("b@example.jp", ip), None);
    }
}
