//! The bilateral-meeting solver: pure (no IO, no database, no wall clock but a deadline passed in).
