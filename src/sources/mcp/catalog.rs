//! `resources/list`, `resources/templates/list` and `prompts/list`, each page by page
//! within the request timeout (as tools/list, `list`), for a server that declared the
//! capability. A list that fails is reported as its error; the others still are listed.

use std::future::Future;
use std::time::Duration;

use rmcp::model::PaginatedRequestParams;
use rmcp::service::{Peer, RoleClient, ServiceError};

use super::convert_catalog::{prompt_info, resource_info, template_info};
use super::errors::service_error;
use super::list::MAX_PAGES;
use crate::model::mcp::McpError;
use crate::model::mcp::catalog::Catalog;

/// The server's catalog: each list it offers (by its `initialize` capabilities), every page.
pub(super) async fn list_catalog(peer: &Peer<RoleClient>, limit: Duration) -> Catalog {
    let (offers_resources, offers_prompts) = peer.peer_info().map_or((false, false), |i| {
        (
            i.capabilities.resources.is_some(),
            i.capabilities.prompts.is_some(),
        )
    });
    let mut catalog = Catalog {
        offers_resources,
        offers_prompts,
        can_subscribe: can_subscribe(peer),
        ..Catalog::default()
    };
    if offers_resources {
        catalog.resources = Some(
            paginate("resources/list", limit, |p| async {
                let r = peer.list_resources(p).await?;
                Ok((r.resources, r.next_cursor))
            })
            .await
            .map(|v| v.into_iter().map(resource_info).collect()),
        );
        catalog.templates = Some(
            paginate("resources/templates/list", limit, |p| async {
                let r = peer.list_resource_templates(p).await?;
                Ok((r.resource_templates, r.next_cursor))
            })
            .await
            .map(|v| v.into_iter().map(template_info).collect()),
        );
    }
    if offers_prompts {
        catalog.prompts = Some(
            paginate("prompts/list", limit, |p| async {
                let r = peer.list_prompts(p).await?;
                Ok((r.prompts, r.next_cursor))
            })
            .await
            .map(|v| v.into_iter().map(prompt_info).collect()),
        );
    }
    catalog
}

/// The server declared `resources.subscribe: true` in `initialize`.
pub(super) fn can_subscribe(peer: &Peer<RoleClient>) -> bool {
    peer.peer_info().is_some_and(|i| {
        i.capabilities
            .resources
            .as_ref()
            .is_some_and(|r| r.subscribe == Some(true))
    })
}

/// Every page of a paginated list, each within `limit`; stops after [`MAX_PAGES`].
///
/// Errors, prefixed by `method`: `no answer in N s` (with the page when not the first), the
/// request's error, or too many pages.
pub(super) async fn paginate<T, F, Fut>(
    method: &str,
    limit: Duration,
    mut page_of: F,
) -> Result<Vec<T>, McpError>
where
    F: FnMut(Option<PaginatedRequestParams>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), ServiceError>>,
{
    let mut out = Vec::new();
    let mut cursor = None;
    for page in 1..=MAX_PAGES {
        let params = PaginatedRequestParams::default().with_cursor(cursor);
        let request = page_request(method, page);
        let (items, next) = tokio::time::timeout(limit, page_of(Some(params)))
            .await
            .map_err(|_| McpError::NoAnswer(limit).at(request.clone()))?
            .map_err(|e| service_error(&e).of_request(request))?;
        out.extend(items);
        cursor = next;
        if cursor.is_none() {
            return Ok(out);
        }
    }
    Err(McpError::TooManyPages {
        method: method.into(),
        pages: MAX_PAGES,
    })
}

/// How a page of a list is named in its errors: `tools/list`, `tools/list (page 2)`.
pub(super) fn page_request(method: &str, page: usize) -> String {
    if page == 1 {
        method.to_string()
    } else {
        format!("{method} (page {page})")
    }
}
