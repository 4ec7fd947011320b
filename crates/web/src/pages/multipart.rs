//! A `multipart/form-data` body as the apply wizard posts it: text fields as
//! plain pairs, and each chosen file with the material its input belongs
//! to (`m{i}`). A file input left empty sends an unnamed, empty part, which
//! is no file at all.

use axum::extract::Multipart;
use bianli_app::AppError;
use bianli_domain::Invalid;
use bianli_domain::cases::upload::MAX_CASE_BYTES;

pub struct PostedFile {
    /// The input's name, as sent.
    pub field: String,
    /// The material index the input's name gives, if it gives one.
    pub material: Option<usize>,
    pub name: String,
    pub content_type: Option<String>,
    pub content: axum::body::Bytes,
}

#[derive(Default)]
pub struct Posted {
    pub fields: Vec<(String, String)>,
    pub files: Vec<PostedFile>,
}

/// Text fields are a phone number, an address, a note: far below this.
const MAX_TEXT_BYTES: usize = 64 * 1024;

fn unreadable(e: impl std::fmt::Display) -> AppError {
    Invalid::one(
        "materials",
        format!(
            "the form could not be read ({e}); the files together may be at most {} MiB",
            MAX_CASE_BYTES >> 20
        ),
    )
    .into()
}

pub async fn read_multipart(mut m: Multipart) -> Result<Posted, AppError> {
    let mut out = Posted::default();
    while let Some(part) = m.next_field().await.map_err(unreadable)? {
        let field = part.name().unwrap_or_default().to_string();
        match part.file_name().map(str::to_string) {
            Some(name) => {
                let content_type = part.content_type().map(str::to_string);
                let content = part.bytes().await.map_err(unreadable)?;
                if name.is_empty() && content.is_empty() {
                    continue;
                }
                out.files.push(PostedFile {
                    material: field.strip_prefix('m').and_then(|n| n.parse().ok()),
                    field,
                    name,
                    content_type,
                    content,
                });
            }
            None => {
                let text = part.bytes().await.map_err(unreadable)?;
                if text.len() > MAX_TEXT_BYTES {
                    return Err(Invalid::one(
                        field,
                        format!("at most {} KiB", MAX_TEXT_BYTES >> 10),
                    )
                    .into());
                }
                let text = String::from_utf8(text.to_vec())
                    .map_err(|_| Invalid::one(field.clone(), "not UTF-8 text"))?;
                out.fields.push((field, text));
            }
        }
    }
    Ok(out)
}
