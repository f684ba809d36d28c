"""One module per CLI command; each does `from csc_scorecard.cli import app` and decorates."""
