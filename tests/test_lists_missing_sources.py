"""A list the store cannot tell is refused in one line naming what is missing, not answered
from nothing: with no case allocations loaded every open case read as unallocated and every
caseload as 0, and with no visits every child on a child protection plan as overdue (a CIN
census alone: 2,464 'unallocated' children and 321 'overdue' on the demo's 2016-17 return).

The store: one child on a CIN plan and a child protection plan since 1 April 2022, no
allocation, no visit, no worker.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from measure_fixtures import LA, load
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("missing") / "store.duckdb"
    with Store(p) as s:
        load(
            s,
            {
                "cp_plans": canonical("cp_plans", child_id=["C1"], start_date=[d(2022, 4, 1)]),
                "referrals": canonical("referrals", child_id=["C1"], referral_date=[d(2022, 4, 1)]),
            },
        )
    return p


def run(path, *args: str):
    return runner.invoke(
        app, [*args, "--date", "2022-06-30", "--store", str(path)], env={"COLUMNS": "200"}
    )


NO_ALLOCATIONS = f"Error: the store holds no case_allocations rows for LA {LA}: who holds each case is not known, so every "
NO_VISITS = (
    f"Error: the store holds no visits for LA {LA} (no cp_visits, cla_visits or cin_visits "
    "rows): every child on a plan or looked after would be listed as overdue"
)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["lists", "overdue-visits"], NO_VISITS),
        (["lists", "unallocated"], NO_ALLOCATIONS + "open case would be listed as unallocated"),
        (["lists", "caseloads"], NO_ALLOCATIONS + "caseload would read 0"),
        (["caseloads"], NO_ALLOCATIONS + "caseload would read 0"),
    ],
)
def test_a_list_the_store_cannot_tell_is_refused(path, args, said):
    r = run(path, *args)
    assert r.exit_code != 0
    line = r.output.strip().splitlines()[-1]
    assert line.startswith(said) and line.endswith(
        "docs/templates.md, or a Standard Safeguarding Dataset)"
    )


def test_a_list_with_some_visits_notes_the_kinds_left_out(path, tmp_path):
    """CIN visits loaded, child protection visits not: the CIN part is listed, the child
    protection part left out with a note, not every child on a plan listed as overdue."""
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(path, copy)
    with Store(copy) as s:
        load(
            s,
            {
                "cin_plans": canonical("cin_plans", child_id=["C1"], start_date=[d(2022, 4, 1)]),
                "cin_visits": canonical("cin_visits", child_id=["C1"], visit_date=[d(2022, 4, 4)]),
            },
        )
    r = run(copy, "lists", "overdue-visits", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert (
        "note: child protection visits left out: no cp_visits rows in the store for this authority"
    ) in r.output
    assert ",CP," not in r.stdout and ",CIN," in r.stdout
