//! From a store URL to an object store: `memory:`, `file:///abs/path` or a
//! plain path, and `s3://bucket[/prefix]?endpoint=…&region=…`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::prefix::PrefixStore;

use crate::BlobError;

/// Where the blobs live, as the URL said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    Memory,
    Folder(PathBuf),
    S3 {
        bucket: String,
        prefix: String,
        endpoint: Option<String>,
        region: Option<String>,
    },
}

impl Location {
    pub(crate) fn parse(url: &str) -> Result<Self, BlobError> {
        let bad = |reason: String| BlobError::Config {
            url: url.to_string(),
            reason,
        };
        if url.trim().is_empty() {
            return Err(bad(
                "empty; give a folder, file:///ABS/PATH, s3://BUCKET?endpoint=…&region=… or memory:"
                    .into(),
            ));
        }
        let parsed = match url::Url::parse(url) {
            // A plain path, absolute or relative to the working directory.
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                return Ok(Self::Folder(PathBuf::from(url)));
            }
            Err(e) => return Err(bad(e.to_string())),
            Ok(u) => u,
        };
        match parsed.scheme() {
            "memory" => Ok(Self::Memory),
            "file" => {
                if parsed
                    .host_str()
                    .is_some_and(|h| !h.is_empty() && h != "localhost")
                {
                    return Err(bad(format!(
                        "a file URL names a folder on this machine (file:///ABS/PATH), not on host {:?}",
                        parsed.host_str().unwrap_or_default()
                    )));
                }
                if parsed.query().is_some() {
                    return Err(bad("a file URL takes no query parameters".into()));
                }
                let path = parsed
                    .to_file_path()
                    .map_err(|()| bad("not a folder path".into()))?;
                Ok(Self::Folder(path))
            }
            "s3" => {
                let bucket = parsed
                    .host_str()
                    .filter(|b| !b.is_empty())
                    .ok_or_else(|| bad("name the bucket: s3://BUCKET?endpoint=…".into()))?
                    .to_string();
                let prefix = parsed.path().trim_matches('/').to_string();
                let (mut endpoint, mut region) = (None, None);
                for (k, v) in parsed.query_pairs() {
                    match &*k {
                        "endpoint" => {
                            let e = url::Url::parse(&v).map_err(|e| {
                                bad(format!(
                                    "endpoint {v:?} is not a URL ({e}); write http://HOST:PORT"
                                ))
                            })?;
                            if !matches!(e.scheme(), "http" | "https") {
                                return Err(bad(format!(
                                    "endpoint {v:?}: write http://HOST:PORT or https://HOST"
                                )));
                            }
                            endpoint = Some(v.trim_end_matches('/').to_string());
                        }
                        "region" => region = Some(v.into_owned()),
                        other => {
                            return Err(bad(format!(
                                "unknown parameter {other:?}; an s3 URL takes endpoint and region"
                            )));
                        }
                    }
                }
                Ok(Self::S3 {
                    bucket,
                    prefix,
                    endpoint,
                    region,
                })
            }
            other => Err(bad(format!(
                "unknown scheme {other:?}; use a folder, file:///ABS/PATH, s3://BUCKET or memory:"
            ))),
        }
    }

    /// Opens the store. A folder is created when missing; an S3 bucket must
    /// already exist (creating buckets is the operator's business).
    pub(crate) fn open(&self, url: &str) -> Result<Arc<dyn ObjectStore>, BlobError> {
        let bad = |reason: String| BlobError::Config {
            url: url.to_string(),
            reason,
        };
        Ok(match self {
            Self::Memory => Arc::new(InMemory::new()),
            Self::Folder(path) => {
                std::fs::create_dir_all(path)
                    .map_err(|e| bad(format!("creating {}: {e}", path.display())))?;
                // Uploaded materials are evidence in a case: a put that
                // returned must survive a power cut, so sync file and folder.
                Arc::new(LocalFileSystem::new_with_prefix(path)?.with_fsync(true))
            }
            Self::S3 {
                bucket,
                prefix,
                endpoint,
                region,
            } => {
                // Credentials (and anything the URL does not say) come from
                // the usual AWS_* variables.
                let mut b = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(e) = endpoint {
                    // Path-style (`endpoint/bucket/key`): what local
                    // S3-compatible servers (MinIO, Ceph, moto) answer to.
                    b = b
                        .with_endpoint(e)
                        .with_virtual_hosted_style_request(false)
                        .with_allow_http(e.starts_with("http://"));
                }
                if let Some(r) = region {
                    b = b.with_region(r);
                }
                let s3 = b.build()?;
                if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix.as_str()))
                }
            }
        })
    }
}

/// The folder of a `Folder` location, for messages.
pub(crate) fn display_folder(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(bucket: &str, prefix: &str, endpoint: Option<&str>, region: Option<&str>) -> Location {
        Location::S3 {
            bucket: bucket.into(),
            prefix: prefix.into(),
            endpoint: endpoint.map(Into::into),
            region: region.map(Into::into),
        }
    }

    #[test]
    fn urls_name_their_back_end() {
        for (url, want) in [
            ("memory:", Location::Memory),
            ("bianli-blobs", Location::Folder("bianli-blobs".into())),
            (
                "/var/lib/bianli/blobs",
                Location::Folder("/var/lib/bianli/blobs".into()),
            ),
            (
                "file:///var/lib/bianli/blobs",
                Location::Folder("/var/lib/bianli/blobs".into()),
            ),
            ("file://localhost/srv/b", Location::Folder("/srv/b".into())),
            ("s3://materials", s3("materials", "", None, None)),
            (
                "s3://materials/hunan/prod/?endpoint=http://127.0.0.1:9000/&region=cn-central-1",
                s3(
                    "materials",
                    "hunan/prod",
                    Some("http://127.0.0.1:9000"),
                    Some("cn-central-1"),
                ),
            ),
        ] {
            assert_eq!(Location::parse(url).ok(), Some(want), "{url}");
        }
    }

    #[test]
    fn a_bad_url_says_what_to_write() {
        for (url, says) in [
            ("", "give a folder"),
            ("ftp://host/x", "unknown scheme \"ftp\""),
            ("file://server/share", "not on host \"server\""),
            ("file:///srv/b?x=1", "no query parameters"),
            ("s3://", "name the bucket"),
            ("s3://b?endpoint=localhost:9000", "http://HOST:PORT"),
            ("s3://b?endpoint=not a url", "not a URL"),
            ("s3://b?bucket=x", "unknown parameter \"bucket\""),
        ] {
            match Location::parse(url) {
                Err(BlobError::Config { reason, .. }) => {
                    assert!(reason.contains(says), "{url}: {reason}")
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }
}
