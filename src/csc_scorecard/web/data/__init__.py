"""Everything the dashboard reads from the store, cached by the load history.

`Data` is the one reader the routes use; each part lives in the module named after the page
it feeds:

* `reader`: the store opened per request (read-only; a short read-write gate for uploads),
  the store's fingerprint, values kept per load history and built on the build thread;
* `contexts`: the quarters the store covers, the measure run and the report context per
  quarter (kept on disk too), the analysts' commentary, the framework;
* `drilldown`: the member rows behind a measure (the children and workers pages);
* `teams`: teams' caseloads, spans and supervision, and each team's part of the measures;
* `quality`: the faults in the data with their owners (the data-quality page);
* `uploads`: the load history and uploads with their progress;
* `reports`: report files built, listed and served.
"""

from __future__ import annotations

from csc_scorecard.web.data.quality import DataQuality
from csc_scorecard.web.data.reader import (
    BadRequest,
    Config,
    NoAuthority,
    Preparing,
    StoreBusy,
    StoreUnusable,
)
from csc_scorecard.web.data.reports import Reports
from csc_scorecard.web.data.teams import Teams
from csc_scorecard.web.data.uploads import Upload, Uploads

__all__ = [
    "BadRequest",
    "Config",
    "Data",
    "NoAuthority",
    "Preparing",
    "StoreBusy",
    "StoreUnusable",
    "Upload",
]


class Data(Teams, DataQuality, Uploads, Reports):
    """The dashboard's one reader of measures, contexts and store tables."""
