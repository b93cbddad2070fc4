//! The JSON API under /api/v1, the OpenAPI document and the pages.
