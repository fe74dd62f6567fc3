//! A short memory-bandwidth test (`tco probe --bandwidth`): how fast this
//! machine streams memory, the figure the roofline estimate divides by.
//!
//! Decode reads every weight once per token, so what matters is a sustained
//! sequential read of a buffer far larger than the caches, by every core at
//! once. Each thread sums its own slice of a buffer (u64 words, summed so the
//! reads cannot be optimised away); a round's bandwidth is the bytes read
//! divided by the wall time of the slowest thread. Rounds alternate with a
//! short pause and the median is reported, since the CPU's capacity drifts.

use std::hint::black_box;
use std::thread;
use std::time::Instant;

/// The result of a bandwidth test.
#[derive(Debug, Clone, PartialEq)]
pub struct Bandwidth {
    /// Median GB/s (10^9 bytes a second) over the rounds.
    pub median_gbs: f64,
    /// Each round's GB/s, in the order measured.
    pub rounds_gbs: Vec<f64>,
    pub threads: usize,
    pub buffer_bytes: usize,
}

/// Streams a buffer of `buffer_mib` MiB with `threads` threads, `rounds` times.
pub fn measure(buffer_mib: usize, threads: usize, rounds: usize) -> Bandwidth {
    let threads = threads.max(1);
    let words = (buffer_mib.max(1) << 20) / 8;
    let per = words.div_ceil(threads);
    // Distinct non-zero contents so no page is shared or compressed.
    let buf: Vec<u64> = (0..words as u64)
        .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .collect();
    let bytes = words * 8;
    let mut rounds_gbs = Vec::with_capacity(rounds.max(1));
    // One untimed pass warms the TLB and page tables.
    black_box(sum_parallel(&buf, per));
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        black_box(sum_parallel(&buf, per));
        let s = t.elapsed().as_secs_f64();
        if s > 0.0 {
            rounds_gbs.push(bytes as f64 / s / 1e9);
        }
    }
    let mut sorted = rounds_gbs.clone();
    sorted.sort_by(f64::total_cmp);
    let median_gbs = match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    Bandwidth {
        median_gbs,
        rounds_gbs,
        threads,
        buffer_bytes: bytes,
    }
}

fn sum_parallel(buf: &[u64], per: usize) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = buf
            .chunks(per.max(1))
            .map(|c| s.spawn(move || sum(c)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(0))
            .fold(0u64, u64::wrapping_add)
    })
}

fn sum(c: &[u64]) -> u64 {
    // Four independent accumulators keep the loads, not the adds, the limit.
    let mut acc = [0u64; 4];
    let mut it = c.chunks_exact(4);
    for w in &mut it {
        acc[0] = acc[0].wrapping_add(w[0]);
        acc[1] = acc[1].wrapping_add(w[1]);
        acc[2] = acc[2].wrapping_add(w[2]);
        acc[3] = acc[3].wrapping_add(w[3]);
    }
    let rest: u64 = it.remainder().iter().fold(0, |a, &x| a.wrapping_add(x));
    acc.iter().fold(rest, |a, &x| a.wrapping_add(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_every_word() {
        let v: Vec<u64> = (1..=1003).collect();
        assert_eq!(sum_parallel(&v, 100), 1003 * 1004 / 2);
        assert_eq!(sum(&v), 1003 * 1004 / 2);
    }

    #[test]
    fn measures_a_positive_plausible_rate() {
        let b = measure(64, 2, 3);
        assert_eq!(b.rounds_gbs.len(), 3);
        assert_eq!(b.buffer_bytes, 64 << 20);
        // Any machine that runs this streams between 0.1 GB/s and 10 TB/s.
        assert!(b.median_gbs > 0.1 && b.median_gbs < 10_000.0, "{b:?}");
    }
}
