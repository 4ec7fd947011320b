//! The Prometheus text exposition (format 0.0.4) of the province's figures,
//! served at `/metrics`. Written by hand rather than through a metrics
//! registry: every value is read from the database when scraped, so several
//! servers on one database expose the same numbers and none keeps counters
//! that a restart would reset.

use std::fmt::Write;

use bianli_store::oversight::Scope;

use crate::{App, Result};

struct Exposition(String);

impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}");
        let _ = writeln!(self.0, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.0.push_str(name);
        if !labels.is_empty() {
            self.0.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.0.push(',');
                }
                let _ = write!(self.0, "{k}=\"{}\"", escape(v));
            }
            self.0.push('}');
        }
        let _ = writeln!(self.0, " {value}");
    }
}

/// Label values escape backslash, double quote and line feed.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[allow(clippy::cast_precision_loss)]
fn f(n: i64) -> f64 {
    n as f64
}

impl App {
    pub async fn metrics_text(&self) -> Result<String> {
        let text = self
            .oversight
            .metrics
            .get("province", || self.exposition())
            .await?;
        Ok((*text).clone())
    }

    async fn exposition(&self) -> Result<String> {
        let t = self.store.tally(&Scope::Province, self.today()).await?;
        let mut e = Exposition(String::new());
        e.family(
            "bianli_cases_received_total",
            "counter",
            "Cases received, by the channel they came through.",
        );
        for (channel, n) in &t.channels {
            e.sample(
                "bianli_cases_received_total",
                &[("channel", channel)],
                f(*n),
            );
        }
        e.family(
            "bianli_cases_completed_total",
            "counter",
            "Cases with a result (approved, denied or refused), by channel.",
        );
        for (channel, n) in &t.completed_channels {
            e.sample(
                "bianli_cases_completed_total",
                &[("channel", channel)],
                f(*n),
            );
        }
        e.family(
            "bianli_cases_completed_on_time_total",
            "counter",
            "Accepted cases completed on or before their promised due date.",
        );
        e.sample("bianli_cases_completed_on_time_total", &[], f(t.on_time));
        e.family(
            "bianli_cases_on_time_ratio",
            "gauge",
            "Share of completed accepted cases completed on time (0 with none).",
        );
        e.sample(
            "bianli_cases_on_time_ratio",
            &[],
            bianli_domain::oversight::share(t.on_time, t.timed).unwrap_or(0.0),
        );
        e.family(
            "bianli_cases_instant_total",
            "counter",
            "Cases of items promised in 0 working days (即办件).",
        );
        e.sample("bianli_cases_instant_total", &[], f(t.instant));
        e.family(
            "bianli_cases_zero_trip_total",
            "counter",
            "Cases of items needing no visit on site (零跑腿).",
        );
        e.sample("bianli_cases_zero_trip_total", &[], f(t.zero_trip));
        e.family(
            "bianli_cards_total",
            "counter",
            "Deadline cards given (黄牌 yellow, 红牌 red).",
        );
        e.sample("bianli_cards_total", &[("kind", "yellow")], f(t.yellow));
        e.sample("bianli_cards_total", &[("kind", "red")], f(t.red));
        e.family(
            "bianli_ratings_total",
            "counter",
            "Ratings (好差评), by grade: good is 4-5, other 1-3.",
        );
        e.sample("bianli_ratings_total", &[("grade", "good")], f(t.good));
        e.sample(
            "bianli_ratings_total",
            &[("grade", "other")],
            f(t.ratings - t.good),
        );
        e.family(
            "bianli_follow_ups_open",
            "gauge",
            "差评 follow-ups not answered yet.",
        );
        e.sample("bianli_follow_ups_open", &[], f(t.open_follow_ups));
        e.family(
            "bianli_follow_ups_overdue",
            "gauge",
            "差评 follow-ups unanswered past their due date.",
        );
        e.sample("bianli_follow_ups_overdue", &[], f(t.overdue_follow_ups));
        Ok(e.0)
    }
}
