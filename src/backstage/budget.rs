//! Limits on one sync: requests sent and time taken. A server that pages
//! forever, or rate-limits with ever longer Retry-After, ends the sync with
//! an error instead of keeping it running.

use super::BackstageError;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most one sync may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncLimits {
    /// HTTP requests in all, retries and re-authentication included.
    pub max_requests: u64,
    /// Wall time from the start of the sync, waits included.
    pub max_duration: Duration,
}

impl SyncLimits {
    pub fn from_instance(instance: &crate::config::Instance) -> SyncLimits {
        SyncLimits {
            max_requests: instance.sync_max_requests.max(1),
            max_duration: Duration::from_secs(instance.sync_timeout.max(1)),
        }
    }
}

/// The current sync's window: when it ends, and the request count it started at.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    limits: Option<SyncLimits>,
    window: Mutex<Option<Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    deadline: Instant,
    first_request: u64,
}

impl Budget {
    pub(crate) fn new(limits: Option<SyncLimits>) -> Budget {
        Budget { limits, window: Mutex::new(None) }
    }

    pub(crate) fn limits(&self) -> Option<SyncLimits> {
        self.limits
    }

    /// Start counting: requests from `sent_so_far` on, time from now.
    pub(crate) fn open(&self, sent_so_far: u64) {
        if let Some(limits) = self.limits {
            let window = Window { deadline: Instant::now() + limits.max_duration, first_request: sent_so_far };
            *self.window.lock().unwrap_or_else(|e| e.into_inner()) = Some(window);
        }
    }

    pub(crate) fn close(&self) {
        *self.window.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn window(&self) -> Option<(SyncLimits, Window)> {
        let window = (*self.window.lock().unwrap_or_else(|e| e.into_inner()))?;
        Some((self.limits?, window))
    }

    /// Before sending request number `sent + 1`: an error once the limit is spent.
    pub(crate) fn check_request(&self, sent: u64) -> Result<(), BackstageError> {
        let Some((limits, window)) = self.window() else { return Ok(()) };
        if sent.saturating_sub(window.first_request) >= limits.max_requests {
            return Err(BackstageError::OverLimit {
                detail: format!("it sent {} requests, the most one sync may send", limits.max_requests),
                key: "sync_max_requests",
            });
        }
        if Instant::now() >= window.deadline {
            return Err(over_time(limits));
        }
        Ok(())
    }

    /// Before waiting `delay` for a retry: an error when the wait would end
    /// past the deadline, so a long Retry-After fails now, not at the deadline.
    pub(crate) fn check_wait(&self, delay: Duration) -> Result<(), BackstageError> {
        let Some((limits, window)) = self.window() else { return Ok(()) };
        let left = window.deadline.saturating_duration_since(Instant::now());
        if delay > left {
            return Err(BackstageError::OverLimit {
                detail: format!(
                    "the server asked to wait {:.0}s before retrying, and only {:.0}s of the sync's {}s remain",
                    delay.as_secs_f64(),
                    left.as_secs_f64(),
                    limits.max_duration.as_secs()
                ),
                key: "sync_timeout",
            });
        }
        Ok(())
    }
}

/// The error for a sync that ran out of time.
pub(crate) fn over_time(limits: SyncLimits) -> BackstageError {
    BackstageError::OverLimit {
        detail: format!("it ran for {}s, the longest one sync may take", limits.max_duration.as_secs()),
        key: "sync_timeout",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_waits_are_counted_only_inside_a_window() {
        let budget = Budget::new(Some(SyncLimits { max_requests: 3, max_duration: Duration::from_secs(5) }));
        assert!(budget.check_request(100).is_ok(), "no window yet");
        budget.open(10);
        assert!(budget.check_request(12).is_ok());
        let err = budget.check_request(13).unwrap_err().to_string();
        assert!(err.contains("3 requests") && err.contains("sync_max_requests"), "{err}");
        assert!(budget.check_wait(Duration::from_secs(1)).is_ok());
        let err = budget.check_wait(Duration::from_secs(3600)).unwrap_err().to_string();
        assert!(err.contains("wait 3600s") && err.contains("sync_timeout"), "{err}");
        budget.close();
        assert!(budget.check_request(1000).is_ok());
    }
}
