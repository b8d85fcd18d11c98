//! Percentiles of a sample, in milliseconds.

use std::time::Duration;

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub n: usize,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Summary {
    pub fn of(samples: &[f64]) -> Summary {
        let mut v = samples.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        // Nearest rank: p99 of 200 samples is the 198th, never an average.
        let at = |p: f64| {
            if v.is_empty() {
                return f64::NAN;
            }
            let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
            v[rank.clamp(1, v.len()) - 1]
        };
        Summary { n: v.len(), p50: at(50.0), p90: at(90.0), p99: at(99.0), max: v.last().copied().unwrap_or(f64::NAN) }
    }

    pub fn show(&self) -> String {
        format!(
            "p50 {:.2} ms · p90 {:.2} ms · p99 {:.2} ms · max {:.2} ms (n={})",
            self.p50, self.p90, self.p99, self.max, self.n
        )
    }
}
