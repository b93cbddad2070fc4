//! Outbox jobs enqueued in the caller's transaction, and the worker that sends them.
