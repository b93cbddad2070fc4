//! Test harness: a real server on a free loopback port over a fresh database, SQLite file
//! or PostgreSQL database, and a small JSON client.

use std::net::TcpListener;

use diesel::{Connection, RunQueryDsl};
use matchtour::config::Settings;
use matchtour::db::DbPool;
use matchtour::http::{server, AppState};
use reqwest::StatusCode;
use serde_json::Value;

pub const PG_ENV: &str = "MATCHTOUR_TEST_POSTGRES_URL";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    _backend: Backend,
}

enum Backend {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Backend::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = diesel::pg::PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

fn settings(url: &str) -> Settings {
    let mut settings = Settings::load_from(None).expect("default settings load");
    settings.database.url = url.to_string();
    settings.database.pool_size = 4;
    settings.mail.transport = matchtour::config::MailTransportKind::Memory;
    settings
}

/// A URL for database `name` on the server of `admin_url` (same credentials, other path).
fn database_url(admin_url: &str, name: &str) -> String {
    let (without_query, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(a, q)| (a, Some(q)));
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    let base = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl TestApp {
    async fn start(url: String, backend: Backend) -> TestApp {
        let settings = settings(&url);
        let pool = DbPool::connect(&url, settings.database.pool_size).expect("database opens");
        pool.migrate().expect("migrations apply");
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let srv = server(
            AppState {
                pool: pool.clone(),
                settings,
            },
            listener,
        )
        .expect("server starts");
        actix_web::rt::spawn(srv);
        TestApp {
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            pool: pool.clone(),
            _backend: backend,
        }
    }

    /// A server over a new SQLite file in a temporary folder.
    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!(
            "sqlite://{}",
            dir.path().join("matchtour.sqlite3").display()
        );
        Self::start(url, Backend::Sqlite(dir)).await
    }

    /// A server over a new PostgreSQL database, or `None` (said loudly) when no server is configured.
    pub async fn postgres(test: &str) -> Option<TestApp> {
        let Ok(admin_url) = std::env::var(PG_ENV) else {
            eprintln!("SKIPPED {test} on PostgreSQL: set {PG_ENV} (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it");
            return None;
        };
        let name = format!("matchtour_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin =
            diesel::pg::PgConnection::establish(&admin_url).expect("PostgreSQL admin connection");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create test database");
        let url = database_url(&admin_url, &name);
        Some(Self::start(url, Backend::Postgres { admin_url, name }).await)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent");
        read(response).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent");
        read(response).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent");
        read(response).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent");
        read(response).await
    }

    pub async fn delete(&self, path: &str) -> StatusCode {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("request sent")
            .status()
    }

    /// POSTs and insists on 201, returning the body.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let (status, json) = self.post(path, &body).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path} {body} -> {json}");
        json
    }
}

async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body read");
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, json)
}

/// Runs an async scenario `fn(TestApp)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::support::TestApp::sqlite().await).await;
            }

            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = $crate::support::TestApp::postgres(stringify!($name)).await {
                    super::$name(app).await;
                }
            }
        }
    };
}

#[test]
fn database_urls_keep_credentials_and_query() {
    assert_eq!(
        database_url("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        database_url("postgres://u:p@h/db?sslmode=disable", "y"),
        "postgres://u:p@h/y?sslmode=disable"
    );
    assert_eq!(database_url("postgres://h", "z"), "postgres://h/z");
}
