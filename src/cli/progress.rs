//! How a long import shows that it is moving: a bar on a terminal, plain lines otherwise (a log
//! file or CI output gets one line per tenth, not a redrawn bar).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Below this many records an import is quick: no progress at all when not on a terminal.
pub const LONG_IMPORT: usize = 10_000;

/// One phase of an import: a spinner while it reads, then a bar over its records.
pub struct ImportProgress {
    file: String,
    bar: Option<ProgressBar>,
    total: usize,
    /// The next tenth to print a plain line at.
    next_tenth: AtomicUsize,
}

impl ImportProgress {
    /// Starts the reading phase of `file`, `bytes` long. On a terminal a spinner shows at once;
    /// otherwise a large file gets one line.
    pub fn reading(file: &str, bytes: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_message(format!("reading {file}"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        if bar.is_none() && bytes >= 1 << 20 {
            eprintln!("{file}: reading {:.1} MB", bytes as f64 / 1e6);
        }
        ImportProgress {
            file: file.to_owned(),
            bar,
            total: 0,
            next_tenth: AtomicUsize::new(1),
        }
    }

    /// Starts the storing phase over `total` records.
    pub fn storing(&mut self, total: usize) {
        self.total = total;
        if let Some(bar) = &self.bar {
            bar.disable_steady_tick();
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar.set_message(format!("storing {}", self.file));
            bar.set_length(total as u64);
            bar.set_position(0);
        }
    }

    /// The records the storing phase is over (0 while reading).
    pub fn total(&self) -> usize {
        self.total
    }

    /// `done` of the records are stored.
    pub fn stored(&self, done: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
            return;
        }
        if self.total < LONG_IMPORT {
            return;
        }
        let tenth = done * 10 / self.total;
        let next = self.next_tenth.load(Ordering::Relaxed);
        if tenth >= next && next <= 10 {
            self.next_tenth.store(tenth + 1, Ordering::Relaxed);
            eprintln!(
                "{}: stored {done} of {} ({}%)",
                self.file,
                self.total,
                tenth * 10
            );
        }
    }

    /// Clears the bar, so that the summary line stands alone.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
