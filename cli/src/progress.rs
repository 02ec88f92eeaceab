//! Progress on stderr for work that takes more than a moment: nothing for the first half
//! second, then a line with the time spent, cleared when the work ends. Silent when stderr is
//! not a terminal, so logs and pipes see only diagnostics.

use std::io::{IsTerminal, Write as _};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long work runs before its progress line appears.
const QUIET_FOR: Duration = Duration::from_millis(500);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(250);

/// A progress line for as long as it lives.
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    pub fn start(message: String) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { stop: None, thread: None };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            if stopped.recv_timeout(QUIET_FOR) != Err(mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            loop {
                let mut stderr = std::io::stderr().lock();
                let _ = write!(stderr, "\r\x1b[2K{message} ({:.1}s)", started.elapsed().as_secs_f32());
                let _ = stderr.flush();
                drop(stderr);
                if stopped.recv_timeout(TICK) != Err(mpsc::RecvTimeoutError::Timeout) {
                    let _ = write!(std::io::stderr(), "\r\x1b[2K");
                    return;
                }
            }
        });
        Progress { stop: Some(stop), thread: Some(thread) }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // Dropping the sender ends the thread's wait; joining it clears the line before
        // anything else is printed.
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
