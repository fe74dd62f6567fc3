//! What machine this is: CPU model, cores, memory. Best effort: on systems
//! without /proc the CPU is "unknown" and memory unknown (so the memory check
//! is skipped, never wrongly failed).

use std::collections::HashSet;

/// The facts about this machine the calibration records.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub cpu: String,
    pub physical_cores: u32,
    pub logical_cpus: u32,
    pub memory_bytes: Option<u64>,
    pub os: String,
}

/// Detects this machine.
pub fn detect() -> Machine {
    let logical = std::thread::available_parallelism()
        .map(|n| n.get() as u32)
        .unwrap_or(1);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let (cpu, physical) = parse_cpuinfo(&cpuinfo);
    Machine {
        cpu: cpu.unwrap_or_else(|| "unknown".to_string()),
        physical_cores: physical.unwrap_or(logical).clamp(1, logical.max(1)),
        logical_cpus: logical,
        memory_bytes: parse_meminfo(&meminfo, "MemTotal:"),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    }
}

/// Memory available to new allocations now (Linux), bytes.
pub fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_meminfo(&meminfo, "MemAvailable:")
}

fn parse_cpuinfo(text: &str) -> (Option<String>, Option<u32>) {
    let mut model = None;
    let mut cores = HashSet::new();
    let (mut phys, mut core) = (None, None);
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        match k {
            "model name" | "Model" | "cpu model" if model.is_none() => model = Some(v.to_string()),
            "physical id" => phys = Some(v.to_string()),
            "core id" => core = Some(v.to_string()),
            _ => {}
        }
        if let (Some(p), Some(c)) = (&phys, &core) {
            cores.insert((p.clone(), c.clone()));
            phys = None;
            core = None;
        }
    }
    let n = (!cores.is_empty()).then_some(cores.len() as u32);
    (model, n)
}

fn parse_meminfo(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpuinfo_counts_physical_cores() {
        let text =
            "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nphysical id\t: 0\ncore id\t: 0\n\n\
                    processor\t: 1\nmodel name\t: AMD EPYC 7B13\nphysical id\t: 0\ncore id\t: 0\n\n\
                    processor\t: 2\nmodel name\t: AMD EPYC 7B13\nphysical id\t: 0\ncore id\t: 1\n";
        assert_eq!(
            parse_cpuinfo(text),
            (Some("AMD EPYC 7B13".to_string()), Some(2))
        );
    }

    #[test]
    fn meminfo_in_bytes() {
        let text = "MemTotal:       24576000 kB\nMemAvailable:   1000 kB\n";
        assert_eq!(parse_meminfo(text, "MemTotal:"), Some(24_576_000 * 1024));
        assert_eq!(parse_meminfo(text, "MemAvailable:"), Some(1_024_000));
    }
}
