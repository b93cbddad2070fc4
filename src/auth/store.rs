//! Organisers, sessions, API tokens and participant links in the database.

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{new_token, token_hash, Principal};
use crate::db::models::{
    NewApiToken, NewOrganiser, NewOrganiserSession, NewParticipantLink, OrganiserRow,
};
use crate::db::schema::{
    api_tokens, events, organiser_sessions, organisers, participant_links, participants,
};
use crate::db::Conn;
use crate::domain::single_line;
use crate::error::{AppError, AppResult};
use crate::service::{now, Check};
use crate::with_conn;

/// How long a login lasts.
pub const SESSION_DAYS: i64 = 14;
/// How long a participant's link works unless revoked or re-sent.
pub const LINK_DAYS: i64 = 30;
const MIN_PASSWORD: usize = 10;
const MAX_PASSWORD: usize = 1024;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Organiser {
    pub id: i64,
    pub email: String,
    pub name: String,
}

fn to_organiser(row: OrganiserRow) -> Organiser {
    Organiser {
        id: row.id,
        email: row.email,
        name: row.name,
    }
}

fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash nobody's password matches, verified for unknown e-mails so that a login takes as
/// long whether the account exists or not.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
}

fn normalise_email(email: &str, check: &mut Check) -> Option<String> {
    let email = email.trim().to_lowercase();
    let shape_ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if shape_ok {
        Some(email)
    } else {
        check.fail("email", "is not an e-mail address");
        None
    }
}

/// Whether an organiser exists at all (signup of the first one is free).
pub fn any_organiser(conn: &mut Conn) -> AppResult<bool> {
    let n: i64 = with_conn!(conn, |c| organisers::table.count().get_result(c))?;
    Ok(n > 0)
}

pub fn signup(conn: &mut Conn, email: &str, name: &str, password: &str) -> AppResult<Organiser> {
    let mut check = Check::new();
    let email = normalise_email(email, &mut check);
    let name = check.take(single_line(name, "name", 200));
    let length = password.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&length) {
        check.fail(
            "password",
            format!("must have {MIN_PASSWORD} to {MAX_PASSWORD} characters"),
        );
    }
    check.into_result()?;
    let (Some(email), Some(name)) = (email, name) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let row = NewOrganiser {
        email,
        name,
        password_hash: hash_password(password)?,
        created_at: now(),
    };
    let first = !any_organiser(conn)?;
    let stored: OrganiserRow = with_conn!(conn, |c| diesel::insert_into(organisers::table)
        .values(&row)
        .returning(OrganiserRow::as_returning())
        .get_result(c))
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => {
            AppError::conflict("email", "an organiser with this e-mail already exists")
        }
        other => other,
    })?;
    if first {
        // The installation's first organiser adopts the events made before sign-in existed.
        with_conn!(conn, |c| diesel::update(
            events::table.filter(events::organiser_id.is_null())
        )
        .set(events::organiser_id.eq(Some(stored.id)))
        .execute(c))?;
    }
    Ok(to_organiser(stored))
}

/// Sets a new password for the organiser with this e-mail; `false` when there is none.
pub fn reset_password(conn: &mut Conn, email: &str, password: &str) -> AppResult<bool> {
    let hash = hash_password(password)?;
    let email = email.trim().to_lowercase();
    let n = with_conn!(conn, |c| diesel::update(
        organisers::table.filter(organisers::email.eq(&email))
    )
    .set(organisers::password_hash.eq(hash))
    .execute(c))?;
    Ok(n > 0)
}

/// Checks the password and opens a session; returns the organiser and the session token.
pub fn login(conn: &mut Conn, email: &str, password: &str) -> AppResult<(Organiser, String)> {
    let email = email.trim().to_lowercase();
    let found: Option<OrganiserRow> = with_conn!(conn, |c| organisers::table
        .filter(organisers::email.eq(&email))
        .select(OrganiserRow::as_select())
        .first(c)
        .optional())?;
    let stored = found.as_ref().map_or(decoy_hash(), |r| &r.password_hash);
    let matches = verify_password(password, stored);
    let Some(row) = found.filter(|_| matches) else {
        return Err(AppError::Unauthorized("wrong e-mail or password".into()));
    };
    let token = new_token();
    let at = now();
    let session = NewOrganiserSession {
        organiser_id: row.id,
        token_hash: token_hash(&token),
        created_at: at,
        expires_at: at + Duration::days(SESSION_DAYS),
    };
    with_conn!(conn, |c| diesel::insert_into(organiser_sessions::table)
        .values(&session)
        .execute(c))?;
    Ok((to_organiser(row), token))
}

pub fn logout(conn: &mut Conn, session_token: &str) -> AppResult<()> {
    let hash = token_hash(session_token);
    with_conn!(conn, |c| diesel::delete(
        organiser_sessions::table.filter(organiser_sessions::token_hash.eq(&hash))
    )
    .execute(c))?;
    Ok(())
}

pub fn create_api_token(conn: &mut Conn, organiser_id: i64, name: &str) -> AppResult<String> {
    let name = single_line(name, "name", 200)?;
    let token = new_token();
    let row = NewApiToken {
        organiser_id,
        name,
        token_hash: token_hash(&token),
        created_at: now(),
    };
    with_conn!(conn, |c| diesel::insert_into(api_tokens::table)
        .values(&row)
        .execute(c))?;
    Ok(token)
}

/// Which credential a request presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Session,
    ApiToken,
    ParticipantLink,
}

/// The caller a token stands for, or `None` when it is unknown, expired or revoked.
pub fn resolve(conn: &mut Conn, kind: CredentialKind, token: &str) -> AppResult<Option<Principal>> {
    let hash = token_hash(token);
    let at = now();
    Ok(match kind {
        CredentialKind::Session => with_conn!(conn, |c| organiser_sessions::table
            .filter(organiser_sessions::token_hash.eq(&hash))
            .filter(organiser_sessions::expires_at.gt(at))
            .select(organiser_sessions::organiser_id)
            .first::<i64>(c)
            .optional())?
        .map(|id| Principal::Organiser { id }),
        CredentialKind::ApiToken => with_conn!(conn, |c| api_tokens::table
            .filter(api_tokens::token_hash.eq(&hash))
            .select(api_tokens::organiser_id)
            .first::<i64>(c)
            .optional())?
        .map(|id| Principal::Organiser { id }),
        CredentialKind::ParticipantLink => with_conn!(conn, |c| participant_links::table
            .filter(participant_links::token_hash.eq(&hash))
            .filter(participant_links::expires_at.gt(at))
            .filter(participant_links::revoked_at.is_null())
            .select((
                participant_links::event_id,
                participant_links::participant_id
            ))
            .first::<(i64, i64)>(c)
            .optional())?
        .map(|(event_id, participant_id)| Principal::Participant {
            event_id,
            participant_id,
        }),
    })
}

fn participant_in_event(conn: &mut Conn, event_id: i64, participant_id: i64) -> AppResult<()> {
    let known: i64 = with_conn!(conn, |c| participants::table
        .filter(participants::id.eq(participant_id))
        .filter(participants::event_id.eq(event_id))
        .count()
        .get_result(c))?;
    if known == 0 {
        return Err(AppError::not_found("participant", participant_id));
    }
    Ok(())
}

fn revoke(conn: &mut Conn, participant_id: i64, at: NaiveDateTime) -> AppResult<()> {
    with_conn!(conn, |c| diesel::update(
        participant_links::table
            .filter(participant_links::participant_id.eq(participant_id))
            .filter(participant_links::revoked_at.is_null()),
    )
    .set(participant_links::revoked_at.eq(Some(at)))
    .execute(c))?;
    Ok(())
}

/// A new personal link for a participant; earlier links of theirs stop working.
pub fn issue_link(
    conn: &mut Conn,
    event_id: i64,
    participant_id: i64,
) -> AppResult<(String, NaiveDateTime)> {
    new_link(conn, event_id, participant_id, true)
}

/// A personal link for one e-mail. Links sent earlier keep working, so an older message
/// still opens the participant's page; revoking ends them all.
pub fn mail_link(conn: &mut Conn, event_id: i64, participant_id: i64) -> AppResult<String> {
    new_link(conn, event_id, participant_id, false).map(|(token, _)| token)
}

fn new_link(
    conn: &mut Conn,
    event_id: i64,
    participant_id: i64,
    revoke_earlier: bool,
) -> AppResult<(String, NaiveDateTime)> {
    let token = new_token();
    let at = now();
    let expires_at = at + Duration::days(LINK_DAYS);
    let row = NewParticipantLink {
        event_id,
        participant_id,
        token_hash: token_hash(&token),
        created_at: at,
        expires_at,
    };
    conn.transaction(|conn| {
        participant_in_event(conn, event_id, participant_id)?;
        if revoke_earlier {
            revoke(conn, participant_id, at)?;
        }
        with_conn!(conn, |c| diesel::insert_into(participant_links::table)
            .values(&row)
            .execute(c))?;
        Ok::<_, AppError>(())
    })?;
    Ok((token, expires_at))
}

/// Revokes the participant's links; 404 when the participant is not in the event.
pub fn revoke_links(conn: &mut Conn, event_id: i64, participant_id: i64) -> AppResult<()> {
    participant_in_event(conn, event_id, participant_id)?;
    revoke(conn, participant_id, now())
}
