//! Long-running commands: each runs on a blocking thread under a job id the
//! UI chooses, reports progress on a channel at most ten times a second, and
//! can be cancelled with `cancel_job`.

use shipshape_core::progress::{Cancel, JobProgress, Progress};
use shipshape_core::{Error, ErrorCode};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::ipc::Channel;

/// Keeps the UI smooth: more updates than this are not visible anyway.
const MIN_INTERVAL: Duration = Duration::from_millis(100);

#[derive(Debug, Default)]
pub struct Jobs {
    running: Mutex<HashMap<String, Cancel>>,
}

impl Jobs {
    /// Registers `id`; the returned guard unregisters it when the job ends.
    pub fn start(&self, id: &str) -> Result<JobGuard<'_>, Error> {
        if id.is_empty() || id.len() > 64 {
            return Err(Error::invalid_input(
                "A task needs an id of 1 to 64 characters.",
                "This is a fault in the Shipshape window; restart it.",
            ));
        }
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.contains_key(id) {
            return Err(Error::invalid_input(
                format!("A task with id {id} is already running."),
                "Wait for it to finish or cancel it first.",
            ));
        }
        let cancel = Cancel::new();
        running.insert(id.to_string(), cancel.clone());
        Ok(JobGuard {
            jobs: self,
            id: id.to_string(),
            cancel,
        })
    }

    pub fn cancel(&self, id: &str) -> Result<(), Error> {
        let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match running.get(id) {
            Some(cancel) => {
                cancel.cancel();
                Ok(())
            }
            None => Err(Error::new(
                ErrorCode::NotFound,
                "That task is no longer running.",
                "It may have just finished; its result is shown when it does.",
            )),
        }
    }
}

#[derive(Debug)]
pub struct JobGuard<'a> {
    jobs: &'a Jobs,
    id: String,
    pub cancel: Cancel,
}

impl Drop for JobGuard<'_> {
    fn drop(&mut self) {
        let mut running = self.jobs.running.lock().unwrap_or_else(|p| p.into_inner());
        running.remove(&self.id);
    }
}

/// Forwards core's progress to the UI, throttled, always sending the last.
pub struct Throttled {
    channel: Channel<JobProgress>,
    last: Mutex<Option<Instant>>,
}

impl Throttled {
    pub fn new(channel: Channel<JobProgress>) -> Self {
        Throttled {
            channel,
            last: Mutex::new(None),
        }
    }
}

impl Progress for Throttled {
    fn report(&self, done: u64, total: u64) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let due = last.is_none_or(|t| now.duration_since(t) >= MIN_INTERVAL);
        if due || done >= total {
            *last = Some(now);
            let _ = self.channel.send(JobProgress { done, total });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_can_be_cancelled_while_it_runs_and_is_forgotten_after() {
        let jobs = Jobs::default();
        let guard = jobs.start("verify-1").expect("starts");
        assert!(
            jobs.start("verify-1").is_err(),
            "the same id twice is refused"
        );
        jobs.cancel("verify-1").expect("cancels");
        assert!(guard.cancel.is_cancelled());
        drop(guard);
        let gone = jobs.cancel("verify-1").expect_err("finished jobs are gone");
        assert_eq!(gone.code, ErrorCode::NotFound);
    }

    #[test]
    fn progress_reaches_the_window_at_most_ten_times_a_second_and_always_ends() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let sent = Arc::new(AtomicUsize::new(0));
        let counter = sent.clone();
        let channel = Channel::new(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
            Ok(())
        });
        let throttled = Throttled::new(channel);
        let started = Instant::now();
        for done in 1..=100_000u64 {
            throttled.report(done, 100_000);
        }
        let elapsed = started.elapsed().as_secs_f64();
        let allowed = 2 + (elapsed * 10.0).ceil() as usize;
        let n = sent.load(Ordering::Relaxed);
        assert!(n >= 2, "the first and the last report are sent, got {n}");
        assert!(n <= allowed, "{n} reports in {elapsed:.3} s");
    }

    #[test]
    fn ids_must_be_short_and_present() {
        let jobs = Jobs::default();
        assert!(jobs.start("").is_err());
        assert!(jobs.start(&"x".repeat(65)).is_err());
    }
}
