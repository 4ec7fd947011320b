//! Material files: uploaded one at a time into the blob store, then named
//! by their id in the application, which checks them again from the store
//! (a client cannot claim another size or type than the bytes have).

use bianli_blob::BlobId;
use bianli_domain::Invalid;
use bianli_domain::cases::FileRef;
use bianli_domain::cases::upload::{FileUpload, check_file, check_materials};

use super::submit::MaterialInput;
use crate::{Actor, App, Result};

impl App {
    /// Stores one checked file and says how to cite it in an application.
    pub async fn upload(
        &self,
        _actor: &Actor,
        name: &str,
        declared_type: Option<&str>,
        content: bytes::Bytes,
    ) -> Result<FileRef> {
        let checked = check_file(&FileUpload {
            name,
            declared_type,
            content: &content,
        })
        .map_err(|e| e.relabel("body"))?;
        let id = self.blobs.put(content).await?;
        Ok(FileRef {
            blob: id.to_string(),
            name: checked.name.as_str().to_string(),
            size: checked.size,
            media_type: checked.kind.media_type().to_string(),
        })
    }

    /// Reads each cited file back from the store and checks the lot as one
    /// submission: counts per material, the case's total, each file's type.
    pub(crate) async fn resolve_files(
        &self,
        materials: &[MaterialInput],
    ) -> Result<Vec<Vec<FileRef>>> {
        let mut inv = Invalid::default();
        let mut contents = Vec::with_capacity(materials.len());
        for (i, m) in materials.iter().enumerate() {
            let mut files = Vec::with_capacity(m.files.len());
            for (j, f) in m.files.iter().enumerate() {
                let field = format!("materials[{i}].files[{j}].blob");
                let content = match BlobId::parse(&f.blob) {
                    Err(e) => {
                        inv.push(field, e.to_string());
                        None
                    }
                    Ok(id) => match self.blobs.get(&id).await? {
                        Some(c) => Some(c),
                        None => {
                            inv.push(field, "没有找到以此编号上传的文件");
                            None
                        }
                    },
                };
                files.push((f.name.clone(), content.unwrap_or_default()));
            }
            contents.push(files);
        }
        inv.into_result(|| ())?;
        let uploads: Vec<Vec<FileUpload<'_>>> = contents
            .iter()
            .map(|files| {
                files
                    .iter()
                    .map(|(name, content)| FileUpload {
                        name,
                        declared_type: None,
                        content,
                    })
                    .collect()
            })
            .collect();
        let checked = check_materials(&uploads, 0)?;
        Ok(checked
            .into_iter()
            .zip(&contents)
            .map(|(files, raw)| {
                files
                    .into_iter()
                    .zip(raw)
                    .map(|(c, (_, content))| FileRef {
                        blob: BlobId::of(content).to_string(),
                        name: c.name.as_str().to_string(),
                        size: c.size,
                        media_type: c.kind.media_type().to_string(),
                    })
                    .collect()
            })
            .collect())
    }
}
