//! Limits counted in the database, so that every process shares them: per-IP limits on login,
//! sign-up and emails (switchable off for load tests), per-address limits on emails, and the
//! per-account failed-login rules, which always apply.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::db::{DbConnection, dialect};
use crate::error::AppError;

/// A fixed-window limit: at most `max` hits per `window` seconds for one key.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: i32,
    pub window: i64,
}

fn window_start(now: DateTime<Utc>, window: i64) -> (NaiveDateTime, u64) {
    let t = now.timestamp();
    let start = t - t.rem_euclid(window);
    let naive = DateTime::from_timestamp(start, 0)
        .unwrap_or(now)
        .naive_utc();
    (naive, (start + window - t).max(1) as u64)
}

/// Counts a hit for `key`; 429 with the seconds to wait once the window is full.
pub fn hit(
    conn: &mut DbConnection,
    limit: Limit,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (start, retry_after) = window_start(now, limit.window);
    let bucket = format!("{}:{key}", limit.name);
    let hits = dialect::hit_counter(conn, &bucket, start)?;
    if hits > limit.max {
        return Err(AppError::TooManyRequests(retry_after));
    }
    Ok(())
}

/// Whether one more hit fits, counting it when it does (for silent limits on emails).
pub fn allow(
    conn: &mut DbConnection,
    limit: Limit,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    match hit(conn, limit, key, now) {
        Ok(()) => Ok(true),
        Err(AppError::TooManyRequests(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// At most 3 reset or verification emails per address per hour.
pub const EMAILS_PER_ADDRESS: Limit = Limit {
    name: "mail-to",
    max: 3,
    window: 3600,
};

/// Failed logins allowed per account per hour; the next attempt is refused before any hash.
pub const MAX_FAILURES_PER_HOUR: i64 = 100;
/// Failures after which each attempt must wait longer.
pub const FREE_FAILURES: i64 = 5;

/// The wait after `failures` failures: 1 s after the 5th, doubling, at most 5 minutes.
pub fn failure_delay(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        0
    } else {
        let exponent = (failures - FREE_FAILURES).min(16) as u32;
        2i64.pow(exponent).min(300)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_after_five_failures() {
        assert_eq!(failure_delay(4), 0);
        assert_eq!(failure_delay(5), 1);
        assert_eq!(failure_delay(6), 2);
        assert_eq!(failure_delay(9), 16);
        assert_eq!(failure_delay(99), 300);
    }

    #[test]
    fn windows_align() {
        let now = DateTime::from_timestamp(3_725, 0).unwrap();
        let (start, retry) = window_start(now, 3600);
        assert_eq!(start.and_utc().timestamp(), 3600);
        assert_eq!(retry, 3475);
    }
}
