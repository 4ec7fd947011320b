//! Page sessions: the `bianli_session` cookie, the signed-in viewer, the CSRF
//! token every state-changing form carries, and the sign-in pages.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bianli_app::{Actor, AppError, identity};
use bianli_domain::identity::Role;
use serde::Deserialize;

use super::error_page::PageError;
use super::form::FormData;
use super::layout::{Chrome, Section, UserView, encode, render};
use crate::AppState;

pub const COOKIE: &str = "bianli_session";

/// Who is looking at the page, if anyone, and where they are.
pub struct Viewer {
    pub actor: Option<Actor>,
    token: Option<String>,
    /// Path and query of this request, to come back to after signing in.
    pub here: String,
}

impl Viewer {
    pub fn anonymous(here: &str) -> Viewer {
        Viewer {
            actor: None,
            token: None,
            here: here.to_string(),
        }
    }

    #[cfg(test)]
    pub fn signed_in(actor: Actor, token: &str, here: &str) -> Viewer {
        Viewer {
            actor: Some(actor),
            token: Some(token.to_string()),
            here: here.to_string(),
        }
    }

    pub fn chrome(&self, section: Section) -> Chrome {
        let user = self.actor.as_ref().map(|a| UserView {
            name: a.display_name.clone(),
            role: a.role.zh(),
        });
        Chrome::new(
            section,
            user,
            self.is_maintainer(),
            self.is_supervisor(),
            self.csrf(),
            &self.here,
        )
    }

    /// A failure rendered with this viewer's header.
    pub fn fail(&self, e: impl Into<crate::ApiError>) -> PageError {
        PageError {
            error: e.into(),
            chrome: Some(Box::new(self.chrome(Section::None))),
        }
    }

    pub fn csrf(&self) -> String {
        self.token
            .as_deref()
            .map(identity::csrf_token)
            .unwrap_or_default()
    }

    /// Supervisors (and admins) get the workbench of cards in the navigation.
    pub fn is_supervisor(&self) -> bool {
        self.actor.as_ref().is_some_and(|a| {
            matches!(
                a.role,
                bianli_domain::identity::Role::Supervisor | bianli_domain::identity::Role::Admin
            )
        })
    }

    pub fn is_maintainer(&self) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| matches!(a.role, Role::DeptAdmin | Role::Admin))
    }

    /// Whether the viewer may edit items of this department.
    pub fn maintains(&self, department_id: i64) -> bool {
        self.actor
            .as_ref()
            .is_some_and(|a| a.scope().may_maintain_department(department_id))
    }

    /// A one-time token for a form that files something (`once`), made
    /// now for this session.
    pub fn form_token(&self) -> Result<String, PageError> {
        let token = self.token.as_deref().unwrap_or_default();
        bianli_app::cases::form_token(token).map_err(|e| self.fail(e))
    }

    /// The key the form's `once` token stands for; a token made for another
    /// session (or none) is refused.
    pub fn form_key(&self, form: &FormData) -> Result<String, PageError> {
        let Some(token) = self.token.as_deref() else {
            return Err(self.fail(AppError::Forbidden("请先登录".into())));
        };
        bianli_app::cases::form_key(token, form.get("once")).map_err(|e| self.fail(e))
    }

    /// A form without this session's token did not come from our page: refuse it.
    pub fn check_csrf(&self, form: &FormData) -> Result<(), PageError> {
        let sent = form.get("csrf");
        let expected = self.csrf();
        if self.token.is_none()
            || expected.is_empty()
            || !same(sent.as_bytes(), expected.as_bytes())
        {
            return Err(self.fail(AppError::Forbidden(
                "表单已失效（CSRF 校验未通过），请刷新页面后重新提交。".into(),
            )));
        }
        Ok(())
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == COOKIE && !v.is_empty())
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .to_string();
        let Some(token) = session_cookie(&parts.headers) else {
            return Ok(Viewer::anonymous(&here));
        };
        match state.app.authenticate(&token).await {
            Ok(actor) => Ok(Viewer {
                actor: Some(actor),
                token: Some(token),
                here,
            }),
            Err(AppError::Unauthenticated) => Ok(Viewer::anonymous(&here)),
            Err(e) => {
                // A page still renders for a visitor when sessions cannot be read.
                tracing::warn!(error = %e, "reading the page session failed");
                Ok(Viewer::anonymous(&here))
            }
        }
    }
}

/// A signed-in department admin or admin. Others are sent to sign in (303) or
/// shown the 403 page.
pub struct Maintainer {
    pub actor: Actor,
    pub viewer: Viewer,
}

impl FromRequestParts<AppState> for Maintainer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(viewer) = Viewer::from_request_parts(parts, state).await;
        let Some(actor) = viewer.actor.clone() else {
            // After a POST the form is gone; come back to the page that held it.
            let back = if parts.method == axum::http::Method::GET {
                viewer.here.clone()
            } else {
                "/".into()
            };
            return Err(Redirect::to(&format!("/login?next={}", encode(&back))).into_response());
        };
        if !viewer.is_maintainer() {
            return Err(viewer
                .fail(AppError::Forbidden(
                    "只有部门管理员或系统管理员可以维护权力清单。".into(),
                ))
                .into_response());
        }
        Ok(Maintainer { actor, viewer })
    }
}

/// Only a path on this site: `//host` and `/\host` would leave it.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    ok.then_some(next)
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub next: String,
    pub username: String,
    pub error: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    viewer: Viewer,
    q: Result<Query<NextQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    // A mangled query only loses the way back, not the form.
    let next = q.ok().and_then(|Query(q)| q.next).unwrap_or_default();
    let page = LoginPage {
        chrome: viewer.chrome(Section::Login),
        next: safe_next(&next).unwrap_or("").to_string(),
        username: String::new(),
        error: None,
    };
    render(StatusCode::OK, &page)
}

pub async fn login(
    State(s): State<AppState>,
    viewer: Viewer,
    form: FormData,
) -> Result<Response, PageError> {
    let username = form.get("username").trim().to_string();
    let next = safe_next(form.get("next")).unwrap_or("/").to_string();
    match s.app.login(&username, form.get("password")).await {
        Ok(session) => {
            // Signing in again replaces the old session rather than leaving it alive.
            if let Some(old) = viewer.token.as_deref() {
                let _ = s.app.logout(old).await;
            }
            let max_age = (session.expires_at - s.app.now()).num_seconds().max(0);
            let cookie = format!(
                "{COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}",
                session.token
            );
            Ok(see_other(&next, Some(cookie)))
        }
        Err(AppError::BadCredentials) => {
            let page = LoginPage {
                chrome: viewer.chrome(Section::Login),
                next: if next == "/" { String::new() } else { next },
                username,
                error: Some("用户名或密码错误"),
            };
            render(StatusCode::UNAUTHORIZED, &page)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

pub async fn logout(
    State(s): State<AppState>,
    viewer: Viewer,
    form: FormData,
) -> Result<Response, PageError> {
    if let Some(token) = viewer.token.as_deref() {
        viewer.check_csrf(&form)?;
        s.app.logout(token).await.map_err(|e| viewer.fail(e))?;
    }
    let gone = format!("{COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    Ok(see_other("/", Some(gone)))
}

/// A 303 to `to`, optionally setting a cookie.
pub fn see_other(to: &str, cookie: Option<String>) -> Response {
    let mut resp = Redirect::to(to).into_response();
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().insert(header::SET_COOKIE, c);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/items?q=1"), Some("/items?q=1"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; bianli_session=tok; b=2"),
        );
        assert_eq!(session_cookie(&h).as_deref(), Some("tok"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("bianli_session="));
        assert_eq!(session_cookie(&h), None);
    }

    #[test]
    fn compares_tokens() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
