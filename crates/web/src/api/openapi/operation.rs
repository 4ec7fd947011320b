//! One operation's documentation, written beside the route that serves it
//! (see `api::routes`). What every operation shares — the Idempotency-Key of
//! writes, the 500 any handler can give, the 401 of a signed-in route — is
//! added here once, so no operation can forget it.

use axum::http::StatusCode;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, RefOr, Required};

use super::problem;

/// The query parameters of an operation, one per field of the struct its
/// handler deserializes the query into; as with `mirror!`, the pattern makes a
/// new or renamed field a compile error here. Each field names the `Op`
/// method that adds it: `query` or `required_query`.
macro_rules! queries {
    ($op:expr, $ty:ident { $($name:ident: $how:ident($schema:expr, $doc:expr $(,)?)),* $(,)? }) => {{
        let _ = |v: &$ty| {
            let $ty { $($name: _),* } = v;
        };
        $op$(.$how(stringify!($name), $schema, $doc))*
    }};
}
pub(crate) use queries;

/// The name of the bearer scheme in `components.securitySchemes`.
pub const BEARER: &str = "bearer";

enum Auth {
    None,
    Required,
    Optional,
}

/// A success body: its media type and schema.
type Content = (&'static str, RefOr<Schema>);

pub struct Op {
    b: OperationBuilder,
    success: Vec<(StatusCode, String, Option<Content>)>,
    problems: Vec<StatusCode>,
    auth: Auth,
}

impl Op {
    pub fn new(tag: &str, id: &str, summary: &str) -> Self {
        Self {
            b: OperationBuilder::new()
                .tag(tag)
                .operation_id(Some(id))
                .summary(Some(summary)),
            success: Vec::new(),
            problems: vec![StatusCode::INTERNAL_SERVER_ERROR],
            auth: Auth::None,
        }
    }

    pub fn describe(mut self, text: &str) -> Self {
        self.b = self.b.description(Some(text));
        self
    }

    pub fn query(mut self, name: &str, schema: RefOr<Schema>, description: &str) -> Self {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .schema(Some(schema))
                .description(Some(description)),
        );
        self
    }

    /// A parameter the handler cannot do without: leaving it out is a 422.
    pub fn required_query(mut self, name: &str, schema: RefOr<Schema>, description: &str) -> Self {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::True)
                .schema(Some(schema))
                .description(Some(description)),
        );
        self
    }

    pub fn path(mut self, name: &str, schema: RefOr<Schema>, description: &str) -> Self {
        self.b = self.b.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(schema))
                .description(Some(description)),
        );
        self
    }

    /// A JSON body (`JsonBody`): anything else is a 422 naming `body`.
    pub fn body(mut self, schema: RefOr<Schema>) -> Self {
        self.b = self.b.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(schema)).build(),
                )
                .build(),
        ));
        self.fails(&[StatusCode::UNPROCESSABLE_ENTITY])
    }

    /// A CSV file as the body: anything else is a 422 naming `body`.
    pub fn csv_body(mut self, description: &str) -> Self {
        self.b = self.b.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .description(Some(description))
                .content(
                    "text/csv",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                )
                .build(),
        ));
        self.fails(&[StatusCode::UNPROCESSABLE_ENTITY])
    }

    /// A file as the body, in any of the media types the route accepts.
    pub fn raw_body(mut self, description: &str) -> Self {
        let binary = || {
            ContentBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .content_media_type("application/octet-stream"),
                ))
                .build()
        };
        let mut body = RequestBodyBuilder::new()
            .required(Some(Required::True))
            .description(Some(description));
        for media in [
            "application/pdf",
            "image/jpeg",
            "image/png",
            "application/ofd",
            "application/octet-stream",
        ] {
            body = body.content(media, binary());
        }
        self.b = self.b.request_body(Some(body.build()));
        self.fails(&[StatusCode::UNPROCESSABLE_ENTITY])
    }

    /// A signed-in route (`Authed`).
    pub fn bearer(mut self) -> Self {
        self.auth = Auth::Required;
        self.fails(&[StatusCode::UNAUTHORIZED])
    }

    /// A route that reads a bearer token when there is one and does not need it.
    pub fn bearer_optional(mut self) -> Self {
        self.auth = Auth::Optional;
        self
    }

    pub fn ok(mut self, status: StatusCode, description: &str, schema: RefOr<Schema>) -> Self {
        self.success.push((
            status,
            description.into(),
            Some(("application/json", schema)),
        ));
        self
    }

    /// A plain-text answer (a signed note, a key).
    pub fn text(mut self, status: StatusCode, description: &str) -> Self {
        let schema = ObjectBuilder::new().schema_type(Type::String).into();
        self.success
            .push((status, description.into(), Some(("text/plain", schema))));
        self
    }

    pub fn empty(mut self, status: StatusCode, description: &str) -> Self {
        self.success.push((status, description.into(), None));
        self
    }

    pub fn fails(mut self, statuses: &[StatusCode]) -> Self {
        self.problems.extend_from_slice(statuses);
        self
    }

    /// The operation as served: `idempotent` when the Idempotency-Key
    /// middleware applies to its method.
    pub fn build(mut self, idempotent: bool) -> Operation {
        if idempotent {
            self.b = self.b.parameter(
                ParameterBuilder::new()
                    .name("Idempotency-Key")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .pattern(Some("^[!-~]{1,255}$")),
                    ))
                    .description(Some(
                        "Makes a retry safe: the first answer to this key is recorded and \
                         replayed (with `Idempotent-Replayed: true`) to a retry of the same \
                         method and path. 409 while the first request still runs; 422 when \
                         the key is malformed or was used for another request. Keys are per \
                         caller; a 5xx answer is not recorded.",
                    )),
            );
            self.problems
                .extend([StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY]);
        }
        for (status, description, schema) in self.success {
            let mut r = ResponseBuilder::new().description(description);
            if let Some((media, schema)) = schema {
                r = r.content(media, ContentBuilder::new().schema(Some(schema)).build());
            }
            if idempotent {
                r = r.header(
                    "Idempotent-Replayed",
                    HeaderBuilder::new()
                        .schema(super::schema::strings(["true"]))
                        .description(Some("present when this is a recorded answer replayed"))
                        .build(),
                );
            }
            self.b = self.b.response(status.as_str(), r.build());
        }
        self.problems.sort();
        self.problems.dedup();
        for status in self.problems {
            self.b = self.b.response(status.as_str(), problem::response(status));
        }
        match self.auth {
            Auth::None => {}
            Auth::Required => {
                self.b = self
                    .b
                    .security(SecurityRequirement::new(BEARER, Vec::<String>::new()))
            }
            Auth::Optional => {
                self.b = self
                    .b
                    .security(SecurityRequirement::default())
                    .security(SecurityRequirement::new(BEARER, Vec::<String>::new()))
            }
        }
        self.b.build()
    }
}
