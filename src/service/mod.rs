//! Use cases: validate input, read and write through [`crate::db`], return output records.
//! The HTTP handlers, the CSV import and the demo seeding all go through these functions,
//! so every path applies the same rules.

pub mod events;
pub mod golden;
pub mod groups;
pub mod import;
pub mod interpreters;
pub mod itinerary;
pub mod organisations;
pub mod participants;
pub mod planning;
pub mod programme;
pub mod requests;
pub mod schedule;
pub mod self_booking;

use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::DomainError;
use crate::error::{AppError, AppResult, FieldError};

/// The current instant as stored (UTC, no offset).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Collects every field error of one input before refusing it, so a form shows them all.
#[derive(Debug, Default)]
pub struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value, or records the error and returns `None`.
    pub fn take<T>(&mut self, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError {
                    field: e.field,
                    message: e.message,
                });
                None
            }
        }
    }

    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok` when nothing was recorded, else every recorded error at once.
    pub fn into_result(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.errors))
        }
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

/// `?page=&per_page=` of list endpoints.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

impl PageQuery {
    pub fn resolve(&self) -> AppResult<(i64, i64)> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        if page == 0 || page > i32::MAX as u32 {
            return Err(AppError::invalid(
                "page",
                "pages are numbered from 1 to 2147483647",
            ));
        }
        if !(1..=500).contains(&per_page) {
            return Err(AppError::invalid("per_page", "must be between 1 and 500"));
        }
        Ok((i64::from(page), i64::from(per_page)))
    }
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// Parses a JSON text column written by this program; a failure is our fault, not the user's.
pub fn stored_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> AppResult<T> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(format!("stored {what} unreadable: {e}")))
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}
