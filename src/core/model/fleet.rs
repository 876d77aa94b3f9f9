//! The fleet of query mode: one row per instance with its health and numbers, sorted by any
//! column and filtered by a substring, as k9s lists pods.

use std::cmp::Ordering;

/// One instance (a scrape target's `instance` label) of the fleet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceRow {
    /// The `instance` label, e.g. `10.0.3.7:9464`.
    pub instance: String,
    /// The `job` label.
    pub job: String,
    /// `up`: `Some(true)` when its last scrape succeeded; `None` when the API has no `up`
    /// for it (remote-written series).
    pub up: Option<bool>,
    /// Requests per second, `sum by (instance) (rate(...))`.
    pub req_per_sec: Option<f64>,
    /// Errors / requests (0..1).
    pub error_ratio: Option<f64>,
    /// Latency quantiles, seconds.
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    /// The quantile fell in the `+Inf` bucket: the value is only a lower bound
    /// ([`crate::model::stats::Stats::p95_lower_bound`]).
    pub p95_lower_bound: bool,
    pub p99_lower_bound: bool,
    /// The last scrape error `/api/v1/targets` reports; empty when none.
    pub last_error: String,
}

/// A column of the fleet table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FleetColumn {
    #[default]
    Instance,
    Up,
    Rps,
    Errors,
    P95,
    P99,
    LastError,
}

impl FleetColumn {
    pub const ALL: [FleetColumn; 7] = [
        FleetColumn::Instance,
        FleetColumn::Up,
        FleetColumn::Rps,
        FleetColumn::Errors,
        FleetColumn::P95,
        FleetColumn::P99,
        FleetColumn::LastError,
    ];

    /// Header text.
    pub fn title(self) -> &'static str {
        match self {
            FleetColumn::Instance => "INSTANCE",
            FleetColumn::Up => "UP",
            FleetColumn::Rps => "REQ/S",
            FleetColumn::Errors => "ERR %",
            FleetColumn::P95 => "P95",
            FleetColumn::P99 => "P99",
            FleetColumn::LastError => "LAST SCRAPE ERROR",
        }
    }

    /// The next column (`step` 1) or the one before (`-1`), wrapping.
    pub fn cycle(self, step: isize) -> FleetColumn {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0) as isize;
        Self::ALL[(i + step).rem_euclid(Self::ALL.len() as isize) as usize]
    }

    /// Whether this column sorts largest first when first chosen: numbers do (the worst
    /// instance on top), names do not.
    pub fn descending_first(self) -> bool {
        !matches!(self, FleetColumn::Instance | FleetColumn::Up)
    }
}

/// How the table is ordered and filtered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FleetOrder {
    pub column: FleetColumn,
    pub descending: bool,
    /// Case-insensitive substring of the instance, job or last error.
    pub filter: String,
}

impl FleetOrder {
    /// Sorts by `column`; choosing the current column again reverses the order.
    pub fn sort_by(&mut self, column: FleetColumn) {
        if self.column == column {
            self.descending = !self.descending;
        } else {
            self.column = column;
            self.descending = column.descending_first();
        }
    }

    /// The rows that pass the filter, in order. Missing numbers sort last either way; ties
    /// keep instance order.
    pub fn apply<'a>(&self, rows: &'a [InstanceRow]) -> Vec<&'a InstanceRow> {
        let needle = self.filter.to_lowercase();
        let mut out: Vec<&InstanceRow> = rows
            .iter()
            .filter(|r| {
                needle.is_empty()
                    || r.instance.to_lowercase().contains(&needle)
                    || r.job.to_lowercase().contains(&needle)
                    || r.last_error.to_lowercase().contains(&needle)
            })
            .collect();
        out.sort_by(|a, b| self.compare(a, b).then_with(|| a.instance.cmp(&b.instance)));
        out
    }

    fn compare(&self, a: &InstanceRow, b: &InstanceRow) -> Ordering {
        let num = |x: Option<f64>, y: Option<f64>| by_number(x, y, self.descending);
        let text = |x: &str, y: &str| {
            let o = x.cmp(y);
            if self.descending { o.reverse() } else { o }
        };
        match self.column {
            FleetColumn::Instance => text(&a.instance, &b.instance),
            // Down first: the rows that need attention.
            FleetColumn::Up => num(
                a.up.map(|u| f64::from(u8::from(u))),
                b.up.map(|u| f64::from(u8::from(u))),
            ),
            FleetColumn::Rps => num(a.req_per_sec, b.req_per_sec),
            FleetColumn::Errors => num(a.error_ratio, b.error_ratio),
            FleetColumn::P95 => num(a.p95, b.p95),
            FleetColumn::P99 => num(a.p99, b.p99),
            FleetColumn::LastError => text(&a.last_error, &b.last_error),
        }
    }
}

/// A sort column's order of two numbers: ascending, or descending when asked; a missing
/// or NaN value sorts last either way (a table sorted by errors never starts with rows
/// that have none).
pub fn by_number(x: Option<f64>, y: Option<f64>, descending: bool) -> Ordering {
    match (x.filter(|v| !v.is_nan()), y.filter(|v| !v.is_nan())) {
        (Some(x), Some(y)) => {
            let o = x.total_cmp(&y);
            if descending { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(instance: &str, up: bool, rps: Option<f64>, err: f64) -> InstanceRow {
        InstanceRow {
            instance: instance.into(),
            job: "mcp".into(),
            up: Some(up),
            req_per_sec: rps,
            error_ratio: Some(err),
            ..InstanceRow::default()
        }
    }

    #[test]
    fn sorts_by_any_column_and_reverses_on_the_same_one() {
        let rows = vec![
            row("b:1", true, Some(5.0), 0.01),
            row("a:1", false, None, 0.0),
            row("c:1", true, Some(9.0), 0.2),
        ];
        let names = |o: &FleetOrder| -> Vec<String> {
            o.apply(&rows).iter().map(|r| r.instance.clone()).collect()
        };
        let mut o = FleetOrder::default();
        assert_eq!(names(&o), ["a:1", "b:1", "c:1"]);
        o.sort_by(FleetColumn::Rps);
        assert!(o.descending);
        assert_eq!(
            names(&o),
            ["c:1", "b:1", "a:1"],
            "busiest first, no data last"
        );
        o.sort_by(FleetColumn::Rps);
        assert_eq!(
            names(&o),
            ["b:1", "c:1", "a:1"],
            "reversed; no data still last"
        );
        o.sort_by(FleetColumn::Up);
        assert_eq!(names(&o)[0], "a:1", "down first");
        o.sort_by(FleetColumn::Errors);
        assert_eq!(names(&o), ["c:1", "b:1", "a:1"]);
    }

    #[test]
    fn filter_matches_instance_job_or_error() {
        let mut rows = vec![
            row("10.0.0.1:9464", true, Some(1.0), 0.0),
            row("10.0.0.2:9464", false, None, 0.0),
        ];
        rows[1].last_error = "connection refused".into();
        let mut o = FleetOrder {
            filter: "REFUSED".into(),
            ..FleetOrder::default()
        };
        assert_eq!(o.apply(&rows).len(), 1);
        o.filter = "0.0.1".into();
        assert_eq!(o.apply(&rows)[0].instance, "10.0.0.1:9464");
        o.filter = "mcp".into();
        assert_eq!(o.apply(&rows).len(), 2);
    }

    #[test]
    fn columns_cycle_both_ways() {
        assert_eq!(FleetColumn::Instance.cycle(-1), FleetColumn::LastError);
        assert_eq!(FleetColumn::LastError.cycle(1), FleetColumn::Instance);
        assert_eq!(FleetColumn::Up.cycle(1), FleetColumn::Rps);
    }
}
