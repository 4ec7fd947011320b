//! Checking real requests and answers against what the served OpenAPI
//! document declares for their operation, with a JSON Schema 2020-12
//! validator (the dialect of OpenAPI 3.1). A schema is validated with the
//! document's `components` beside it, so its `#/components/schemas/...`
//! references resolve exactly as a client's tooling would resolve them.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

pub struct Document(pub Value);

impl Document {
    pub async fn fetch(t: &TestApp) -> Document {
        let r = t.get("/api/v1/openapi.json").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        Document(r.json().await.expect("the document is JSON"))
    }

    /// Every (METHOD, path template) the document describes.
    pub fn routes(&self) -> BTreeSet<(String, String)> {
        let paths = self.0["paths"].as_object().expect("paths");
        paths
            .iter()
            .flat_map(|(path, item)| {
                METHODS
                    .into_iter()
                    .filter(|m| item.get(m.to_ascii_lowercase()).is_some())
                    .map(|m| (m.to_string(), path.clone()))
            })
            .collect()
    }

    pub fn operation(&self, method: &str, template: &str) -> &Value {
        let op = &self.0["paths"][template][method.to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {template} is not documented");
        op
    }

    /// Whether the operation can only be called with a bearer token (no
    /// anonymous `{}` alternative among its security requirements).
    pub fn requires_bearer(&self, method: &str, template: &str) -> bool {
        let security = self.operation(method, template)["security"].as_array();
        security.is_some_and(|alternatives| {
            !alternatives.is_empty()
                && alternatives
                    .iter()
                    .all(|s| s.as_object().is_some_and(|o| o.contains_key("bearer")))
        })
    }

    pub fn check_request(&self, method: &str, template: &str, body: &Value) {
        let op = self.operation(method, template);
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        assert!(
            !schema.is_null(),
            "{method} {template} documents no JSON request body"
        );
        self.validate(schema, body, &format!("request of {method} {template}"));
    }

    /// The answer's status must be documented for the operation, with its
    /// media type, and the body must match that media type's schema.
    pub fn check_response(
        &self,
        method: &str,
        template: &str,
        status: StatusCode,
        media_type: Option<&str>,
        body: &Value,
    ) {
        let what = format!("{status} of {method} {template}");
        let response = &self.operation(method, template)["responses"][status.as_str()];
        assert!(response.is_object(), "{what} is not documented");
        let Some(media_type) = media_type else {
            assert!(
                response.get("content").is_none(),
                "{what} has no body but documents one"
            );
            return;
        };
        let schema = &response["content"][media_type]["schema"];
        assert!(!schema.is_null(), "{what} does not document {media_type}");
        self.validate(schema, body, &what);
    }

    fn validate(&self, schema: &Value, instance: &Value, what: &str) {
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.0["components"],
            "allOf": [schema],
        });
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("the schema of {what} does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at `{}`", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not match its schema:\n  {}\nin {instance}",
            errors.join("\n  ")
        );
    }
}

/// Sends a request as a client of the document would, checks the request
/// body and the answer against it, and returns the answer's body.
pub struct Call<'a> {
    pub t: &'a TestApp,
    pub doc: &'a Document,
}

impl Call<'_> {
    pub async fn send(
        &self,
        method: &str,
        template: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        want: StatusCode,
    ) -> Value {
        let m = Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self
            .t
            .client
            .request(m, format!("{}/api/v1{path}", self.t.url));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            self.doc.check_request(method, template, body);
            req = req.json(body);
        }
        let r = req.send().await.expect("request");
        let status = r.status();
        let media_type = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or(v).trim().to_string());
        let text = r.text().await.expect("body");
        assert_eq!(status, want, "{method} {path}: {text}");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("a JSON answer")
        };
        let media_type = media_type.filter(|_| !text.is_empty());
        self.doc
            .check_response(method, template, status, media_type.as_deref(), &body);
        body
    }

    pub async fn get(&self, template: &str, path: &str, want: StatusCode) -> Value {
        self.send("GET", template, path, None, None, want).await
    }
}
