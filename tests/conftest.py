"""Shared fixtures: temporary stores, the public data folder, small canonical tables."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pytest

from csc_scorecard.model.schema import table
from csc_scorecard.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SCORECARD_SHARED", REPO.parent / "shared"))
PUBLIC_DATA = Path(os.environ.get("SCORECARD_PUBLIC_DATA", SHARED / "data" / "public"))
PEER_FIXTURES = SHARED / "data" / "peer-fixtures"

# Tests reading other projects' files or the public DfE/ONS folder say so and skip, with the
# reason, in a repository cloned on its own (the product itself needs neither: it ships its
# reference data).
needs_peer_fixtures = pytest.mark.skipif(
    not PEER_FIXTURES.is_dir(),
    reason=f"needs the peer fixtures in {PEER_FIXTURES} (other projects' files), absent here",
)


def peer_fixture(path: Path) -> Path:
    """`path` under the peer fixtures, or skip the calling test or fixture saying it is absent."""
    if not path.exists():
        pytest.skip(f"needs the peer fixture {path}, absent here")
    return path


needs_public_data = pytest.mark.skipif(
    not PUBLIC_DATA.is_dir(),
    reason=f"needs the public DfE/ONS files in {PUBLIC_DATA}, absent here",
)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "store.duckdb") as s:
        yield s


def canonical(name: str, /, **columns: list) -> pa.Table:
    """A canonical table (data columns only) from column lists; absent columns are NULL."""
    t = table(name)
    schema = t.arrow_schema()
    n = len(next(iter(columns.values())))
    unknown = set(columns) - set(t.data_column_names)
    assert not unknown, f"not columns of {name}: {unknown}"
    return pa.table(
        {
            c.name: pa.array(columns.get(c.name, [None] * n), type=schema.field(c.name).type)
            for c in t.data_columns
        }
    )
