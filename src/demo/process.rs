//! The standard `process_*` metrics, read from `/proc/self` on every scrape (Linux only;
//! elsewhere the collector emits nothing).

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Unit;

/// Linux reports `/proc` times in USER_HZ, which the kernel ABI fixes at 100.
const USER_HZ: f64 = 100.0;

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct ProcessStats {
    pub cpu_seconds: Option<f64>,
    pub resident_bytes: Option<u64>,
    pub virtual_bytes: Option<u64>,
    pub start_time_seconds: Option<f64>,
    pub open_fds: Option<u64>,
    pub max_fds: Option<u64>,
    pub threads: Option<u64>,
}

#[derive(Debug, Default)]
pub(crate) struct ProcessCollector;

impl ProcessCollector {
    pub(crate) fn new() -> Self {
        Self
    }
}

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let stats = read_stats();
        if let Some(v) = stats.cpu_seconds {
            let m = ConstCounter::new(v);
            let help = "Total user and system CPU time spent in seconds";
            m.encode(encoder.encode_descriptor(
                "process_cpu",
                help,
                Some(&Unit::Seconds),
                MetricType::Counter,
            )?)?;
        }
        let gauges: [(&str, &str, Option<Unit>, Option<f64>); 6] = [
            (
                "process_resident_memory",
                "Resident memory size in bytes",
                Some(Unit::Bytes),
                stats.resident_bytes.map(|v| v as f64),
            ),
            (
                "process_virtual_memory",
                "Virtual memory size in bytes",
                Some(Unit::Bytes),
                stats.virtual_bytes.map(|v| v as f64),
            ),
            (
                "process_start_time",
                "Start time of the process since unix epoch in seconds",
                Some(Unit::Seconds),
                stats.start_time_seconds,
            ),
            (
                "process_open_fds",
                "Number of open file descriptors",
                None,
                stats.open_fds.map(|v| v as f64),
            ),
            (
                "process_max_fds",
                "Maximum number of open file descriptors",
                None,
                stats.max_fds.map(|v| v as f64),
            ),
            (
                "process_threads",
                "Number of OS threads in the process",
                None,
                stats.threads.map(|v| v as f64),
            ),
        ];
        for (name, help, unit, value) in gauges {
            if let Some(v) = value {
                let m = ConstGauge::new(v);
                m.encode(encoder.encode_descriptor(
                    name,
                    help,
                    unit.as_ref(),
                    MetricType::Gauge,
                )?)?;
            }
        }
        Ok(())
    }
}

#[cfg(target_os = "linux")]
fn read_stats() -> ProcessStats {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let mut stats = read("/proc/self/stat")
        .map(|stat| {
            let btime = read("/proc/stat").as_deref().and_then(boot_time);
            parse_stat(&stat, btime)
        })
        .unwrap_or_default();
    stats.resident_bytes = read("/proc/self/status").as_deref().and_then(vm_rss_bytes);
    stats.open_fds = std::fs::read_dir("/proc/self/fd")
        .ok()
        .map(|dir| dir.count() as u64);
    stats.max_fds = read("/proc/self/limits")
        .as_deref()
        .and_then(max_open_files);
    stats
}

#[cfg(not(target_os = "linux"))]
fn read_stats() -> ProcessStats {
    ProcessStats::default()
}

/// Parses `/proc/self/stat`; `btime` is the boot time from `/proc/stat`.
pub(crate) fn parse_stat(stat: &str, btime: Option<f64>) -> ProcessStats {
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return ProcessStats::default();
    };
    // rest[0] is field 3 (state), so field N is rest[N - 3].
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    let cpu_seconds = match (field(14), field(15)) {
        (Some(utime), Some(stime)) => Some((utime + stime) as f64 / USER_HZ),
        _ => None,
    };
    ProcessStats {
        cpu_seconds,
        threads: field(20),
        start_time_seconds: btime
            .zip(field(22))
            .map(|(boot, ticks)| boot + ticks as f64 / USER_HZ),
        virtual_bytes: field(23),
        ..ProcessStats::default()
    }
}

pub(crate) fn boot_time(proc_stat: &str) -> Option<f64> {
    proc_stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse::<f64>().ok())
}

pub(crate) fn vm_rss_bytes(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kb = line.split_whitespace().next()?.parse::<u64>().ok()?;
    Some(kb * 1024)
}

pub(crate) fn max_open_files(limits: &str) -> Option<u64> {
    let line = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))?;
    line.split_whitespace().next()?.parse::<u64>().ok()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn parses_proc_files() {
        let stat = "4242 (mcp top) S 1 4242 4242 0 -1 4194304 900 0 0 0 150 50 0 0 20 0 \
                    7 0 360000 123456789 2000 18446744073709551615";
        let s = parse_stat(stat, Some(1_700_000_000.0));
        assert_eq!(s.cpu_seconds, Some(2.0));
        assert_eq!(s.threads, Some(7));
        assert_eq!(s.start_time_seconds, Some(1_700_003_600.0));
        assert_eq!(s.virtual_bytes, Some(123_456_789));
        assert_eq!(
            boot_time("cpu 1 2\nbtime 1700000000\n"),
            Some(1_700_000_000.0)
        );
        assert_eq!(
            vm_rss_bytes("Name:\tx\nVmRSS:\t  2048 kB\n"),
            Some(2_097_152)
        );
        let limits = "Limit Soft Hard Units\nMax open files            1024                 \
                      524288               files\n";
        assert_eq!(max_open_files(limits), Some(1024));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reads_live_process() {
        let s = read_stats();
        assert!(s.resident_bytes.unwrap_or(0) > 0);
        assert!(s.open_fds.unwrap_or(0) > 0);
        assert!(s.start_time_seconds.unwrap_or(0.0) > 1.0e9);
    }
}
