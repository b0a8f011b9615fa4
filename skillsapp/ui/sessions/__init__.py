"""Group sessions: check-in, the projector (lesson and group quiz) and reports."""
