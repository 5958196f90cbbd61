"""spaCy components of the borderie pipeline (registered in borderie.registrations)."""
