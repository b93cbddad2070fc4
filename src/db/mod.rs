//! Database access: pool, schema and repositories, on SQLite (embedded default) or PostgreSQL.
//!
//! Both backends run the same diesel queries: [`with_conn!`] expands a query body once per
//! concrete connection type, so every query is type-checked against both dialects.

pub mod models;
pub mod schema;

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{resource} {id} not found")]
    NotFound { resource: &'static str, id: String },
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    #[error("database: {0}")]
    Query(DieselError),
    #[error("database connection: {0}")]
    Connection(String),
    #[error("migrations: {0}")]
    Migration(String),
}

impl DbError {
    pub fn not_found(resource: &'static str, id: impl ToString) -> Self {
        DbError::NotFound {
            resource,
            id: id.to_string(),
        }
    }
}

impl From<DieselError> for DbError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                DbError::Conflict {
                    field: None,
                    message: format!("already exists: {}", info.message()),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                DbError::Conflict {
                    field: None,
                    message: format!(
                        "refers to something that does not exist: {}",
                        info.message()
                    ),
                }
            }
            other => DbError::Query(other),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// A pool for one of the two backends, chosen by the URL scheme.
#[derive(Clone)]
pub enum DbPool {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

/// A pooled connection of either backend.
pub enum Conn {
    Sqlite(PooledConnection<ConnectionManager<SqliteConnection>>),
    Pg(PooledConnection<ConnectionManager<PgConnection>>),
}

/// Runs `$body` with `$c` bound to the concrete connection (`&mut SqliteConnection` or
/// `&mut PgConnection`).
#[macro_export]
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite(pooled) => {
                let $c: &mut ::diesel::sqlite::SqliteConnection = &mut *pooled;
                $body
            }
            $crate::db::Conn::Pg(pooled) => {
                let $c: &mut ::diesel::pg::PgConnection = &mut *pooled;
                $body
            }
        }
    };
}

/// SQLite pragmas per connection: enforce foreign keys, wait for locks instead of failing,
/// and use WAL so readers do not block the writer.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The file path of a `sqlite://PATH` (or plain path) URL.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

impl DbPool {
    /// Opens a pool: `postgres://` or `postgresql://` URLs go to PostgreSQL, anything else is
    /// a SQLite file (its folder is created).
    pub fn connect(url: &str, size: u32) -> DbResult<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let manager = ConnectionManager::<PgConnection>::new(url);
            let pool = Pool::builder()
                .max_size(size.max(1))
                .connection_timeout(Duration::from_secs(10))
                .build(manager)
                .map_err(|e| DbError::Connection(e.to_string()))?;
            Ok(DbPool::Pg(pool))
        } else {
            let path = sqlite_path(url);
            if let Some(parent) = Path::new(path).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| DbError::Connection(format!("{}: {e}", parent.display())))?;
                }
            }
            let manager = ConnectionManager::<SqliteConnection>::new(path);
            let pool = Pool::builder()
                .max_size(size.max(1))
                .connection_timeout(Duration::from_secs(10))
                .connection_customizer(Box::new(SqlitePragmas))
                .build(manager)
                .map_err(|e| DbError::Connection(e.to_string()))?;
            Ok(DbPool::Sqlite(pool))
        }
    }

    pub fn get(&self) -> DbResult<Conn> {
        match self {
            DbPool::Sqlite(p) => p.get().map(Conn::Sqlite),
            DbPool::Pg(p) => p.get().map(Conn::Pg),
        }
        .map_err(|e| DbError::Connection(e.to_string()))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DbPool::Sqlite(_) => "sqlite",
            DbPool::Pg(_) => "postgres",
        }
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> DbResult<usize> {
        let mut conn = self.get()?;
        let applied = match &mut conn {
            Conn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            Conn::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len()),
        };
        applied.map_err(|e| DbError::Migration(e.to_string()))
    }
}

impl Conn {
    /// Runs `f` in one transaction on this connection: committed when it returns `Ok`, rolled
    /// back otherwise. Transactions opened inside (by the use cases) become savepoints, so a
    /// caller can make several use cases all-or-nothing (a CSV import stores all rows or none).
    /// SQLite starts with `BEGIN IMMEDIATE` so that two writers queue instead of failing.
    pub fn transaction<T, E>(&mut self, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DieselError>,
    {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        match self {
            Conn::Sqlite(c) => {
                let outermost = AnsiTransactionManager::transaction_manager_status_mut(&mut **c)
                    .transaction_depth()?
                    .is_none();
                if outermost {
                    AnsiTransactionManager::begin_transaction_sql(&mut **c, "BEGIN IMMEDIATE")?
                } else {
                    AnsiTransactionManager::begin_transaction(&mut **c)?
                }
            }
            Conn::Pg(c) => AnsiTransactionManager::begin_transaction(&mut **c)?,
        }
        let outcome = f(self);
        match outcome {
            Ok(value) => {
                with_conn!(self, |c| AnsiTransactionManager::commit_transaction(c))?;
                Ok(value)
            }
            Err(error) => {
                // The caller's error is what matters; a failed rollback closes the connection.
                let _ = with_conn!(self, |c| AnsiTransactionManager::rollback_transaction(c));
                Err(error)
            }
        }
    }
}

/// A trivial query: the database answers.
pub fn ping(conn: &mut Conn) -> DbResult<()> {
    use diesel::RunQueryDsl;
    with_conn!(conn, |c| diesel::sql_query("SELECT 1").execute(c))?;
    Ok(())
}

/// Named critical sections that must hold across server processes, for checks a unique
/// index cannot express ("is this the first organiser?").
#[derive(Debug, Clone, Copy)]
#[repr(i64)]
pub enum Section {
    FirstOrganiser = 1,
}

/// Serialises the current transaction with every other one that takes `section`, until it
/// ends. On PostgreSQL a transaction-scoped advisory lock; SQLite's `BEGIN IMMEDIATE`
/// already serialises every writing transaction, so there it is nothing more.
pub fn lock_section(conn: &mut Conn, section: Section) -> DbResult<()> {
    use diesel::RunQueryDsl;
    if let Conn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(section as i64)
            .execute(&mut **c)?;
    }
    Ok(())
}
