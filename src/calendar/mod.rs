//! iCalendar rendering (RFC 5545/5546): invitations, updates, cancellations and feeds.
