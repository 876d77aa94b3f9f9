//! Starting the sources an app reads: the metric source, Alertmanager and Loki.

use super::*;

/// Starts the metric source (scrape, or query mode's), Alertmanager's and Loki's, linked to
/// `app`; the MCP clients are started by the caller that needs them.
///
/// Errors: a bad target URL, or a client that cannot be built (TLS files, secrets).
pub(super) fn spawn_sources(
    app: &mut App,
    tx: &mpsc::Sender<Update>,
) -> Result<tokio::task::JoinSet<()>> {
    let query_mode = app.fleet.as_ref().and_then(|f| f.query()).is_some();
    let mut tasks = if query_mode {
        let mut set = tokio::task::JoinSet::new();
        let settings = sources::prometheus::Settings {
            profile: app.cfg.target.profile.clone(),
            custom_profile: app.cfg.custom_profile.clone(),
            interval: app.cfg.scrape.interval,
            range: app.cfg.window.range,
            history: app.cfg.window.history,
            module_pattern: regex::Regex::new(&app.cfg.modules.pattern)
                .map_err(|e| eyre!("modules.pattern: {e}"))?,
            module_label: app.cfg.modules.label.clone(),
            polling_paths: app.cfg.polling_paths(),
        };
        let handle = std::sync::Arc::new(sources::prometheus::spawn(
            &app.cfg.prometheus,
            settings,
            tx.clone(),
            &mut set,
        ));
        let at = std::sync::Arc::clone(&handle);
        let tools = std::sync::Arc::clone(&handle);
        app.prom_link = Some(Box::new(move |i, run| handle.switch(i, run)));
        app.at_link = Some(Box::new(move |t| at.ask_at(t)));
        app.tools_link = Some(Box::new(move |shown| tools.show_tools(shown)));
        app.sync_tool_columns();
        set
    } else if app.no_target {
        tokio::task::JoinSet::new()
    } else {
        sources::spawn(&app.cfg, tx.clone())?
    };
    if !app.cfg.alertmanager.urls.is_empty() {
        let handle = sources::alertmanager::spawn(&app.cfg.alertmanager, tx.clone(), &mut tasks)
            .map_err(|e| eyre!("alertmanager: {e}"))?;
        app.am = Some(Box::new(move |cmd| handle.send(cmd)));
    }
    if let Some(loki) = &app.loki {
        let handle =
            sources::loki::spawn(&app.cfg.loki, loki.query.clone(), tx.clone(), &mut tasks)
                .map_err(|e| eyre!("loki: {e}"))?;
        app.loki_link = Some(Box::new(move |q| handle.set_query(q)));
    }
    Ok(tasks)
}
