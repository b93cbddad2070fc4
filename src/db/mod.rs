//! Database access: pool, schema and repositories, on SQLite or PostgreSQL.
