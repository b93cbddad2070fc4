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
    /// Sends the organiser's API token with every request.
    pub client: reqwest::Client,
    /// Sends no credentials.
    pub anonymous: reqwest::Client,
    /// The API token of the organiser the tests act as.
    pub token: String,
    pub database_url: String,
    pub pool: DbPool,
    _backend: Backend,
}

/// Who sends a request in [`TestApp::send`].
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    /// An organiser's API token.
    Bearer(String),
    /// A participant's link token.
    Participant(String),
    /// A cookie (`name=value`), with the CSRF header when given.
    Cookie {
        cookie: String,
        csrf: Option<String>,
    },
}

pub const PASSWORD: &str = "correct horse battery staple";

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
        let srv = server(AppState::new(pool.clone(), settings), listener).expect("server starts");
        actix_web::rt::spawn(srv);
        let base = format!("http://127.0.0.1:{port}");
        let anonymous = reqwest::Client::new();
        let token = sign_up_with_token(&anonymous, &base, "organiser@matchtour.test", None).await;
        TestApp {
            client: bearer_client(&token),
            anonymous,
            token,
            base,
            database_url: url,
            pool: pool.clone(),
            _backend: backend,
        }
    }

    /// Another organiser account (added by the first one); returns its API token.
    pub async fn other_organiser(&self, email: &str) -> String {
        sign_up_with_token(&self.anonymous, &self.base, email, Some(&self.token)).await
    }

    /// Issues a personal link for a participant and returns its token.
    pub async fn participant_token(&self, event_id: i64, participant_id: i64) -> String {
        let (status, body) = self
            .post(
                &format!("/api/v1/events/{event_id}/participants/{participant_id}/link"),
                &Value::Null,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "link: {body}");
        let url = body["url"].as_str().expect("a link URL");
        url.rsplit('/').next().expect("a token").to_string()
    }

    /// Any request as any caller; the body is sent as JSON when given.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        caller: &Caller,
        body: Option<&Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut request = self.anonymous.request(method, self.url(path));
        request = match caller {
            Caller::Anonymous => request,
            Caller::Bearer(token) => request.header("authorization", format!("Bearer {token}")),
            Caller::Participant(token) => {
                request.header("authorization", format!("Participant {token}"))
            }
            Caller::Cookie { cookie, csrf } => {
                let request = request.header("cookie", cookie);
                match csrf {
                    Some(csrf) => request.header("x-csrf-token", csrf),
                    None => request,
                }
            }
        };
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request sent");
        let headers = response.headers().clone();
        let (status, json) = read(response).await;
        (status, headers, json)
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
        let database = postgres_database(test)?;
        Some(Self::start(database.url, database.backend).await)
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

fn bearer_client(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "authorization",
        format!("Bearer {token}").parse().expect("a header value"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("HTTP client")
}

/// The `name=value` of cookie `name` among a response's Set-Cookie headers.
/// A new, empty PostgreSQL database, dropped with this value.
pub struct PgDatabase {
    pub url: String,
    backend: Backend,
}

/// A new database on the server of [`PG_ENV`], or `None` (said loudly) when it is unset.
pub fn postgres_database(test: &str) -> Option<PgDatabase> {
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
    Some(PgDatabase {
        url: database_url(&admin_url, &name),
        backend: Backend::Postgres { admin_url, name },
    })
}

pub fn cookie_named(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// Signs up (as `inviter` when given), logs in with the cookie, and creates an API token
/// through the cookie session and its CSRF token: the browser path a script owner takes.
async fn sign_up_with_token(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    inviter: Option<&str>,
) -> String {
    let mut signup = client
        .post(format!("{base}/api/v1/auth/signup"))
        .json(&serde_json::json!({"email": email, "name": "Organiser", "password": PASSWORD}));
    if let Some(token) = inviter {
        signup = signup.header("authorization", format!("Bearer {token}"));
    }
    let (status, organiser) = read(signup.send().await.expect("signup sent")).await;
    assert_eq!(status, StatusCode::CREATED, "signup: {organiser}");
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("login sent");
    let session = cookie_named(login.headers(), "matchtour_session").expect("session cookie");
    let (status, body) = read(login).await;
    assert_eq!(status, StatusCode::OK, "login: {body}");
    let csrf = body["csrf_token"]
        .as_str()
        .expect("a CSRF token")
        .to_string();
    let made = client
        .post(format!("{base}/api/v1/auth/tokens"))
        .header("cookie", session)
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({"name": "tests"}))
        .send()
        .await
        .expect("token request sent");
    let (status, body) = read(made).await;
    assert_eq!(status, StatusCode::CREATED, "token: {body}");
    assert!(organiser["id"].is_i64(), "{organiser}");
    body["token"].as_str().expect("a token").to_string()
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
