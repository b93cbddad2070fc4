//! Mail transports (SMTP, files, memory) and the itinerary email.
