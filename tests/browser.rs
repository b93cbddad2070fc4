//! The pages in a real browser: Debian's chromium, driven over WebDriver (chromedriver)
//! with plain HTTP requests. The app runs on a free port over a temporary SQLite file.
//!
//! Without chromium and chromedriver these tests fail (run scripts/install-browser): a
//! browser test that silently passes without a browser proves nothing.
//!
//! Screenshots of the main pages are taken on every run; they are written to the folder
//! named by MATCHTOUR_SCREENSHOTS (the README's come from
//! `MATCHTOUR_SCREENSHOTS=docs/screenshots scripts/test`), else to a temporary folder, so a
//! test run leaves the work tree as it was.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Barrier};
use std::time::{Duration, Instant};

use base64::Engine;
use matchtour::config::{MailTransportKind, Settings};
use matchtour::db::DbPool;
use matchtour::http::{server, AppState};
use matchtour::mail::RenderedMail;
use matchtour::outbox::{Worker, WorkerConfig};
use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const WAIT: Duration = Duration::from_secs(20);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The path of a program on PATH, or a loud failure naming the fix.
fn program(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{name} is not installed: the browser tests need it (run scripts/install-browser)"
            )
        })
}

/// The app on a free port over a fresh SQLite file, served from its own thread.
struct App {
    base: String,
    /// The app's database and settings, for the outbox worker that sends the mail.
    pool: DbPool,
    settings: Settings,
    _dir: tempfile::TempDir,
}

fn start_app() -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("pages.sqlite3").display());
    let mut settings = Settings::load_from(None).expect("default settings");
    settings.database.url = url.clone();
    settings.database.pool_size = 4;
    settings.mail.transport = MailTransportKind::Memory;
    // A small event: the solver finds its optimum long before this.
    settings.solver.time_limit_seconds = 2.0;
    let pool = DbPool::connect(&url, 4).expect("database opens");
    pool.migrate().expect("migrations apply");
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    let base = format!("http://127.0.0.1:{port}");
    settings.server.public_url = base.clone();
    let (app_pool, app_settings) = (pool.clone(), settings.clone());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let srv =
                server(AppState::new(app_pool, app_settings), listener).expect("server starts");
            tx.send(()).expect("test waits");
            srv.await
        })
    });
    rx.recv_timeout(WAIT).expect("server started");
    App {
        base,
        pool,
        settings,
        _dir: dir,
    }
}

impl App {
    /// Sends the mail waiting in the outbox through the memory transport, as the worker
    /// would, and returns it.
    fn send_mail(&self) -> Vec<RenderedMail> {
        let worker =
            Worker::from_settings(self.pool.clone(), &self.settings, WorkerConfig::default())
                .expect("a memory mailer");
        actix_web::rt::System::new()
            .block_on(worker.drain())
            .expect("the outbox drains");
        worker.mailer().memory().expect("memory transport").take()
    }
}

/// The text of a mail with its quoted-printable and base64 parts decoded, for searching.
fn mail_text(mail: &RenderedMail) -> String {
    let raw = String::from_utf8_lossy(&mail.bytes).replace("=\r\n", "");
    let mut text = raw.replace("=3D", "=");
    let b64 = base64::engine::general_purpose::STANDARD;
    for block in raw.split("\r\n\r\n").skip(1) {
        let body: String = block.lines().take_while(|l| !l.starts_with("--")).collect();
        if let Ok(bytes) = b64.decode(body.trim()) {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}

/// The first address in `text` that starts with `prefix`.
fn link_in(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)?;
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<' | '>' | ')'))
        .collect();
    Some(link)
}

/// chromedriver on a free port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
    http: reqwest::blocking::Client,
}

impl Driver {
    fn start() -> Driver {
        let chromedriver = program("chromedriver");
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("http client"),
        };
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.url))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A new browser with its own profile (cookies are per browser).
    fn browser(&self, profile: &Path) -> Browser {
        self.browser_with(profile, true)
    }

    /// A browser that runs the pages' script, or one that does not (the fallbacks).
    fn browser_with(&self, profile: &Path, script: bool) -> Browser {
        let chromium = program("chromium");
        let javascript = if script { 1 } else { 2 };
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "prefs": {"profile.managed_default_content_settings.javascript": javascript},
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900",
                    "--lang=en-GB",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let response: Value = self
            .http
            .post(format!("{}/session", self.url))
            .json(&caps)
            .send()
            .expect("new session")
            .json()
            .expect("session answer");
        let id = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromium did not start: {response}"))
            .to_string();
        Browser {
            http: self.http.clone(),
            session: format!("{}/session/{id}", self.url),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One WebDriver session.
struct Browser {
    http: reqwest::blocking::Client,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.http.delete(&self.session).send();
    }
}

const ORGANISER_EMAIL: &str = "organiser@example.org";
const ORGANISER_PASSWORD: &str = "correct horse battery";

/// An organiser's account and an API session of it: signs up, logs in; returns (session
/// token, CSRF token). The browser signs in through the page's form.
fn organiser_session(base: &str) -> (String, String) {
    let http = reqwest::blocking::Client::new();
    let account =
        json!({"email": ORGANISER_EMAIL, "name": "Organiser", "password": ORGANISER_PASSWORD});
    let status = http
        .post(format!("{base}/api/v1/auth/signup"))
        .json(&account)
        .send()
        .expect("signup")
        .status();
    assert_eq!(status, reqwest::StatusCode::CREATED);
    let login = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": account["email"], "password": account["password"]}))
        .send()
        .expect("login");
    let session = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .find_map(|pair| pair.strip_prefix("matchtour_session="))
        .expect("a session cookie")
        .to_string();
    let body: Value = login.json().expect("login answer");
    (
        session,
        body["csrf_token"].as_str().expect("CSRF token").to_string(),
    )
}

/// A participant's personal link token, issued with the organiser's session.
fn participant_token(base: &str, (session, csrf): &(String, String), participant: i64) -> String {
    let link: Value = reqwest::blocking::Client::new()
        .post(format!(
            "{base}/api/v1/events/1/participants/{participant}/link"
        ))
        .header("cookie", format!("matchtour_session={session}"))
        .header("x-csrf-token", csrf)
        .send()
        .and_then(|r| r.json())
        .expect("a link");
    let url = link["url"].as_str().expect("a link URL");
    url.rsplit('/').next().expect("a token").to_string()
}

impl Browser {
    /// Opens a participant's personal link (`/api/v1/auth/participant/{token}`), which sets
    /// the participant's cookie and leads on to their page.
    fn open_link(&self, base: &str, token: &str) {
        self.goto(&format!("{base}/api/v1/auth/participant/{token}"));
        self.wait_for_url("/events/");
    }

    /// One WebDriver command; `Err` carries the WebDriver error code and message.
    fn try_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.session));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response: Value = request
            .send()
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
            .json()
            .expect("WebDriver answers JSON");
        match response["value"]["error"].as_str() {
            Some(error) => Err(format!("{error}: {}", response["value"]["message"])),
            None => Ok(response["value"].clone()),
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.try_call(method.clone(), path, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// Runs an element operation again while the page is being replaced under it (the
    /// element is not there yet, or went stale between finding and using it; Chromium
    /// 156 reports the latter at times as an inspector error about a node that "does
    /// not belong to the document").
    fn retrying<T>(&self, what: &str, mut op: impl FnMut() -> Result<T, String>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            match op() {
                Ok(value) => return value,
                Err(e)
                    if (e.starts_with("no such element")
                        || e.starts_with("stale element reference")
                        || e.contains("does not belong to the document"))
                        && Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("{what} on {}: {e}", self.url()),
            }
        }
    }

    fn try_find(&self, css: &str) -> Result<String, String> {
        let e = self.try_call(
            reqwest::Method::POST,
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        Ok(e[ELEMENT].as_str().expect("element id").to_string())
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None)
    }

    fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url }));
    }

    fn url(&self) -> String {
        self.get("/url").as_str().unwrap_or_default().to_string()
    }

    fn run(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
    }

    /// `run` for a page that may be between documents (the error is returned).
    fn try_run(&self, script: &str) -> Result<Value, String> {
        self.try_call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    fn find(&self, css: &str) -> String {
        self.retrying(css, || self.try_find(css))
    }

    /// Clicks, first marking the current document so that `wait_for_url` can tell the
    /// page the click leads to from this one when both carry the same address.
    fn click(&self, css: &str) {
        // A page still loading may refuse the script; the wait then is as before.
        let _ = self.try_run("window.matchtourBeforeClick = true;");
        self.retrying(css, || {
            let e = self.try_find(css)?;
            self.try_call(
                reqwest::Method::POST,
                &format!("/element/{e}/click"),
                Some(json!({})),
            )
        });
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.post(&format!("/element/{e}/clear"), json!({}));
        self.post(&format!("/element/{e}/value"), json!({ "text": text }));
    }

    /// Sets a value the way a date or time picker would (their typing is locale-bound).
    fn set_value(&self, css: &str, value: &str) {
        self.find(css);
        self.run(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('change', {bubbles: true}));",
            json!([css, value]),
        );
    }

    fn text(&self, css: &str) -> String {
        self.retrying(css, || {
            let e = self.try_find(css)?;
            let text = self.try_call(reqwest::Method::GET, &format!("/element/{e}/text"), None)?;
            Ok(text.as_str().unwrap_or_default().to_string())
        })
    }

    fn body(&self) -> String {
        self.text("body")
    }

    /// Waits for a new document (not the one last clicked in) whose address holds `part`.
    fn wait_for_url(&self, part: &str) {
        let deadline = Instant::now() + WAIT;
        while !(self.url().contains(part) && self.is_new_document()) {
            assert!(
                Instant::now() < deadline,
                "the page did not reach {part}: {} shows {}",
                self.url(),
                self.body()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn is_new_document(&self) -> bool {
        self.try_run("return window.matchtourBeforeClick === undefined;")
            .is_ok_and(|fresh| fresh == Value::Bool(true))
    }

    fn wait_for_text(&self, css: &str, part: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text(css);
            if text.contains(part) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{css} never showed {part:?}: {text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}));
    }

    fn press_tab(&self) {
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": "\u{E004}"}, {"type": "keyUp", "value": "\u{E004}"}
            ]}]}),
        );
    }

    fn screenshot(&self, name: &str) {
        let data = self.get("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("base64 screenshot"))
            .expect("screenshot decodes");
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let dir = match std::env::var_os("MATCHTOUR_SCREENSHOTS") {
            Some(dir) => Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
            None => std::env::temp_dir().join("matchtour-screenshots"),
        };
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
    }

    /// The whole page: the window grows to the document's height (at most 2400 px).
    fn full_page_screenshot(&self, name: &str) {
        let height = self
            .run("return document.documentElement.scrollHeight;", json!([]))
            .as_u64()
            .unwrap_or(900)
            .clamp(900, 2400);
        let height = u32::try_from(height).unwrap_or(900);
        self.resize(1280, height + 140);
        self.screenshot(name);
        self.resize(1280, 900);
    }

    /// The id in the personal-page link of the participant named `name`.
    fn participant_id(&self, name: &str) -> i64 {
        let href = self.run(
            "for (const row of document.querySelectorAll('tbody tr')) {
               if (row.querySelector('th').textContent.trim() === arguments[0])
                 return row.querySelector('a').getAttribute('href');
             } return null;",
            json!([name]),
        );
        href.as_str()
            .and_then(|h| h.rsplit('/').next())
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no personal link for {name}"))
    }

    /// The slot starts offered for booking with participant `with`.
    fn open_slots(&self, with: i64) -> Vec<String> {
        self.run(
            "return Array.from(document.querySelectorAll('button.slot'))
               .filter(b => b.dataset.with === String(arguments[0]))
               .map(b => b.dataset.start);",
            json!([with]),
        )
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
    }
}

impl Browser {
    /// Signs in at /signin with the organiser's e-mail address and password.
    fn sign_in_as_organiser(&self, base: &str, email: &str, password: &str) {
        self.goto(&format!("{base}/signin?lang=en"));
        self.type_into("#signin-email", email);
        self.type_into("#signin-password", password);
        self.click("form[action='/signin'] button[type=submit]");
        self.wait_for_text("h1", "Your events");
    }
}

#[test]
fn the_solver_shows_its_progress_while_it_runs() {
    let app = start_app();
    // The demo tour (37 participants): big enough that the search uses its time.
    let (event, access) = {
        let mut conn = app.pool.get().expect("a connection");
        let event = matchtour::cli::demo::seed(&mut conn).expect("the demo event");
        let access = matchtour::cli::demo::access(&mut conn, event.id).expect("demo access");
        (event.id, access)
    };
    let driver = Driver::start();
    let profiles = tempfile::tempdir().expect("profile dir");
    let organiser = driver.browser(&profiles.path().join("organiser"));
    let base = &app.base;
    organiser.sign_in_as_organiser(base, access.organiser_email, &access.organiser_password);
    // One room and three of the four mornings taken by a plenary: not every meeting fits,
    // so the search cannot stop early at a perfect plan and uses its time.
    organiser.goto(&format!("{base}/events/{event}?lang=en"));
    organiser.type_into("#rooms-rooms", "1");
    organiser.click("form[action$='/rooms'] button");
    organiser.wait_for_url("done=saved");
    for date in ["2021-03-25", "2021-03-26", "2021-03-29"] {
        organiser.goto(&format!("{base}/events/{event}"));
        organiser.run(
            "document.getElementById('session-date').value = arguments[0];
             document.getElementById('session-kind').value = 'plenary';",
            json!([date]),
        );
        organiser.type_into("#session-title", "Plenary");
        organiser.set_value("#session-start", "08:30");
        organiser.set_value("#session-end", "12:30");
        organiser.click("form[action$='/sessions'] button[type=submit]");
        organiser.wait_for_url("done=saved");
    }
    organiser.goto(&format!("{base}/events/{event}/schedule"));
    organiser.run(
        "document.querySelector('input[name=seconds]').value = '6';",
        json!([]),
    );
    organiser.click("#run-solver");
    organiser.find("#solver-progress progress");
    assert!(organiser.text("#progress-title").contains("working"));
    assert_eq!(
        organiser.run(
            "return document.getElementById('run-solver').disabled;",
            json!([])
        ),
        true,
        "one run at a time"
    );
    // The polled numbers move while the search runs.
    let iterations = || {
        organiser
            .text("[data-field=iterations]")
            .parse::<u64>()
            .unwrap_or(0)
    };
    let deadline = Instant::now() + WAIT;
    while iterations() == 0 {
        assert!(Instant::now() < deadline, "no iterations reported");
        std::thread::sleep(Duration::from_millis(100));
    }
    let bar = organiser
        .run(
            "return document.getElementById('solver-bar').value;",
            json!([]),
        )
        .as_f64()
        .unwrap_or(0.0);
    assert!(bar > 0.0 && bar <= 6.0, "seconds on the bar: {bar}");
    organiser.screenshot("organiser-solver-progress");
    // The same progress, as JSON, for the organiser's session only.
    let cookie = organiser.get("/cookie/matchtour_session");
    let progress: Value = reqwest::blocking::Client::new()
        .get(format!("{base}/events/{event}/schedule/progress"))
        .header(
            "cookie",
            format!(
                "matchtour_session={}",
                cookie["value"].as_str().unwrap_or("")
            ),
        )
        .send()
        .and_then(|r| r.json())
        .expect("progress as JSON");
    assert_eq!(progress["progress"]["limit_seconds"], 6.0, "{progress}");
    let anonymous = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{base}/events/{event}/schedule/progress"))
        .send()
        .expect("an answer");
    assert_eq!(anonymous.status(), 303, "strangers are sent to sign in");
    // When the time is up the page shows the draft.
    organiser.wait_for_url("done=solved_ok");
    assert!(organiser
        .text("table.grid")
        .contains(&access.shanghai_participant));

    // Without script the page reloads itself until the run is over, then shows the draft.
    let plain = driver.browser_with(&profiles.path().join("no-script"), false);
    plain.sign_in_as_organiser(base, access.organiser_email, &access.organiser_password);
    plain.goto(&format!("{base}/events/{event}/schedule?version=1"));
    plain.click("#run-solver");
    // The <noscript> note shows: this browser really runs no script.
    let note = plain.text("#solver-progress");
    assert!(note.contains("reloads itself"), "{note}");
    plain.wait_for_url("done=solved_ok");
    assert!(plain.text(".versions").contains("Version 2"));
}

const PARTICIPANTS_CSV: &str =
    "name,email,organisation,side,time_zone,languages,comfort_from,comfort_to
Anna Schmidt,anna@example.de,Charité,DE,Europe/Berlin,de en,08:00,18:00
Bernd Vogel,bernd@example.de,Fraunhofer IGB,DE,Europe/Berlin,de en,08:00,18:00
Emil Braun,emil@example.de,TU München,DE,Europe/Berlin,de en,08:00,18:00
Chen Wei,chen@example.cn,Tsinghua University,CN,Asia/Shanghai,zh en,09:00,21:00
Dai Lin,dai@example.cn,BGI Genomics,CN,Asia/Shanghai,zh en,09:00,21:00
";

const REQUESTS_CSV: &str = "from,to,priority
chen@example.cn,anna@example.de,5
dai@example.cn,bernd@example.de,4
dai@example.cn,anna@example.de,3
";

#[test]
fn organisers_and_participants_use_the_pages_in_a_real_browser() {
    let app = start_app();
    let driver = Driver::start();
    let profiles = tempfile::tempdir().expect("profile dir");
    let organiser = driver.browser(&profiles.path().join("organiser"));
    let base = &app.base;
    let session = organiser_session(base);

    // -- the organiser signs in through the form and builds a small event --
    organiser.goto(&format!("{base}/events?lang=en"));
    organiser.wait_for_url("/signin");
    organiser.type_into("#signin-email", ORGANISER_EMAIL);
    organiser.type_into("#signin-password", ORGANISER_PASSWORD);
    organiser.click("form[action='/signin'] button[type=submit]");
    organiser.wait_for_text("h1", "Your events");
    // The first Tab reaches the skip link: keyboard users need not pass the header.
    organiser.press_tab();
    let focused = organiser.run("return document.activeElement.className;", json!([]));
    assert_eq!(focused, "skip");
    organiser.type_into("#name", "Sino-German Health Innovation Tour");
    // The second day is the night Europe's clocks go forward (31 March 2030).
    organiser.set_value("#start_date", "2030-03-30");
    organiser.set_value("#end_date", "2030-03-31");
    organiser.click("#allow_self_booking");
    organiser.click("form[action='/events'] button[type=submit]");
    organiser.wait_for_url("/events/1");
    organiser.set_value("#w-start", "09:00");
    organiser.set_value("#w-end", "11:00");
    organiser.click("form[action$='/windows'] button");
    let windows = organiser.wait_for_text("main", "6 slots");
    assert!(windows.contains("09:00–11:00 CET"), "{windows}");

    // The builder: every input has a label.
    let unlabelled = organiser.run(
        "return Array.from(document.querySelectorAll('main form input:not([type=hidden]), main form select, main form textarea'))
           .filter(e => e.labels.length === 0).map(e => e.id || e.name);",
        json!([]),
    );
    assert_eq!(unlabelled, json!([]), "inputs without a label");
    // A session ending before it starts: a message under the end, nothing stored.
    organiser.type_into("#session-title", "Opening plenary");
    organiser.set_value("#session-start", "10:00");
    organiser.set_value("#session-end", "09:00");
    organiser.click("form[action$='/sessions'] button[type=submit]");
    let message = organiser.wait_for_text("#session-end-error", "after the start");
    assert_eq!(message, "The end must be after the start.");
    assert_eq!(
        organiser.run(
            "return document.getElementById('session-title').value;",
            json!([])
        ),
        "Opening plenary",
        "what was typed is kept"
    );
    assert!(organiser.body().contains("No sessions yet."));
    // 02:30 on the night the clocks go forward does not exist in Berlin: said in German.
    organiser.goto(&format!("{base}/events/1?lang=de"));
    organiser.run(
        "document.getElementById('session-date').value = '2030-03-31';",
        json!([]),
    );
    organiser.type_into("#session-title", "Frühstück");
    organiser.set_value("#session-start", "02:30");
    organiser.set_value("#session-end", "03:30");
    organiser.click("form[action$='/sessions'] button[type=submit]");
    let message = organiser.wait_for_text("#session-start-error", "Sommerzeit");
    assert!(message.starts_with("Diese Uhrzeit gibt es"), "{message}");
    organiser.goto(&format!("{base}/events/1?lang=en"));
    organiser.type_into("#session-title", "Opening plenary");
    organiser.run(
        "document.getElementById('session-kind').value = 'plenary';",
        json!([]),
    );
    organiser.set_value("#session-start", "08:00");
    organiser.set_value("#session-end", "08:30");
    organiser.type_into("#session-video_link", "https://meet.example.org/opening");
    organiser.type_into("#session-capacity", "40");
    organiser.click("form[action$='/sessions'] button[type=submit]");
    organiser.wait_for_url("done=saved");
    let sessions = organiser.text(".day");
    assert!(
        sessions.contains("Opening plenary") && sessions.contains("08:00–08:30 CET"),
        "{sessions}"
    );
    organiser.type_into("#rooms-rooms", "2");
    organiser.click("form[action$='/rooms'] button");
    organiser.wait_for_url("done=saved");
    assert_eq!(
        organiser.run(
            "return document.getElementById('rooms-rooms').value;",
            json!([])
        ),
        "2"
    );
    // An interpreter with a word for a language code: a message under the languages.
    organiser.type_into("#interpreter-name", "Li Na");
    organiser.type_into("#interpreter-time_zone", "Asia/Shanghai");
    organiser.type_into("#interpreter-languages", "deutsch zh");
    organiser.click("form[action$='/interpreters'] button");
    organiser.wait_for_text("#interpreter-languages-error", "Unknown language");
    assert!(organiser.body().contains("No interpreters yet."));
    organiser.type_into("#interpreter-languages", "de zh en");
    organiser.set_value("#interpreter-available_from", "08:00");
    organiser.set_value("#interpreter-available_to", "20:00");
    organiser.click("form[action$='/interpreters'] button");
    organiser.wait_for_url("done=saved");
    let interpreters = organiser.text("#interpreter + ul");
    assert!(
        interpreters.contains("Li Na") && interpreters.contains("de, zh, en"),
        "{interpreters}"
    );
    organiser.full_page_screenshot("organiser-builder");
    // The builder fits a phone's width.
    organiser.resize(390, 844);
    let overflow = organiser.run(
        "return document.documentElement.scrollWidth > window.innerWidth;",
        json!([]),
    );
    assert_eq!(overflow, false, "the event page fits a phone's width");
    organiser.resize(1280, 900);

    // A mistake in a spreadsheet is a message in the page, not an error page.
    organiser.goto(&format!("{base}/events/1/participants"));
    organiser.type_into(
        "#import-participants-text",
        "name,email,time_zone\nXu Ming,xu@example.cn,Asia/Beijing\n",
    );
    organiser.click("form[action$='/import/participants'] button");
    let notice = organiser.wait_for_text(".notice.error", "Please check your input");
    assert!(notice.contains("rows[2].time_zone"), "{notice}");
    assert!(organiser.body().contains("Import participants (CSV)"));

    organiser.type_into("#import-participants-text", PARTICIPANTS_CSV);
    organiser.click("form[action$='/import/participants'] button");
    organiser.wait_for_text(".notice.ok", "Imported rows: 5");
    organiser.screenshot("organiser-participants");
    let chen = organiser.participant_id("Chen Wei");
    let dai = organiser.participant_id("Dai Lin");
    let emil = organiser.participant_id("Emil Braun");
    organiser.type_into("#import-requests-text", REQUESTS_CSV);
    organiser.click("form[action$='/import/requests'] button");
    organiser.wait_for_text(".notice.ok", "Imported rows: 3");
    organiser.screenshot("organiser-requests");

    // Golden hours beside the windows, now that comfort hours are known: the same windows
    // the API computes.
    organiser.goto(&format!("{base}/events/1"));
    let golden = organiser.text(".golden");
    assert!(golden.contains("Beijing"), "{golden}");
    let api: Value = reqwest::blocking::Client::new()
        .get(format!("{base}/api/v1/events/1/golden-hours"))
        .header("cookie", format!("matchtour_session={}", session.0))
        .send()
        .and_then(|r| r.json())
        .expect("golden hours from the API");
    let api_windows: Vec<String> = api["days"]
        .as_array()
        .expect("days")
        .iter()
        .flat_map(|d| d["windows"].as_array().cloned().unwrap_or_default())
        .map(|w| {
            format!(
                "{}–{}",
                w["from"].as_str().unwrap_or(""),
                w["to"].as_str().unwrap_or("")
            )
        })
        .collect();
    let page_windows = organiser.run(
        "return Array.from(document.querySelectorAll('.golden li .time')).map(t => t.innerText.slice(0, 11));",
        json!([]),
    );
    assert!(!api_windows.is_empty(), "{api}");
    assert_eq!(
        page_windows,
        json!(api_windows),
        "the page shows the API's golden hours"
    );
    organiser.screenshot("organiser-event");

    // -- solve, look, check a move, publish --
    organiser.goto(&format!("{base}/events/1/schedule"));
    // The solver runs in the background; the page follows it to the draft (a run long
    // enough to watch is `the_solver_shows_its_progress_while_it_runs`).
    organiser.click("#run-solver");
    organiser.wait_for_url("done=solved_ok");
    let solved = organiser.text(".notice.ok");
    assert!(solved.contains("new draft"), "{solved}");
    let grid = organiser.text("table.grid");
    assert!(grid.contains("Anna Schmidt"), "{grid}");
    // Both local times on a meeting cell, the row participant's first.
    let chen_row = organiser.run(
        "return Array.from(document.querySelectorAll('table.grid tbody tr'))
           .find(r => r.querySelector('th').textContent.includes('Chen Wei'))
           .querySelector('td.meeting').innerText;",
        json!([]),
    );
    let chen_row = chen_row.as_str().unwrap_or_default();
    assert!(
        chen_row.contains("Anna Schmidt") && chen_row.contains("Beijing ·"),
        "{chen_row}"
    );
    let stats = organiser.text("#stats-title + .stat-row");
    assert!(stats.contains("100 %"), "every request fits: {stats}");
    // Moving Chen's meeting onto Dai's first meeting with Anna: Anna is busy then.
    organiser.run(
        "const f = document.getElementById('move-form');
         const options = Array.from(f.elements.booking.options);
         f.elements.booking.value = options.find(o => o.text.includes('Chen Wei')).value;
         const other = options.find(o => o.text.includes('Dai Lin') && o.text.includes('Anna Schmidt'));
         const when = other.text.split(' · ').slice(-1)[0].split('–')[0];
         const slot = Array.from(f.elements.start.options).find(o => o.text.startsWith(when));
         f.elements.start.value = slot.value;
         f.elements.start.dispatchEvent(new Event('change'));",
        json!([]),
    );
    let check = organiser.wait_for_text("#move-check", "✗");
    assert!(check.contains("already has a meeting then"), "{check}");
    organiser.full_page_screenshot("organiser-schedule");
    organiser.click("#publish");
    organiser.wait_for_url("done=published_ok");
    assert!(organiser.text(".versions").contains("published"));
    // Publishing sent each participant their itinerary with a link to their page.
    let mail = app.send_mail();
    organiser.goto(&format!("{base}/events?lang=zh"));
    organiser.wait_for_text("h1", "您的活动");
    organiser.screenshot("organiser-events-zh");

    // -- a participant in Shanghai: itinerary in Beijing time first --
    let chen_mail = mail
        .iter()
        .find(|m| m.to.iter().any(|t| t == "chen@example.cn"))
        .expect("a mail to Chen Wei");
    // The mail carries a personal link of its own: opening it is all a participant does.
    let chen_link = link_in(
        &mail_text(chen_mail),
        &format!("{base}/api/v1/auth/participant/"),
    )
    .expect("a personal link in the mail");
    let chen_token = chen_link.rsplit('/').next().expect("a token").to_string();
    let chen_browser = driver.browser(&profiles.path().join("chen"));
    chen_browser.goto(&chen_link);
    chen_browser.wait_for_url("/events/");
    let chen_page = format!("{base}/events/1/participants/{chen}");
    assert_eq!(chen_browser.url(), chen_page);
    chen_browser.goto(&format!("{chen_page}?lang=en"));
    let first = chen_browser.text(".itinerary li .time");
    let beijing = first.find("Beijing").expect("Beijing time shown");
    let cet = first.find("CET").expect("the counterpart's time shown");
    assert!(
        beijing < cet,
        "the participant's own zone comes first: {first}"
    );
    assert!(chen_browser.text(".itinerary").contains("Anna Schmidt"));
    chen_browser.screenshot("participant-itinerary");

    // The calendar file carries the meeting in UTC.
    let ics = reqwest::blocking::Client::new()
        .get(format!("{chen_page}/itinerary.ics"))
        .header("authorization", format!("Participant {chen_token}"))
        .send()
        .and_then(|r| r.text())
        .expect("calendar file");
    assert!(
        ics.contains("BEGIN:VEVENT") && ics.contains("Anna Schmidt"),
        "{ics}"
    );

    // Both Chinese participants ask Emil for a meeting, then book the same open slot.
    chen_browser.click(&format!(
        "form[action$='/request'] input[value='{emil}'] ~ button"
    ));
    chen_browser.wait_for_url("done=request_sent");
    let dai_browser = driver.browser(&profiles.path().join("dai"));
    dai_browser.open_link(base, &participant_token(base, &session, dai));
    dai_browser.goto(&format!("{base}/events/1/participants/{dai}?lang=en"));
    dai_browser.click(&format!(
        "form[action$='/request'] input[value='{emil}'] ~ button"
    ));
    dai_browser.wait_for_url("done=request_sent");
    // Emil answers: accepts Chen, declines Dai (who may still book: a declined request
    // is not live, so Dai asks again below).
    let emil_browser = driver.browser(&profiles.path().join("emil"));
    emil_browser.open_link(base, &participant_token(base, &session, emil));
    emil_browser.goto(&format!("{base}/events/1/participants/{emil}?lang=en"));
    emil_browser.click("button[aria-label='Accept: Chen Wei']");
    emil_browser.wait_for_url("done=answered");
    emil_browser.click("button[aria-label='Decline: Dai Lin']");
    emil_browser.wait_for_url("done=answered");
    assert!(emil_browser
        .text("#incoming-title + *")
        .contains("No open requests"));
    dai_browser.goto(&format!("{base}/events/1/participants/{dai}?lang=en"));
    let outgoing = dai_browser.text("main");
    assert!(outgoing.contains("Emil Braun declined"), "{outgoing}");
    dai_browser.click(&format!(
        "form[action$='/request'] input[value='{emil}'] ~ button"
    ));
    dai_browser.wait_for_url("done=request_sent");
    // A form's address typed into the address bar shows the page, not an error.
    let typed = reqwest::blocking::Client::new()
        .get(format!("{chen_page}/book"))
        .header("authorization", format!("Participant {chen_token}"))
        .send()
        .expect("page");
    assert_eq!(typed.status(), 200);
    assert!(typed.text().unwrap_or_default().contains("Welcome"));
    let chen_slots = chen_browser.open_slots(emil);
    let dai_slots = dai_browser.open_slots(emil);
    let shared = chen_slots
        .iter()
        .find(|s| dai_slots.contains(s))
        .expect("a slot open for both")
        .clone();
    let button = format!("button.slot[data-with='{emil}'][data-start='{shared}']");
    chen_browser.find(&button);
    dai_browser.find(&button);
    let barrier = Barrier::new(2);
    std::thread::scope(|s| {
        for b in [&chen_browser, &dai_browser] {
            let (barrier, button) = (&barrier, &button);
            s.spawn(move || {
                barrier.wait();
                b.click(button);
            });
        }
    });
    let outcome = |b: &Browser| {
        let deadline = Instant::now() + WAIT;
        loop {
            let kind = b.run(
                "const n = document.querySelector('.notice'); return n ? n.className : null;",
                json!([]),
            );
            if let Some(kind) = kind.as_str() {
                return (kind.to_string(), b.text(".notice"));
            }
            assert!(Instant::now() < deadline, "no message after booking");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let results = [outcome(&chen_browser), outcome(&dai_browser)];
    let won: Vec<&(String, String)> = results.iter().filter(|r| r.0.contains("ok")).collect();
    let lost: Vec<&(String, String)> = results.iter().filter(|r| r.0.contains("error")).collect();
    assert_eq!((won.len(), lost.len()), (1, 1), "{results:?}");
    assert!(won[0].1.contains("Booked"), "{results:?}");
    assert!(
        lost[0].1.contains("that slot was just taken"),
        "{results:?}"
    );
    let loser = if results[0].0.contains("error") {
        &chen_browser
    } else {
        &dai_browser
    };
    // Still the participant's page, with their itinerary, and the slot no longer offered.
    assert!(loser.text("h1").starts_with("Welcome, "));
    assert!(!loser.open_slots(emil).contains(&shared));
    loser.screenshot("participant-slot-taken");

    // The language switch is remembered in a cookie.
    chen_browser.click("a[hreflang='zh']");
    chen_browser.wait_for_text("h1", "欢迎");
    chen_browser.goto(&chen_page);
    let itinerary = chen_browser.wait_for_text("#itinerary-title", "您的行程");
    assert_eq!(itinerary, "您的行程");
    assert!(chen_browser.text(".itinerary").contains("北京时间"));
    chen_browser.screenshot("participant-zh");
    chen_browser.resize(390, 844);
    chen_browser.goto(&format!("{chen_page}?lang=de"));
    chen_browser.wait_for_text("h1", "Willkommen");
    let overflow = chen_browser.run(
        "return document.documentElement.scrollWidth > window.innerWidth;",
        json!([]),
    );
    assert_eq!(overflow, false, "the page fits a phone's width");
    chen_browser.screenshot("participant-phone-de");

    // Hours in one's own time; a typo is a message in the page, not an error page.
    chen_browser.resize(1280, 900);
    chen_browser.goto(&format!("{chen_page}?lang=en"));
    chen_browser.click("details.edit summary");
    chen_browser.type_into("#p-zone", "Asia/Peking");
    chen_browser.click("#profile-form button");
    let notice = chen_browser.wait_for_text(".notice.error", "Please check your input");
    assert!(notice.contains("time_zone"), "{notice}");
    chen_browser.click("details.edit summary");
    chen_browser.type_into("#p-zone", "Asia/Shanghai");
    chen_browser.set_value("#p-af", "14:00");
    chen_browser.set_value("#p-at", "19:00");
    chen_browser.click("#profile-form button");
    chen_browser.wait_for_url("done=profile_saved");
    let profile = chen_browser.text(".profile");
    assert!(profile.contains("14:00–19:00"), "{profile}");

    // A page that does not exist is a page in the layout, in the chosen language.
    chen_browser.goto(&format!("{base}/events/999?lang=de"));
    chen_browser.wait_for_text(".notice.error", "Diese Seite gibt es nicht");
}
