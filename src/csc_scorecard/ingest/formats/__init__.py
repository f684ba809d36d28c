"""One module per source format; each exposes `ADAPTER` (see `csc_scorecard.ingest.adapter`)."""
