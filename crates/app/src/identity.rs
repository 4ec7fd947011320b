//! Accounts, sign-in and who may do what.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use bianli_domain::Invalid;
use bianli_domain::division::DivisionCode;
use bianli_domain::identity::{AccountKind, IdNumber, Password, Role, Scope, Uscc, Username};
use bianli_store::{AccountRow, NewAccount};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{App, AppError, Result};

/// How long a sign-in lasts.
const SESSION_HOURS: i64 = 12;

/// The signed-in account a use case acts for.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub role: Role,
    pub department_id: Option<i64>,
    pub division: Option<String>,
    id_number: Option<String>,
    uscc: Option<String>,
    pub employee_no: Option<String>,
}

impl Actor {
    pub fn scope(&self) -> Scope {
        Scope {
            role: self.role,
            department_id: self.department_id,
            division: self
                .division
                .as_deref()
                .and_then(|d| DivisionCode::parse(d).ok()),
        }
    }

    /// The `actor` column of events: an id, never a name.
    pub fn tag(&self) -> String {
        if self.account_id == 0 {
            format!("system:{}", self.username)
        } else {
            format!("account:{}", self.account_id)
        }
    }

    /// The operator at the server's console (the `bianli` command): a
    /// province-wide admin, recorded in events as `system:NAME`.
    pub fn system(name: &str) -> Actor {
        Actor {
            account_id: 0,
            username: name.to_string(),
            display_name: name.to_string(),
            kind: AccountKind::Staff,
            role: Role::Admin,
            department_id: None,
            division: None,
            id_number: None,
            uscc: None,
            employee_no: None,
        }
    }
}

impl From<AccountRow> for Actor {
    fn from(a: AccountRow) -> Self {
        Actor {
            account_id: a.id,
            username: a.username,
            display_name: a.display_name,
            kind: a.kind,
            role: a.role,
            department_id: a.department_id,
            division: a.division,
            id_number: a.id_number,
            uscc: a.uscc,
            employee_no: a.employee_no,
        }
    }
}

/// What `GET /identity/me` shows: the owner sees their own ID number in full.
#[derive(Debug, Serialize)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub kind: AccountKind,
    pub role: Role,
    pub role_zh: &'static str,
    pub id_number: Option<String>,
    pub uscc: Option<String>,
    pub employee_no: Option<String>,
    pub department_id: Option<i64>,
    pub division: Option<String>,
}

impl Actor {
    pub fn me(&self) -> Me {
        Me {
            id: self.account_id,
            username: self.username.clone(),
            name: self.display_name.clone(),
            kind: self.kind,
            role: self.role,
            role_zh: self.role.zh(),
            id_number: self.id_number.clone(),
            uscc: self.uscc.clone(),
            employee_no: self.employee_no.clone(),
            department_id: self.department_id,
            division: self.division.clone(),
        }
    }

    /// The identifier an application is filed under: a citizen's ID number
    /// or an enterprise's credit code; staff have none of their own.
    pub(crate) fn applicant_id(&self) -> Option<(bianli_domain::cases::ApplicantKind, String)> {
        use bianli_domain::cases::ApplicantKind;
        match (self.role, &self.id_number, &self.uscc) {
            (Role::Citizen, Some(n), _) => Some((ApplicantKind::Citizen, n.clone())),
            (Role::Enterprise, _, Some(u)) => Some((ApplicantKind::Enterprise, u.clone())),
            _ => None,
        }
    }

    /// The ID number as others see it.
    pub fn masked_id_number(&self) -> Option<String> {
        self.id_number
            .as_deref()
            .and_then(|n| IdNumber::parse(n).ok())
            .map(|n| n.masked())
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct Registration {
    pub kind: String,
    pub id_number: Option<String>,
    pub uscc: Option<String>,
    pub name: String,
    pub password: String,
}

#[derive(Debug, Serialize)]
pub struct Session {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

pub(crate) fn hash_password(p: &Password) -> Result<String> {
    Argon2::default()
        .hash_password(p.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

/// Argon2 is slow on purpose (tens of milliseconds of CPU). On a runtime
/// worker it stalls every task queued there: a burst of sign-ups or logins
/// then kept transactions that hold pooled connections from finishing, and
/// other requests timed out waiting for a connection (500s seen under load).
/// So hashing and checking run on the blocking pool.
async fn on_blocking_pool<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("a password task stopped: {e}")))
}

/// Whether `password` matches `hash` (an unreadable hash never matches).
async fn password_matches(password: &str, hash: String) -> Result<bool> {
    let password = password.to_string();
    on_blocking_pool(move || {
        argon2::PasswordHash::new(&hash).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    })
    .await
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A name as people write it: 1 to 100 characters.
fn display_name(s: &str) -> Result<String, Invalid> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 100 {
        return Err(Invalid::one("name", "姓名（名称）应为1至100个字"));
    }
    Ok(s.to_string())
}

impl App {
    /// A citizen registers with their ID number, an enterprise with its credit
    /// code; either is then the username.
    pub async fn register(&self, r: Registration) -> Result<Me> {
        let mut inv = Invalid::default();
        let kind = inv.take("", AccountKind::parse(&r.kind));
        let name = inv.take("", display_name(&r.name));
        let password = inv.take("", Password::parse(&r.password));
        let (mut id_number, mut uscc) = (None, None);
        match kind {
            Some(AccountKind::Citizen) => {
                id_number = inv.take(
                    "",
                    IdNumber::parse(r.id_number.as_deref().unwrap_or_default()),
                );
            }
            Some(AccountKind::Enterprise) => {
                uscc = inv.take("", Uscc::parse(r.uscc.as_deref().unwrap_or_default()));
            }
            Some(AccountKind::Staff) => {
                inv.push("kind", "工作人员账号由管理员创建");
            }
            None => {}
        }
        let (Some(kind), Some(name), Some(password)) = (kind, name, password) else {
            return Err(inv.into());
        };
        if !inv.0.is_empty() {
            return Err(inv.into());
        }
        let username = match (&id_number, &uscc) {
            (Some(n), _) => n.as_str().to_string(),
            (_, Some(u)) => u.as_str().to_string(),
            _ => {
                return Err(AppError::Internal(
                    "注册缺少身份证号码或统一社会信用代码".into(),
                ));
            }
        };
        let role = if kind == AccountKind::Citizen {
            Role::Citizen
        } else {
            Role::Enterprise
        };
        let account = NewAccount {
            username,
            kind,
            display_name: name,
            id_number: id_number.map(|n| n.as_str().to_string()),
            uscc: uscc.map(|u| u.as_str().to_string()),
            employee_no: None,
            password_hash: on_blocking_pool(move || hash_password(&password)).await??,
            role,
            department_id: None,
            division: None,
        };
        // The username is the identifier; a taken one is reported under the
        // field the person typed, whichever constraint the database hit first.
        let field = if kind == AccountKind::Citizen {
            "id_number"
        } else {
            "uscc"
        };
        let row = self
            .store
            .create_account(&account, self.now())
            .await
            .map_err(|e| match e {
                bianli_store::StoreError::Conflict { .. } => AppError::Conflict {
                    field: field.to_string(),
                    message: if kind == AccountKind::Citizen {
                        "该身份证号码已注册"
                    } else {
                        "该统一社会信用代码已注册"
                    }
                    .to_string(),
                },
                other => other.into(),
            })?;
        Ok(Actor::from(row).me())
    }

    pub async fn login(&self, username: &str, password: &str) -> Result<Session> {
        let username = Username::parse(username).map_err(|_| AppError::BadCredentials)?;
        let Some(account) = self.store.account_by_username(username.as_str()).await? else {
            // Spend the same time as a real check, so timing does not tell which names exist.
            password_matches(password, DUMMY_HASH.to_string()).await?;
            return Err(AppError::BadCredentials);
        };
        if !password_matches(password, account.password_hash.clone()).await? {
            return Err(AppError::BadCredentials);
        }
        let token = new_token()?;
        let now = self.now();
        let expires_at = now + chrono::Duration::hours(SESSION_HOURS);
        self.store
            .create_session(&token_hash(&token), account.id, now, expires_at)
            .await?;
        Ok(Session { token, expires_at })
    }

    pub async fn authenticate(&self, token: &str) -> Result<Actor> {
        self.store
            .session_account(&token_hash(token), self.now())
            .await?
            .map(Actor::from)
            .ok_or(AppError::Unauthenticated)
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }
}

/// An argon2id hash of a random string, verified against when the username is
/// unknown so that both paths cost the same.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3Q";

/// The CSRF token of a page session: derived from the session token, so it needs
/// no storage and is useless without the cookie it pairs with.
pub fn csrf_token(session_token: &str) -> String {
    hex::encode(Sha256::digest(
        format!("bianli-csrf:{session_token}").as_bytes(),
    ))
}
