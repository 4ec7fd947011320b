//! The vocabulary the API's schemas are written in.
//!
//! Schemas are written by hand against the real types rather than derived
//! with `ToSchema`, because most bodies are domain types and the domain crate
//! stays free of OpenAPI. Three things keep a hand-written schema honest:
//! [`mirror!`] names every field of the Rust type and fails to compile when a
//! field is added, removed or renamed; [`serialized`] takes enum values from
//! serde itself, so they are the strings actually sent; and response objects
//! are closed (`additionalProperties: false`), so the API tests, which
//! validate real responses against this document, fail on any field the
//! document does not describe.

use serde::Serialize;
use utoipa::openapi::schema::{
    AdditionalProperties, AllOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder,
    Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{Ref, RefOr};

/// An object schema with one property per field of a struct. The closure is
/// never called: its exhaustive pattern is what makes a new or renamed field a
/// compile error here. `required` are the fields serde always writes (an
/// `Option` without `skip_serializing_if` is written as `null`); `optional`
/// those it leaves out when empty; `flatten` those whose properties serde
/// inlines, given as the inlined object's builder.
macro_rules! mirror {
    (
        $ty:ident {
            $($req:ident: $rs:expr),* $(,)?
        }
        $(optional { $($opt:ident: $os:expr),* $(,)? })?
        $(flatten { $($flat:ident: $fs:expr),* $(,)? })?
    ) => {{
        let _ = |v: &$ty| {
            let $ty { $($req: _,)* $($($opt: _,)*)? $($($flat: _,)*)? } = v;
        };
        #[allow(unused_mut)]
        let mut b = utoipa::openapi::schema::ObjectBuilder::new();
        $($(
            let inlined = utoipa::openapi::schema::ObjectBuilder::build($fs);
            for (name, schema) in inlined.properties {
                b = b.property(name, schema);
            }
            for name in inlined.required {
                b = b.required(name);
            }
        )*)?
        $(b = b.property(stringify!($req), $rs).required(stringify!($req));)*
        $($(b = b.property(stringify!($opt), $os);)*)?
        b
    }};
}
pub(crate) use mirror;

/// Every variant of a field-less enum that has no list of its own; the match
/// makes a new variant a compile error here.
macro_rules! every {
    ($ty:ident { $($v:ident),* $(,)? }) => {{
        let _ = |v: $ty| match v {
            $($ty::$v => ()),*
        };
        [$($ty::$v),*]
    }};
}
pub(crate) use every;

/// A response object: a field the document does not name is an error.
pub fn closed(b: ObjectBuilder) -> RefOr<Schema> {
    b.additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
        .into()
}

/// A request object: serde ignores fields it does not know, and so does the
/// document.
pub fn open(b: ObjectBuilder) -> RefOr<Schema> {
    b.into()
}

/// A string enum whose values are what serde writes for each variant.
pub fn serialized<T: Serialize>(variants: impl IntoIterator<Item = T>) -> RefOr<Schema> {
    strings(variants.into_iter().map(|v| match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("an enum documented as strings serialized as {other:?}"),
    }))
}

/// A string that is one of `values`.
pub fn strings<S: Into<String>>(values: impl IntoIterator<Item = S>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            values.into_iter().map(Into::into).collect::<Vec<String>>(),
        ))
        .into()
}

pub fn r(name: &str) -> RefOr<Schema> {
    Ref::from_schema_name(name).into()
}

pub fn string() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).into()
}

pub fn described(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .into()
}

pub fn pattern(regex: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(regex))
        .examples([example])
        .into()
}

pub fn integer() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .into()
}

/// An unsigned integer of at most `max` (a `u8` or `u16` field).
pub fn natural(max: u32) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(max))
        .into()
}

pub fn number() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
        .into()
}

pub fn boolean() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::Boolean).into()
}

/// `YYYY-MM-DD`, as chrono writes a `NaiveDate`.
pub fn date() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .into()
}

pub fn date_time() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .into()
}

pub fn array(items: RefOr<Schema>) -> RefOr<Schema> {
    ArrayBuilder::new().items(items).into()
}

/// A `BTreeSet`: serde writes it as an array without repeats.
pub fn set(items: RefOr<Schema>) -> RefOr<Schema> {
    ArrayBuilder::new().items(items).unique_items(true).into()
}

/// A map serialized as a JSON object, keys described by `keys`.
pub fn map(keys: RefOr<Schema>, values: RefOr<Schema>) -> RefOr<Schema> {
    // utoipa types `propertyNames` as an inline schema; a reference goes
    // through a one-item `allOf`.
    let keys = match keys {
        RefOr::T(schema) => schema,
        reference => AllOfBuilder::new().item(reference).build().into(),
    };
    ObjectBuilder::new()
        .property_names(Some(keys))
        .additional_properties(Some(values))
        .into()
}

/// An `Option` serde writes as `null`: a plain type gains `null` among its
/// types; anything else becomes one of itself or `null`.
pub fn nullable(schema: RefOr<Schema>) -> RefOr<Schema> {
    match schema {
        RefOr::T(Schema::Object(mut o)) if o.enum_values.is_none() => {
            if let SchemaType::Type(t) = o.schema_type {
                o.schema_type = SchemaType::Array(vec![t, Type::Null]);
                return o.into();
            }
            one_of([RefOr::T(Schema::Object(o)), null()])
        }
        other => one_of([other, null()]),
    }
}

pub fn one_of(schemas: impl IntoIterator<Item = RefOr<Schema>>) -> RefOr<Schema> {
    schemas
        .into_iter()
        .fold(OneOfBuilder::new(), OneOfBuilder::item)
        .into()
}

fn null() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::Null).into()
}
