//! Google Calendar module: list and create events.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{ToolResult, text};
use crate::fake;
use crate::handler::DemoHandler;

fn primary() -> String {
    "primary".to_owned()
}

fn default_days() -> u32 {
    7
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ListEventsParams {
    /// Calendar id; `primary` is the user's main calendar.
    #[serde(default = "primary")]
    pub calendar_id: String,
    /// Start of the window (RFC 3339); now when absent.
    #[serde(default)]
    pub time_min: Option<String>,
    /// Length of the window in days.
    #[serde(default = "default_days")]
    #[schemars(range(min = 1, max = 90))]
    pub days: u32,
    /// Expand recurring events into single instances.
    #[serde(default = "yes")]
    pub single_events: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct CreateEventParams {
    /// Calendar id; `primary` is the user's main calendar.
    #[serde(default = "primary")]
    pub calendar_id: String,
    /// Event title.
    pub summary: String,
    /// Start time (RFC 3339).
    pub start: String,
    /// End time (RFC 3339).
    pub end: String,
    /// Attendee e-mail addresses.
    #[serde(default)]
    pub attendees: Vec<String>,
    /// E-mail the attendees about the new event.
    #[serde(default)]
    pub send_updates: bool,
}

#[tool_router(router = calendar_router, vis = "pub(crate)")]
impl DemoHandler {
    #[tool(
        name = "calendar.list_events",
        title = "List calendar events",
        description = "List Google Calendar events in a time window.",
        annotations(
            title = "List calendar events",
            read_only_hint = true,
            open_world_hint = true
        )
    )]
    async fn calendar_list_events(
        &self,
        Parameters(p): Parameters<ListEventsParams>,
    ) -> ToolResult {
        if let Some(failure) = self.upstream("calendar", 0.8).await {
            return failure;
        }
        let start = chrono::Local::now();
        let count = fake::number(0, 4);
        let mut body = format!(
            "{count} event(s) in {} over {} day(s) from {}:",
            p.calendar_id,
            p.days,
            p.time_min.as_deref().unwrap_or("now")
        );
        for i in 0..count {
            let hours = fake::number(1, u64::from(p.days.clamp(1, 90)) * 24) as i64;
            let at = start + chrono::Duration::hours(hours);
            body.push_str(&format!(
                "\n- {} {}{}",
                at.format("%a %d %b %H:00"),
                fake::title(),
                if !p.single_events && i == 0 {
                    " (recurring)"
                } else {
                    ""
                }
            ));
        }
        text(body)
    }

    #[tool(
        name = "calendar.create_event",
        title = "Create calendar event",
        description = "Create a Google Calendar event and optionally invite attendees.",
        annotations(
            title = "Create calendar event",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn calendar_create_event(
        &self,
        Parameters(p): Parameters<CreateEventParams>,
    ) -> ToolResult {
        if let Some(failure) = self.upstream("calendar", 1.2).await {
            return failure;
        }
        text(format!(
            "Created \"{}\" in {} from {} to {} (id {}); {} attendee(s){}.",
            p.summary,
            p.calendar_id,
            p.start,
            p.end,
            fake::hex_id(26),
            p.attendees.len(),
            if p.send_updates {
                ", invitations sent"
            } else {
                ""
            }
        ))
    }
}
