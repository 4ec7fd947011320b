//! Routes registered together with their documentation: the router and the
//! OpenAPI paths come out of the same calls, so the API cannot serve a method
//! and path that the document leaves out, nor document one it does not serve.

use std::collections::BTreeMap;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter};
use utoipa::openapi::Paths;
use utoipa::openapi::path::{HttpMethod, Operation};

use super::idempotency;
use super::openapi::Op;
use crate::AppState;

#[derive(Default)]
pub struct Routes {
    served: BTreeMap<String, MethodRouter<AppState>>,
    documented: Vec<(String, HttpMethod, Operation)>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H, op: Op) -> Self {
        self.on(Method::GET, path, handler, op)
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H, op: Op) -> Self {
        self.on(Method::POST, path, handler, op)
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H, op: Op) -> Self {
        self.on(Method::PUT, path, handler, op)
    }

    fn on<H: Handler<T, AppState>, T: 'static>(
        mut self,
        method: Method,
        path: &str,
        handler: H,
        op: Op,
    ) -> Self {
        let (filter, documented) = match method {
            Method::GET => (MethodFilter::GET, HttpMethod::Get),
            Method::POST => (MethodFilter::POST, HttpMethod::Post),
            Method::PUT => (MethodFilter::PUT, HttpMethod::Put),
            ref other => unreachable!("no route registers {other}"),
        };
        let served = self.served.remove(path).unwrap_or_default();
        self.served
            .insert(path.to_string(), served.on(filter, handler));
        let op = op.build(idempotency::applies_to(&method));
        self.documented.push((path.to_string(), documented, op));
        self
    }

    /// `inner`'s routes under `prefix`, as `Router::nest` would serve them.
    pub fn nest(mut self, prefix: &str, inner: Routes) -> Self {
        for (path, served) in inner.served {
            let previous = self.served.insert(format!("{prefix}{path}"), served);
            assert!(previous.is_none(), "{prefix}{path} registered twice");
        }
        self.documented.extend(
            inner
                .documented
                .into_iter()
                .map(|(path, method, op)| (format!("{prefix}{path}"), method, op)),
        );
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Paths) {
        let router = self
            .served
            .into_iter()
            .fold(Router::new(), |r, (path, served)| r.route(&path, served));
        let mut paths = Paths::new();
        // A method registered twice for a path has already panicked in axum.
        for (path, method, op) in self.documented {
            paths.add_path_operation(path, vec![method], op);
        }
        (router, paths)
    }
}
