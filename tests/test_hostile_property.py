"""Issue 13 item 16: any load either fully applies or leaves the store's content exactly as it
was - for arbitrary file content (hypothesis writes the files at test time) and for a load whose
batches fail part-way through."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_scorecard.ingest.run import IngestRefused, ingest
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.store import ReloadRefused, Store

LA = "371"


def content(store: Store) -> dict[str, list]:
    names = [r[0] for r in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    out = {}
    for name in sorted(names):
        with store.con.cursor() as cur:
            rows = cur.execute(f'SELECT * FROM "{name}"').fetchall()
        out[name] = sorted(map(repr, rows))
    return out


cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
files = st.one_of(
    st.binary(max_size=300),  # anything at all
    st.lists(st.lists(cells, min_size=1, max_size=4), max_size=6).map(  # CSV-shaped text
        lambda rows: (
            "team_id,team_name,front_line\n" + "\n".join(",".join(r) for r in rows)
        ).encode()
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=files, second=files)
def test_any_load_fully_applies_or_changes_nothing(tmp_path_factory, first, second):
    folder = tmp_path_factory.mktemp("prop")
    (folder / "teams.csv").write_bytes(first)
    (folder / "teams_2023.csv").write_bytes(second)
    with Store(folder / "store.duckdb") as store:
        store.load([_teams("T0", "Kept")])
        before = content(store)
        try:
            result = ingest(store, [folder / "teams.csv", folder / "teams_2023.csv"], la_code=LA)
        except (IngestRefused, ReloadRefused):
            assert content(store) == before
            return
        after = content(store)
        ids = [r[0] for r in store.con.execute("SELECT load_id FROM loads ORDER BY 1").fetchall()]
        assert ids == [1, *result.load_ids] == [1, 2, 3]  # both files, as loads of their own
        last = result.batches[-1].tables["teams"].column("team_id").to_pylist()
        stored = {r[0] for r in store.con.execute("SELECT team_id FROM teams").fetchall()}
        assert set(last) <= stored  # the last file's rows are all there
        assert after != before


def _teams(team: str, name: str, source: str = "template:teams:fixture.csv") -> LoadBatch:
    rows = pa.table({"team_id": [team], "team_name": [name]})
    return LoadBatch(source, LA, None, None, [source], tables={"teams": rows})


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 5), poisoned=st.integers(0, 4))
def test_a_load_failing_part_way_leaves_nothing_behind(tmp_path_factory, n, poisoned):
    folder = tmp_path_factory.mktemp("partway")
    with Store(Path(folder) / "store.duckdb") as store:
        store.load([_teams("T0", "Kept")])
        before = content(store)
        batches = [_teams(f"T{i + 1}", f"Team {i}", f"template:teams:{i}.csv") for i in range(n)]
        if poisoned < n:  # a batch the store cannot take: a column that is not canonical
            bad = batches[poisoned]
            bad.tables["teams"] = bad.tables["teams"].append_column("no_such_column", pa.array([1]))
        try:
            store.load(batches)
        except ValueError:
            assert poisoned < n
            assert content(store) == before
            return
        assert poisoned >= n
        assert store.con.execute("SELECT count(*) FROM teams").fetchall()[0][0] == 1 + n
