//! `record` and `record_max_bytes`: where scrape mode records what it receives.

/// Where scrape mode records what it receives (`record = "path"`, `--record FILE`), and
/// how large the file may grow (`record_max_bytes`, bytes): at the limit recording stops,
/// saying so; the dashboard goes on.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordConfig {
    pub path: Option<std::path::PathBuf>,
    pub max_bytes: u64,
    /// Not from the file: the config file loaded, whose number settings a recording keeps
    /// ([`crate::model::recording::config_text::numbers_only`]).
    pub config_file: Option<std::path::PathBuf>,
}

impl RecordConfig {
    /// Default `record_max_bytes`: 100 MB.
    pub const DEFAULT_MAX_BYTES: u64 = 100_000_000;
    /// The smallest `record_max_bytes` accepted: 64 KiB (the header and some records).
    pub const MIN_MAX_BYTES: u64 = 64 * 1024;
}

impl Default for RecordConfig {
    fn default() -> Self {
        RecordConfig {
            path: None,
            max_bytes: Self::DEFAULT_MAX_BYTES,
            config_file: None,
        }
    }
}
