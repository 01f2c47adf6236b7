//! SQLite is the one-process backend: a lock file keeps a second process away.
use super::*;

/// Held by the one process that serves a SQLite database (an exclusive lock on `<file>.lock`,
/// released by the kernel when the process ends, however it ends). SQLite is the one-process
/// backend: leases keep replicas apart only on PostgreSQL.
pub struct SqliteLock {
    _file: std::fs::File,
}

impl SqliteLock {
    /// Takes the lock for a SQLite `DATABASE_URL` (nothing to take for PostgreSQL); an error
    /// naming the file when another process holds it.
    pub fn take(settings: &DatabaseSettings) -> AppResult<Option<SqliteLock>> {
        let url = settings.url.expose_secret();
        if DatabaseBackend::from_url(url)? != DatabaseBackend::Sqlite {
            return Ok(None);
        }
        let database = sqlite_path(url);
        check_sqlite_file(database)?;
        let path = format!("{database}.lock");
        if let Some(parent) = std::path::Path::new(&path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| AppError::io(format!("creating {}", parent.display()), e))?;
            }
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| AppError::io(format!("opening {path}"), e))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SqliteLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Err(AppError::config(
                "DATABASE_URL",
                format!(
                    "another process already serves the SQLite database {database}; SQLite is \
                     the one-process backend: stop that process, or use PostgreSQL to run replicas"
                ),
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(AppError::io(format!("locking {path}"), e)),
        }
    }
}

/// `sqlite://data/x.db` → `data/x.db`.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}
