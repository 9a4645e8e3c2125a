//! [`FailureLimiter`]: at most [`MAX_FAILURES`] failed attempts (wrong password, unknown user,
//! wrong token, a user header from an untrusted address) per client in any [`WINDOW`]; past
//! that the client is answered 429 with `Retry-After` until its oldest failure ages out, and
//! nothing it sends is verified meanwhile (no guessing, no argon2 work). IPv6 clients count
//! per /64, the block one host usually gets. Memory is bounded: at most [`MAX_CLIENTS`]
//! clients are tracked, those whose failures all aged out go first.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per client and window.
pub const MAX_FAILURES: usize = 10;
/// The window failures are counted in.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Clients tracked at most.
pub const MAX_CLIENTS: usize = 100_000;

/// Failed attempts per client address.
#[derive(Default)]
pub struct FailureLimiter {
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

/// The client is refused for this long (the `Retry-After`, whole seconds, at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocked {
    pub retry_after: Duration,
}

impl FailureLimiter {
    /// `Err` while `client` has [`MAX_FAILURES`] failures in the last [`WINDOW`].
    ///
    /// # Errors
    /// [`Blocked`] with how long until the client may try again.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Blocked> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = failures.get_mut(&key(client)) else {
            return Ok(());
        };
        forget_old(times, now);
        match times.front() {
            Some(oldest) if times.len() >= MAX_FAILURES => {
                let left = (*oldest + WINDOW).saturating_duration_since(now);
                Err(Blocked {
                    retry_after: Duration::from_secs(left.as_secs() + 1),
                })
            }
            _ => Ok(()),
        }
    }

    /// Counts a failure of `client`; `true` when this one reached the limit (worth a log
    /// line; the refusals after it are not).
    pub fn record(&self, client: IpAddr, now: Instant) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let client = key(client);
        if failures.len() >= MAX_CLIENTS && !failures.contains_key(&client) {
            make_room(&mut failures, now);
        }
        let times = failures.entry(client).or_default();
        forget_old(times, now);
        times.push_back(now);
        while times.len() > MAX_FAILURES {
            times.pop_front();
        }
        times.len() == MAX_FAILURES
    }
}

/// What failures are counted under: the address, or its /64 for IPv6.
fn key(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1_u128 << 64) - 1))),
        v4 => v4,
    }
}

fn forget_old(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
    {
        times.pop_front();
    }
}

/// Drops the clients whose failures all aged out; if none had, the one whose last failure is
/// oldest.
fn make_room(failures: &mut HashMap<IpAddr, VecDeque<Instant>>, now: Instant) {
    failures.retain(|_, times| {
        times
            .back()
            .is_some_and(|t| now.saturating_duration_since(*t) < WINDOW)
    });
    if failures.len() >= MAX_CLIENTS {
        let stalest = failures
            .iter()
            .min_by_key(|(_, times)| times.back().copied())
            .map(|(ip, _)| *ip);
        if let Some(ip) = stalest {
            failures.remove(&ip);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_limit_blocks_until_the_oldest_failure_ages_out() {
        let limiter = FailureLimiter::default();
        let (client, other) = (ip("192.0.2.7"), ip("192.0.2.8"));
        let start = Instant::now();
        let second = Duration::from_secs(1);
        for i in 0..MAX_FAILURES {
            assert_eq!(
                limiter.check(client, start + second * i as u32),
                Ok(()),
                "{i}"
            );
            let reached = limiter.record(client, start + second * i as u32);
            assert_eq!(reached, i + 1 == MAX_FAILURES, "{i}");
        }
        let blocked = limiter.check(client, start + second * 10).unwrap_err();
        assert_eq!(blocked.retry_after, Duration::from_secs(51));
        assert_eq!(
            limiter.check(other, start + second * 10),
            Ok(()),
            "per client"
        );
        // The first failure leaves the window: one more attempt is allowed.
        assert_eq!(limiter.check(client, start + WINDOW), Ok(()));
        assert!(limiter.record(client, start + WINDOW), "at the limit again");
        assert!(limiter.check(client, start + WINDOW).is_err());
        assert_eq!(limiter.check(client, start + WINDOW * 3), Ok(()));
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let limiter = FailureLimiter::default();
        let now = Instant::now();
        for i in 0..MAX_FAILURES {
            limiter.record(ip(&format!("2001:db8:1:2::{i:x}")), now);
        }
        assert!(limiter.check(ip("2001:db8:1:2:ffff::1"), now).is_err());
        assert_eq!(limiter.check(ip("2001:db8:1:3::1"), now), Ok(()));
        for _ in 0..MAX_FAILURES {
            limiter.record(ip("::ffff:198.51.100.1"), now);
        }
        assert!(limiter.check(ip("198.51.100.1"), now).is_err());
    }

    #[test]
    fn memory_stays_bounded() {
        let limiter = FailureLimiter::default();
        let now = Instant::now();
        let mut failures = limiter.failures.lock().unwrap();
        for i in 0..MAX_CLIENTS as u32 {
            failures.insert(IpAddr::V4(i.into()), VecDeque::from([now]));
        }
        drop(failures);
        limiter.record(ip("203.0.113.1"), now + Duration::from_secs(1));
        assert_eq!(limiter.failures.lock().unwrap().len(), MAX_CLIENTS);
        limiter.record(ip("203.0.113.2"), now + WINDOW);
        assert_eq!(
            limiter.failures.lock().unwrap().len(),
            2,
            "the aged-out ones went"
        );
    }
}
