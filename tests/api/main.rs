//! Integration tests of the JSON API against a real server over a real SQLite file and a
//! real PostgreSQL database (each scenario runs on both).

mod support;

mod authz;
mod import;
mod itinerary;
mod outbox;
mod race;
mod scenario;
mod schedule;
mod validation;
