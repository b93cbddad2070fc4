//! Claiming and sending outbox jobs, safely with several workers.
//!
//! A claim moves due jobs to `sending` with a lease (`locked_by`, `locked_until`) in one
//! short transaction: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent workers
//! take disjoint jobs without waiting; on SQLite (one process) the transaction starts with
//! `BEGIN IMMEDIATE`, so claims are serialised. A job whose worker died stays `sending`
//! until its lease runs out, then any worker claims it again.
//!
//! Never twice: the Message-ID and the bytes are fixed per job, so a re-send is the same
//! message (the file transport overwrites it by Message-ID; mail clients collapse equal
//! Message-IDs). With SMTP the one remaining window for a duplicate is between the server's
//! "250 accepted" and the `sent` mark: if the worker dies (or the database is unreachable)
//! right there, the lease expires and the job is sent again. The mark is written right
//! after each send to keep that window at one round trip to the database.

use std::future::Future;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error as DieselError;

use super::{render_job, Payload, RenderSettings};
use crate::config::Settings;
use crate::db::models::OutboxJobRow;
use crate::db::schema::outbox_jobs;
use crate::db::{Conn, DbPool};
use crate::error::{AppError, AppResult};
use crate::mail::{MailError, Mailer};
use crate::service::now;
use crate::with_conn;

/// How a worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs claimed (and sent concurrently) at once.
    pub batch: i64,
    /// How long a claim holds before another worker may take the job.
    pub lease: Duration,
    /// The wait after the first transient failure; doubled after each further one.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// After this many attempts a transient failure is final too.
    pub max_attempts: i32,
    /// The pause when nothing is due.
    pub idle_poll: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            batch: 50,
            lease: Duration::from_secs(300),
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            max_attempts: 12,
            idle_poll: Duration::from_secs(2),
        }
    }
}

impl WorkerConfig {
    /// The wait before attempt `attempts + 1`: base · 2^(attempts − 1), capped.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.backoff_base
            .saturating_mul(1u32 << doublings)
            .min(self.backoff_max)
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl std::ops::AddAssign for RunStats {
    fn add_assign(&mut self, o: Self) {
        self.claimed += o.claimed;
        self.sent += o.sent;
        self.retried += o.retried;
        self.failed += o.failed;
    }
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Claims up to `limit` due jobs for `worker_id` until `now + lease`.
pub fn claim(
    conn: &mut Conn,
    worker_id: &str,
    limit: i64,
    lease: Duration,
) -> AppResult<Vec<OutboxJobRow>> {
    let at = now();
    let until = at + chrono_duration(lease);
    let due = outbox_jobs::status
        .eq("queued")
        .and(outbox_jobs::next_attempt_at.le(at))
        .or(outbox_jobs::status
            .eq("sending")
            .and(outbox_jobs::locked_until.lt(at)));
    let set = (
        outbox_jobs::status.eq("sending"),
        outbox_jobs::locked_by.eq(Some(worker_id)),
        outbox_jobs::locked_until.eq(Some(until)),
        outbox_jobs::attempts.eq(outbox_jobs::attempts + 1),
    );
    let rows = match conn {
        Conn::Pg(pooled) => {
            let c: &mut diesel::pg::PgConnection = &mut *pooled;
            c.transaction::<_, DieselError, _>(|c| {
                let ids: Vec<i64> = outbox_jobs::table
                    .filter(due)
                    .order(outbox_jobs::next_attempt_at)
                    .limit(limit)
                    .select(outbox_jobs::id)
                    .for_update()
                    .skip_locked()
                    .load(c)?;
                diesel::update(outbox_jobs::table.filter(outbox_jobs::id.eq_any(&ids)))
                    .set(set)
                    .returning(OutboxJobRow::as_returning())
                    .get_results(c)
            })?
        }
        Conn::Sqlite(pooled) => {
            let c: &mut diesel::sqlite::SqliteConnection = &mut *pooled;
            c.immediate_transaction::<_, DieselError, _>(|c| {
                let ids: Vec<i64> = outbox_jobs::table
                    .filter(due)
                    .order(outbox_jobs::next_attempt_at)
                    .limit(limit)
                    .select(outbox_jobs::id)
                    .load(c)?;
                diesel::update(outbox_jobs::table.filter(outbox_jobs::id.eq_any(&ids)))
                    .set(set)
                    .returning(OutboxJobRow::as_returning())
                    .get_results(c)
            })?
        }
    };
    Ok(rows)
}

pub fn mark_sent(conn: &mut Conn, id: i64) -> AppResult<()> {
    let at = now();
    with_conn!(conn, |c| diesel::update(outbox_jobs::table.find(id))
        .set((
            outbox_jobs::status.eq("sent"),
            outbox_jobs::sent_at.eq(Some(at)),
            outbox_jobs::last_error.eq(None::<String>),
            outbox_jobs::locked_by.eq(None::<String>),
            outbox_jobs::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(c))?;
    Ok(())
}

/// A failed attempt: back to `queued` at `retry_at`, or `failed` for good when `None`.
pub fn mark_failed(
    conn: &mut Conn,
    id: i64,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> AppResult<()> {
    let status = if retry_at.is_some() {
        "queued"
    } else {
        "failed"
    };
    let next = retry_at.unwrap_or_else(now);
    with_conn!(conn, |c| diesel::update(outbox_jobs::table.find(id))
        .set((
            outbox_jobs::status.eq(status),
            outbox_jobs::next_attempt_at.eq(next),
            outbox_jobs::last_error.eq(Some(error)),
            outbox_jobs::locked_by.eq(None::<String>),
            outbox_jobs::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(c))?;
    Ok(())
}

/// Counts of jobs by status, over all events: (queued, sending, sent, failed).
pub fn counts(conn: &mut Conn) -> AppResult<(i64, i64, i64, i64)> {
    let rows: Vec<(String, i64)> = with_conn!(conn, |c| outbox_jobs::table
        .group_by(outbox_jobs::status)
        .select((outbox_jobs::status, diesel::dsl::count_star()))
        .load(c))?;
    let get = |s: &str| rows.iter().find(|r| r.0 == s).map_or(0, |r| r.1);
    Ok((get("queued"), get("sending"), get("sent"), get("failed")))
}

/// One sending process (or task). Cheap to clone.
#[derive(Clone)]
pub struct Worker {
    pool: DbPool,
    mailer: Mailer,
    render: RenderSettings,
    config: WorkerConfig,
    id: String,
}

enum Outcome {
    Sent,
    Retry,
    Failed,
}

async fn blocking<T: Send + 'static>(
    pool: &DbPool,
    f: impl FnOnce(&mut Conn) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| AppError::Internal(format!("outbox database task: {e}")))?
}

impl Worker {
    pub fn new(pool: DbPool, mailer: Mailer, render: RenderSettings, config: WorkerConfig) -> Self {
        let id = format!(
            "{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Worker {
            pool,
            mailer,
            render,
            config,
            id,
        }
    }

    /// The worker the configuration describes. Call inside a Tokio runtime (the SMTP pool).
    pub fn from_settings(
        pool: DbPool,
        settings: &Settings,
        config: WorkerConfig,
    ) -> Result<Self, MailError> {
        let mailer = Mailer::from_settings(&settings.mail)?;
        let render = RenderSettings {
            from: settings.mail.from.clone(),
            public_url: settings.server.public_url.clone(),
        };
        Ok(Worker::new(pool, mailer, render, config))
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    /// Claims one batch and sends it (concurrently); returns what happened.
    pub async fn run_once(&self) -> AppResult<RunStats> {
        let (id, batch, lease) = (self.id.clone(), self.config.batch, self.config.lease);
        let jobs = blocking(&self.pool, move |c| claim(c, &id, batch, lease)).await?;
        let mut stats = RunStats {
            claimed: jobs.len(),
            ..RunStats::default()
        };
        let mut tasks = tokio::task::JoinSet::new();
        for job in jobs {
            let worker = self.clone();
            tasks.spawn(async move { worker.deliver(job).await });
        }
        while let Some(done) = tasks.join_next().await {
            match done.map_err(|e| AppError::Internal(format!("outbox send task: {e}")))?? {
                Outcome::Sent => stats.sent += 1,
                Outcome::Retry => stats.retried += 1,
                Outcome::Failed => stats.failed += 1,
            }
        }
        Ok(stats)
    }

    /// Runs rounds until a round claims nothing (jobs waiting for a later retry stay).
    pub async fn drain(&self) -> AppResult<RunStats> {
        let mut total = RunStats::default();
        loop {
            let round = self.run_once().await?;
            if round.claimed == 0 {
                return Ok(total);
            }
            total += round;
        }
    }

    /// Works until `shutdown` completes; database trouble is logged and waited out.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tracing::info!(worker = %self.id, "outbox worker started");
        tokio::pin!(shutdown);
        loop {
            let pause = match self.run_once().await {
                Ok(stats) if stats.claimed > 0 => {
                    tracing::debug!(?stats, "outbox round");
                    Duration::ZERO
                }
                Ok(_) => self.config.idle_poll,
                Err(error) => {
                    tracing::warn!(%error, "outbox round failed");
                    self.config.idle_poll
                }
            };
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!(worker = %self.id, "outbox worker stopped");
    }

    async fn deliver(&self, job: OutboxJobRow) -> AppResult<Outcome> {
        let link = match job.participant_id {
            Some(participant) => {
                let event = job.event_id;
                let minted = blocking(&self.pool, move |c| {
                    crate::auth::store::mail_link(c, event, participant)
                })
                .await;
                match minted {
                    Ok(token) => Some(format!("/api/v1/auth/participant/{token}")),
                    // The participant is gone: the message still goes out, without a link.
                    Err(crate::error::AppError::NotFound { .. }) => None,
                    Err(other) => return Err(other),
                }
            }
            None => None,
        };
        let rendered = serde_json::from_str::<Payload>(&job.payload)
            .map_err(super::RenderError::from)
            .and_then(|mut p| {
                if let Some(link) = link {
                    p.set_personal_link(link);
                }
                render_job(&job.dedup_key, job.created_at, &p, &self.render)
            });
        let result = match rendered {
            // A job that cannot be rendered never will be: permanent.
            Err(error) => Err((false, error.to_string())),
            Ok(mail) => self
                .mailer
                .send(&mail)
                .await
                .map_err(|e| (e.is_transient(), e.to_string())),
        };
        let id = job.id;
        match result {
            Ok(()) => {
                blocking(&self.pool, move |c| mark_sent(c, id)).await?;
                Ok(Outcome::Sent)
            }
            Err((transient, error)) => {
                let retry = transient && job.attempts < self.config.max_attempts;
                let retry_at =
                    retry.then(|| now() + chrono_duration(self.config.backoff(job.attempts)));
                tracing::warn!(job = id, attempts = job.attempts, retry, %error, "outbox send failed");
                blocking(&self.pool, move |c| mark_failed(c, id, &error, retry_at)).await?;
                Ok(if retry {
                    Outcome::Retry
                } else {
                    Outcome::Failed
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let config = WorkerConfig {
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(600),
            ..WorkerConfig::default()
        };
        assert_eq!(config.backoff(1), Duration::from_secs(30));
        assert_eq!(config.backoff(2), Duration::from_secs(60));
        assert_eq!(config.backoff(4), Duration::from_secs(240));
        assert_eq!(config.backoff(6), Duration::from_secs(600));
        assert_eq!(config.backoff(1000), Duration::from_secs(600));
    }
}
