//! The one mapping from errors to HTTP problem details (RFC 9457).
