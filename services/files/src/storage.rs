//! Where the bytes live. Handlers see only [`Storage`]; [`LocalDisk`] keeps blobs on the
//! files volume, content-addressed by SHA-256, and lets nginx send them (X-Accel-Redirect).
//! An S3-compatible backend would implement the same trait (staging stays on local disk: an
//! upload is hashed and sniffed there before it is kept).
//!
//! The methods block (file system calls): call them from `spawn_blocking` or a Diesel closure.

use std::{
    fs, io,
    os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

/// Blobs are readable by the owner and the group (nginx runs in the group in compose), never
/// by others; directories likewise.
const FILE_MODE: u32 = 0o640;
const DIR_MODE: u32 = 0o750;

/// What is stored: an uploaded file's bytes, or the thumbnail made from them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BlobKey {
    Original(String),
    Thumbnail(String),
}

impl BlobKey {
    pub fn sha256(&self) -> &str {
        match self {
            BlobKey::Original(h) | BlobKey::Thumbnail(h) => h,
        }
    }

    /// `sha256/ab/cd/<hash>` or `thumbnails/ab/cd/<hash>.jpg`, relative to the storage root.
    fn relative(&self) -> String {
        let h = self.sha256();
        let (a, b) = (&h[..2], &h[2..4]);
        match self {
            BlobKey::Original(_) => format!("sha256/{a}/{b}/{h}"),
            BlobKey::Thumbnail(_) => format!("thumbnails/{a}/{b}/{h}.jpg"),
        }
    }
}

/// A SHA-256 in lower-case hex: the only names that reach a path.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The bytes were new.
    New,
    /// The same bytes were already kept: the staged copy was dropped.
    AlreadyThere,
}

pub trait Storage: Send + Sync + 'static {
    /// Where uploads are written while they arrive.
    fn staging_dir(&self) -> &Path;
    /// Keeps the staged file under `key`, unless the same bytes are already kept.
    fn put(&self, key: &BlobKey, staged: &Path) -> io::Result<Stored>;
    fn put_bytes(&self, key: &BlobKey, bytes: &[u8]) -> io::Result<()>;
    fn exists(&self, key: &BlobKey) -> io::Result<bool>;
    /// Deleting what is not there is not an error.
    fn delete(&self, key: &BlobKey) -> io::Result<()>;
    /// A local file holding the bytes, for thumbnails and text extraction.
    fn local_path(&self, key: &BlobKey) -> io::Result<PathBuf>;
    /// The internal URI nginx serves the bytes from.
    fn internal_uri(&self, key: &BlobKey) -> String;
    /// Kept blobs and thumbnails last written before `before`.
    fn list_older_than(&self, before: SystemTime) -> io::Result<Vec<BlobKey>>;
    /// Removes staged files last written before `before` (uploads that never finished);
    /// returns how many.
    fn sweep_staging(&self, before: SystemTime) -> io::Result<usize>;
}

/// Blobs in a directory of the files volume.
pub struct LocalDisk {
    root: PathBuf,
    staging: PathBuf,
}

impl LocalDisk {
    /// Creates the directories it needs.
    pub fn open(root: &Path) -> io::Result<Self> {
        let staging = root.join("tmp");
        for dir in [root.to_path_buf(), staging.clone(), root.join("sha256"), root.join("thumbnails")] {
            make_dirs(&dir)?;
        }
        Ok(Self { root: root.to_path_buf(), staging })
    }

    fn path(&self, key: &BlobKey) -> PathBuf {
        self.root.join(key.relative())
    }

    fn place(&self, key: &BlobKey) -> io::Result<PathBuf> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            make_dirs(parent)?;
        }
        Ok(path)
    }
}

fn make_dirs(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
}

impl Storage for LocalDisk {
    fn staging_dir(&self) -> &Path {
        &self.staging
    }

    fn put(&self, key: &BlobKey, staged: &Path) -> io::Result<Stored> {
        let target = self.place(key)?;
        if target.exists() {
            fs::remove_file(staged)?;
            return Ok(Stored::AlreadyThere);
        }
        fs::set_permissions(staged, fs::Permissions::from_mode(FILE_MODE))?;
        // Same file system (both under the root): the rename is atomic, so a reader never
        // sees half a blob.
        fs::rename(staged, &target)?;
        Ok(Stored::New)
    }

    fn put_bytes(&self, key: &BlobKey, bytes: &[u8]) -> io::Result<()> {
        let target = self.place(key)?;
        let staged = self.staging.join(format!("{}.part", uuid::Uuid::new_v4().simple()));
        let written = (|| {
            use std::io::Write;
            let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(FILE_MODE).open(&staged)?;
            f.write_all(bytes)?;
            f.sync_data()?;
            fs::rename(&staged, &target)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&staged);
        }
        written
    }

    fn exists(&self, key: &BlobKey) -> io::Result<bool> {
        self.path(key).try_exists()
    }

    fn delete(&self, key: &BlobKey) -> io::Result<()> {
        match fs::remove_file(self.path(key)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn local_path(&self, key: &BlobKey) -> io::Result<PathBuf> {
        let path = self.path(key);
        if !path.exists() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{} is missing", key.relative())));
        }
        Ok(path)
    }

    fn internal_uri(&self, key: &BlobKey) -> String {
        format!("/_protected_files/{}", key.relative())
    }

    fn list_older_than(&self, before: SystemTime) -> io::Result<Vec<BlobKey>> {
        let mut out = Vec::new();
        for (top, thumbnail) in [("sha256", false), ("thumbnails", true)] {
            walk(&self.root.join(top), 2, &mut |path| {
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return Ok(()) };
                let hash = if thumbnail { name.strip_suffix(".jpg").unwrap_or_default() } else { name };
                if !is_sha256(hash) || fs::metadata(path)?.modified()? >= before {
                    return Ok(());
                }
                let hash = hash.to_owned();
                out.push(if thumbnail { BlobKey::Thumbnail(hash) } else { BlobKey::Original(hash) });
                Ok(())
            })?;
        }
        Ok(out)
    }

    fn sweep_staging(&self, before: SystemTime) -> io::Result<usize> {
        let mut removed = 0;
        for entry in fs::read_dir(&self.staging)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_file() && meta.modified()? < before {
                match fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    }
}

/// Calls `f` on every file `depth` directory levels below `dir`.
fn walk(dir: &Path, depth: u32, f: &mut dyn FnMut(&Path) -> io::Result<()>) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        if depth == 0 && kind.is_file() {
            f(&entry.path())?;
        } else if depth > 0 && kind.is_dir() {
            walk(&entry.path(), depth - 1, f)?;
        }
    }
    Ok(())
}

/// An upload being written to the staging directory. Dropped before it was kept (the client
/// went away, the type was refused, the body was too large), it removes its file.
pub struct StagedFile {
    path: PathBuf,
}

impl StagedFile {
    pub async fn create(storage: &dyn Storage) -> io::Result<(Self, tokio::fs::File)> {
        let path = storage.staging_dir().join(format!("{}.part", uuid::Uuid::new_v4().simple()));
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).mode(FILE_MODE).open(&path).await?;
        Ok((Self { path }, file))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        // Once kept, the file was renamed away and this finds nothing.
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                tracing::warn!(path = %self.path.display(), error = %e, "cannot remove a staged upload");
            }
            _ => {}
        }
    }
}

/// A day: how old an unreferenced blob or an unfinished upload must be before it is swept,
/// so that nothing in flight is ever taken.
pub const ORPHAN_AGE: Duration = Duration::from_secs(24 * 3600);
