"""The only writers: every change goes through these functions, whichever door it came in by."""
