"""The CIN children's facts and years are grouped from the scoped referrals, built first
(`quality.scope.FACTS_FROM`, `scope_sql.children_sql(facts_from=...)`), not from the store's
referrals joined to their loads again: the scoped table holds the same rows (the same WHERE),
and its `cy_end` is already a MULTI_YEAR load's row's year. The children are the same rows as
when grouped from the store's table, for a store holding a synthetic
England's loads only, yearly CIN census returns only, and both (the three ways the facts'
year is written; the same rows, as the order of a join's rows is DuckDB's to choose); and `referrals` is then a table of the scope, which the run reads rather
than copying it again (`runner._tables_of_run` copies views only).
"""

from __future__ import annotations

import pytest

from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.scope_sql import children_sql, unread
from csc_scorecard.store import Store
from csc_scorecard.synth import england


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A synthetic England's two authorities (372, 370) and one authority's (371) yearly CIN
    census returns, ingested, in one store."""
    from csc_scorecard.ingest.run import ingest
    from csc_scorecard.synth.authority import SynthConfig, generate
    from csc_scorecard.synth.writers import cin_census

    tmp = tmp_path_factory.mktemp("mixed")
    config = SynthConfig(size=0.03, first_year=2021, last_year=2022, la_code="371")
    files = cin_census.write(generate(config), tmp)
    with Store(":memory:") as store:
        england.write_store(store, ["372", "370"], england.Span(2022, 2022), seed=3)
        ingest(store, files, la_code="371")
        yield store


@pytest.mark.parametrize(
    "la_codes, kinds",
    [(["372", "370"], (True, False)), (["371"], (False, True)), (None, (True, True))],
)
def test_the_children_are_those_grouped_from_the_store(mixed, la_codes, kinds):
    scope = scoping.build(mixed.con, la_codes=la_codes, multi_year=True)
    try:
        con, at = scope.con, scope.schema("cin")
        multi, single = con.execute(
            f"SELECT bool_or(multi), bool_or(NOT multi) FROM {scope.loads['cin']}"
        ).fetchall()[0]
        assert (multi, single) == kinds
        kind = con.execute(
            "SELECT table_type FROM information_schema.tables "
            f"WHERE table_catalog = '{scope.catalog}' AND table_schema = 'scin' "
            "AND table_name = 'referrals'"
        ).fetchall()
        assert kind == [("BASE TABLE",)]
        store = f"{scope.store}.main"
        columns = con.sql(f"SELECT * FROM {store}.children LIMIT 0").columns
        from_store = children_sql(
            "cin",
            "children",
            f"SELECT * FROM {scope.loads['cin']}",
            store,
            multi=multi,
            single=single,
            unread=unread("cin", columns),
        )
        built = con.execute(f"SELECT * FROM {at}.child").fetchall()
        expected = con.execute(from_store).fetchall()
        assert len(built) > 100
        assert sorted(built, key=repr) == sorted(expected, key=repr)
        years = {r[0] for r in con.execute(f"SELECT DISTINCT cy_end FROM {at}.child").fetchall()}
        assert None not in years
    finally:
        scope.close()
