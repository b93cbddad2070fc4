//! The event model as validated values.
