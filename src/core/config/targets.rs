//! The config's scrape targets: `--target` flags replacing `[target].url`, `[[targets]]`
//! and `targets_file`, the targets resolved, whether they make a fleet, and the paths of
//! mcptop's own requests to them.

use super::target::{self, Target, TargetEntry};
use super::{Config, ConfigError, endpoint};

impl Config {
    /// `--target` flags replace `[target].url`, `[[targets]]` and `targets_file`. Each
    /// takes the HTTP settings of a configured target on its origin (scheme, host, port);
    /// one on an origin the config does not name gets `[target]`'s only when the config
    /// names no target at all (the settings were written for whatever is passed): a
    /// credential set for one server is never sent to another named on the command line.
    /// `[target].name` stays only on the origin of `[target].url`, or when none is set.
    ///
    /// Errors: a URL that is not http(s) or holds credentials, never repeating it.
    pub(super) fn apply_target_flags(&mut self, flags: &[String]) -> Result<(), ConfigError> {
        if flags.is_empty() {
            return Ok(());
        }
        let mut entries = Vec::with_capacity(flags.len());
        for flag in flags {
            let url = target::parse_url(flag)
                .map_err(|m| ConfigError::invalid("--target", &format!("the URL {m}")))?;
            let configured = self
                .targets
                .iter()
                .find(|e| target::parse_url(&e.url).is_ok_and(|u| u.origin() == url.origin()));
            let own = self
                .target
                .url
                .as_deref()
                .and_then(|u| target::parse_url(u).ok())
                .map(|u| u.origin() == url.origin());
            // On no configured origin while the config names targets: a host of its own.
            let foreign = configured.is_none()
                && own != Some(true)
                && (own.is_some() || !self.targets.is_empty());
            let http = match configured {
                Some(e) => e.http.clone(),
                None if foreign => Some(endpoint::HttpSettings::default()),
                None => None,
            };
            entries.push(TargetEntry {
                url: flag.trim().to_string(),
                http,
                metrics_path: configured.and_then(|e| e.metrics_path.clone()),
                health_path: configured.and_then(|e| e.health_path.clone()),
                ..TargetEntry::default()
            });
        }
        let named_elsewhere = entries.len() == 1 && entries[0].http.is_some();
        if entries.len() == 1 && self.targets.is_empty() {
            // One target on the command line keeps `[target].name`, unless it is another
            // server than the one `[target].url` names.
            let only = entries.remove(0);
            if named_elsewhere {
                self.target.name = None;
            }
            if only.http.is_some() {
                self.target.http = only.http.unwrap_or_default();
            }
            self.target.url = Some(only.url);
            self.targets.clear();
        } else {
            self.target.url = None;
            self.targets = entries;
        }
        self.target.targets_file = None;
        Ok(())
    }

    /// The targets of the config and flags (not yet those of `targets_file`): `[target].url`
    /// first, then `[[targets]]`, with names made unique.
    ///
    /// Errors: an entry that does not resolve (see [`TargetConfig::resolve`]), naming it.
    pub fn scrape_targets(&self) -> Result<Vec<Target>, String> {
        let mut out = Vec::new();
        if let Some(url) = &self.target.url {
            let entry = TargetEntry {
                url: url.clone(),
                name: self.target.name.clone(),
                ..TargetEntry::default()
            };
            out.push(
                self.target
                    .resolve(&entry)
                    .map_err(|m| format!("target.url {m}"))?,
            );
        }
        for (i, e) in self.targets.iter().enumerate() {
            out.push(
                self.target
                    .resolve(e)
                    .map_err(|m| format!("targets[{i}]: {m}"))?,
            );
        }
        target::unique_names(&mut out);
        Ok(out)
    }

    /// The paths of the requests that scrape or check a target, which HTTP instrumentation
    /// counts like any other and the `http` profile leaves out: the single target's own
    /// metrics and health paths; for a fleet's defaults and query mode (where a Prometheus
    /// scrapes), `[target]`'s `metrics_path` and `health_path` beside `/metrics` and
    /// `/health`. A fleet's targets each use their own ([`Target::polling_paths`]).
    pub fn polling_paths(&self) -> Vec<String> {
        if !self.prometheus.enabled()
            && !self.scrape_fleet()
            && let Ok(ts) = self.scrape_targets()
            && let [only] = ts.as_slice()
        {
            return only.polling_paths();
        }
        let mut out = crate::model::profile::default_polling_paths();
        for p in [&self.target.metrics_path, &self.target.health_path] {
            if !p.is_empty() && !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }

    /// Whether scrape mode watches a fleet (several targets, or a `targets_file` whose
    /// targets may come and go) rather than one target.
    pub fn scrape_fleet(&self) -> bool {
        let n = usize::from(self.target.url.is_some()) + self.targets.len();
        n > 1 || self.target.targets_file.is_some()
    }

    /// Whether there is anything to scrape.
    pub fn has_targets(&self) -> bool {
        self.target.url.is_some() || !self.targets.is_empty() || self.target.targets_file.is_some()
    }

    /// The name shown for what is watched in scrape mode: `target.name`, else the single
    /// target's host:port, else `targets` for a fleet.
    pub fn target_name(&self) -> String {
        if let Some(n) = &self.target.name {
            return n.clone();
        }
        if self.scrape_fleet() {
            return "targets".to_string();
        }
        match self.scrape_targets() {
            Ok(ts) if ts.len() == 1 => ts[0].name.clone(),
            _ => self.target.url.clone().unwrap_or_default(),
        }
    }
}
