"""The canonical store: one DuckDB file holding every authority's canonical and reference tables.

Loads are all-or-nothing: `Store.load` writes every batch in one transaction, so a failure
leaves the file exactly as it was. Within a load, rows replace what they cover:
1. a reload of the same source format, authority and period removes that earlier load's rows,
   except that a row it reloads keeps, in the columns the return does not supply, the values
   other loads' rows gave it when merged (rule 2), so loading a return twice stores what once
   does (where the earlier load was read from files of the same kinds: `loading._merge`);
2. a row whose natural key (tables.yaml `key`) matches a row from another load replaces it,
   keeping the older values of columns the new source does not supply or leaves blank (two
   annual 903 returns both carry an episode open across 31 March; AD1 and Annex A list 10
   describe one adoption). A blank never erases a value; a reload of the same return (rule 1)
   is how a value recorded in error is removed.
Duplicate keys *within* one load are all kept: they are data-quality issues, not format errors.
A batch marked `merge_by_key` (manual values: each row is one fact) skips rule 1 and replaces
each stored row with its key whole, blanks included; `batch.replaced` lists the keys replaced.
With `replace=True` it is reloaded as any other (rule 1: the earlier load of that file goes).

A reload that replaces an earlier load (rule 1) is reported (`Store.replaced`: rows before and
after) and refused when it would drop more than half the rows, unless `replace=True`: a folder
given the wrong year or a half-exported return should not silently erase a good one.

The file carries its schema version (`store_meta`); a store written by another version is
refused with a message saying how to rebuild it, never read half-understood. A store that
cannot be opened (missing, locked by another command, read-only, not a DuckDB file) or written
(disk full) raises `StoreError` with one line saying so.

The package: `opening.py` (opening, schema and version checks), `loading.py` (writing loads),
`bookkeeping.py` (reading canonical rows and the store's own tables: loads, issues, coverage,
manual values), `manual.py` (`ManualValue`), `results.py` (the stored measure results, their
compiled SQL and the content fingerprints), `snapshots.py` (the published figures, the DfE
rules' fault snapshots and the copy of a store as at a date). Only this package writes SQL against the store's
own tables (docs/architecture.md, "Who may write SQL"; tests/test_store_sql.py).
"""

from __future__ import annotations

from csc_scorecard.errors import StoreError
from csc_scorecard.store.bookkeeping import LoadRecord
from csc_scorecard.store.loading import ISSUE_SCHEMA, MAX_DROP, Loading, ReloadRefused
from csc_scorecard.store.manual import ManualValue
from csc_scorecard.store.opening import (
    DEFAULT_STORE,
    MIGRATIONS,
    REBUILD,
    SCHEMA_VERSION,
    SYSTEM_DDL,
    MissingStore,
    default_store_path,
)
from csc_scorecard.store.results import Results
from csc_scorecard.store.snapshots import Snapshots

__all__ = [
    "DEFAULT_STORE",
    "ISSUE_SCHEMA",
    "MAX_DROP",
    "MIGRATIONS",
    "REBUILD",
    "SCHEMA_VERSION",
    "SYSTEM_DDL",
    "LoadRecord",
    "ManualValue",
    "MissingStore",
    "ReloadRefused",
    "Store",
    "StoreError",
    "default_store_path",
]


class Store(Loading, Results, Snapshots):
    """A DuckDB file with the canonical schema. Use as a context manager or call `close()`."""
