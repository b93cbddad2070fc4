//! matchtour: schedules virtual and hybrid matchmaking events between Europe and China.
//!
//! Layers, from the inside out: [`solver`] (pure), [`domain`] and [`tz`] (validated values),
//! [`db`] (diesel on SQLite or PostgreSQL), [`calendar`] and [`mail`] (what participants
//! receive), [`outbox`] (mail jobs), [`http`] (JSON API and pages), [`cli`] (the binary).

pub mod auth;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod mail;
pub mod outbox;
pub mod service;
pub mod solver;
pub mod tz;
