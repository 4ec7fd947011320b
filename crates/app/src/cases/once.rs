//! A page form filed once: the token a form carries (made when it is
//! rendered, bound to the session) is an idempotency key, so a double click
//! or a resent form leads to the receipt of the case the first post filed.
//! The filing runs on its own task: a browser that drops the first request
//! when the second click goes out must not leave the token claimed for ever.

use std::time::Duration;

use bianli_domain::Invalid;
use sha2::{Digest, Sha256};

use super::{Application, Receipt};
use crate::idempotency::IdempotencyStart;
use crate::{Actor, App, AppError, Result};

/// Keys of page forms, apart from the keys API clients choose.
const PREFIX: &str = "form:";
/// How long a second post waits for the first to finish.
const WAIT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

/// A new token for a form of the session `session_token`.
pub fn form_token(session_token: &str) -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    let nonce = hex::encode(bytes);
    Ok(format!("{nonce}.{}", mac(session_token, &nonce)))
}

fn mac(session_token: &str, nonce: &str) -> String {
    let d = Sha256::digest(format!("bianli-form:{session_token}:{nonce}").as_bytes());
    hex::encode(&d[..16])
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The idempotency key `sent` stands for, if this session made it.
pub fn form_key(session_token: &str, sent: &str) -> Result<String> {
    let refused = || {
        AppError::Forbidden("表单已失效（不是本次登录打开的表单），请刷新页面后重新提交。".into())
    };
    let (nonce, tag) = sent.split_once('.').ok_or_else(refused)?;
    let well_formed = nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed || !same(tag.as_bytes(), mac(session_token, nonce).as_bytes()) {
        return Err(refused());
    }
    Ok(format!("{PREFIX}{nonce}"))
}

/// What a form's post came to.
#[derive(Debug)]
pub enum Filed {
    /// This post filed the case.
    Now(Receipt),
    /// An earlier post with the same token filed this case.
    Before(String),
}

impl App {
    /// Files `application` once per form token `key` (from [`form_key`]),
    /// for the form at `path`. A refusal releases the token, so the form
    /// corrected and sent again files then.
    pub async fn submit_once(
        &self,
        actor: &Actor,
        key: &str,
        path: &str,
        application: Application,
    ) -> Result<Filed> {
        let account = actor.account_id;
        let waited_since = std::time::Instant::now();
        loop {
            match self.idempotency_start(account, key, "POST", path).await? {
                IdempotencyStart::Started => break,
                IdempotencyStart::Done { path: p, body, .. } => {
                    if p != path {
                        return Err(Invalid::one("once", "该表单令牌已用于其他表单").into());
                    }
                    return Ok(Filed::Before(body));
                }
                IdempotencyStart::InProgress => {
                    if waited_since.elapsed() > WAIT {
                        return Err(AppError::Conflict {
                            field: "once".into(),
                            message: "该表单正在提交，请稍后在“我的办件”中查看".into(),
                        });
                    }
                    tokio::time::sleep(POLL).await;
                }
            }
        }
        let (app, actor, key) = (self.clone(), actor.clone(), key.to_string());
        let run = tokio::spawn(async move {
            let filed = app.submit(&actor, application).await;
            let recorded = match &filed {
                Ok(r) => app.idempotency_finish(account, &key, 303, &r.number).await,
                Err(_) => app.idempotency_abort(account, &key).await,
            };
            let receipt = filed?;
            recorded?;
            Ok::<Filed, AppError>(Filed::Now(receipt))
        });
        run.await
            .map_err(|e| AppError::Internal(format!("filing a form: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_good_for_its_session_only() {
        let t = form_token("session-a").unwrap();
        let key = form_key("session-a", &t).unwrap();
        assert!(key.starts_with(PREFIX));
        assert_ne!(t, form_token("session-a").unwrap(), "a new token each time");
        for bad in [
            form_key("session-b", &t),
            form_key("session-a", ""),
            form_key("session-a", "abc.def"),
            form_key("session-a", &t.replace('.', "")),
        ] {
            assert!(matches!(bad, Err(AppError::Forbidden(_))), "{bad:?}");
        }
    }
}
