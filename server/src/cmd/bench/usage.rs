//! What a phase used besides time: this process's peak memory and CPU, and how busy the whole
//! machine was (the broker and the database server share its cores).
//!
//! The CPU figures are what says where the time goes: a phase whose process is near one core
//! with the machine idle elsewhere is bound by one serial path (the store's thread, a round
//! trip chain), not by the machine. Linux only (`/proc`); elsewhere the columns stay empty.

/// Starts measuring a phase: resets the peak-RSS mark and takes the CPU counters.
pub struct PhaseMeter {
    start: Option<CpuTicks>,
}

/// What [`PhaseMeter::finish`] measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// Peak resident memory during the phase, in KiB.
    pub peak_rss_kib: Option<u64>,
    pub cpu: Option<CpuUse>,
}

/// CPU use over a phase, in cores (1.0 = one core busy for the whole phase).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuUse {
    /// This process (all its threads: consumer, parser, SQLite's worker).
    pub ours: f64,
    /// Every other process: the broker, the database server, anything else running.
    pub others: f64,
    /// Cores left idle.
    pub idle: f64,
}

/// `/proc` counters, in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CpuTicks {
    /// utime + stime of this process.
    process: u64,
    /// All CPUs' time in every state, and in idle + iowait.
    total: u64,
    idle: u64,
    cpus: u64,
}

impl PhaseMeter {
    pub fn start() -> Self {
        // Linux: writing 5 to clear_refs resets VmHWM; elsewhere there is nothing to reset.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        Self {
            start: read_ticks(),
        }
    }

    pub fn finish(self) -> Usage {
        let cpu = match (self.start, read_ticks()) {
            (Some(a), Some(b)) => cpu_use(a, b),
            _ => None,
        };
        Usage {
            peak_rss_kib: peak_rss_kib(),
            cpu,
        }
    }
}

/// The peak resident set size (VmHWM) in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn read_ticks() -> Option<CpuTicks> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    parse_ticks(&stat, &own)
}

/// Parses `/proc/stat` and `/proc/self/stat`.
fn parse_ticks(stat: &str, own: &str) -> Option<CpuTicks> {
    let all: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // user nice system idle iowait irq softirq steal (guest time is inside user already).
    let total = all.iter().take(8).sum();
    let idle = all.get(3)? + all.get(4).copied().unwrap_or(0);
    let cpus = stat.lines().filter(|l| is_one_cpu(l)).count() as u64;
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    let fields: Vec<&str> = own.rsplit_once(')')?.1.split_whitespace().collect();
    // After the name: state is field 3, utime and stime are fields 14 and 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(CpuTicks {
        process: utime + stime,
        total,
        idle,
        cpus: cpus.max(1),
    })
}

fn is_one_cpu(line: &str) -> bool {
    line.strip_prefix("cpu")
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| c.is_ascii_digit())
}

/// Both `/proc` files count in the same clock ticks, so no tick rate is needed: all CPUs
/// together accumulate `cpus` ticks per tick of wall time.
fn cpu_use(a: CpuTicks, b: CpuTicks) -> Option<CpuUse> {
    let total = b.total.checked_sub(a.total).filter(|&t| t > 0)? as f64;
    let per_core = total / b.cpus as f64;
    let idle = b.idle.saturating_sub(a.idle) as f64 / per_core;
    let ours = b.process.saturating_sub(a.process) as f64 / per_core;
    let busy = b.cpus as f64 - idle;
    Some(CpuUse {
        ours,
        others: (busy - ours).max(0.0),
        idle,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "cpu  1000 0 500 8000 100 0 0 0 0 0\n\
                        cpu0 500 0 250 4000 50 0 0 0 0 0\n\
                        cpu1 500 0 250 4000 50 0 0 0 0 0\n\
                        intr 12345\n";
    const OWN: &str = "4242 (stack tach) S 1 4242 4242 0 -1 4194560 100 0 0 0 \
                       300 120 0 0 20 0 9 0 100 1000000 5000";

    #[test]
    fn parses_machine_and_process_ticks() {
        let t = parse_ticks(STAT, OWN).expect("parsed");
        assert_eq!(
            t,
            CpuTicks {
                process: 420,
                total: 9600,
                idle: 8100,
                cpus: 2
            }
        );
    }

    #[test]
    fn splits_busy_cores_between_us_and_the_others() {
        let a = CpuTicks {
            process: 100,
            total: 10_000,
            idle: 5_000,
            cpus: 2,
        };
        // 1,000 ticks of wall time on 2 CPUs: 600 idle, we used 900, others 500.
        let b = CpuTicks {
            process: 1_000,
            total: 12_000,
            idle: 5_600,
            cpus: 2,
        };
        let u = cpu_use(a, b).expect("measured");
        assert!((u.idle - 0.6).abs() < 1e-9, "{u:?}");
        assert!((u.ours - 0.9).abs() < 1e-9, "{u:?}");
        assert!((u.others - 0.5).abs() < 1e-9, "{u:?}");
    }

    #[test]
    fn no_elapsed_ticks_gives_nothing() {
        let t = parse_ticks(STAT, OWN).expect("parsed");
        assert_eq!(cpu_use(t, t), None);
    }

    #[test]
    fn rejects_files_of_another_shape() {
        assert_eq!(parse_ticks("intr 1\n", OWN), None);
        assert_eq!(parse_ticks(STAT, "4242 (x"), None);
    }
}
