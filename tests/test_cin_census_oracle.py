"""The CIN census returns we write pass DfE's validation rules (csc-validator-be-cin, the oracle).

A failing rule of type "error" is a defect in the simulation or the writer, unless
docs/oracle.md lists it (with its reason) under "Errors a clean real authority would also get".
Queries ("please check": DfE's Q rules) are printed for the coordinator, not failed on.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from test_cin_census_roundtrip import small_authority

from csc_scorecard.synth.writers import cin_census

try:  # tests/ is not a package: pytest puts it on sys.path
    from oracle import oracle_available, report_cin
except ImportError:  # pragma: no cover - tests/ made a package later
    from tests.oracle import oracle_available, report_cin

REPO = Path(__file__).resolve().parents[1]
FIRST_RULESET_YEAR = 2023  # the package's oldest ruleset is cin2022_23 (docs/oracle.md)

pytestmark = pytest.mark.oracle


@pytest.fixture(scope="module", autouse=True)
def cin_oracle():
    if not oracle_available("cin"):
        pytest.skip("CIN oracle venv cannot be built here (scripts/oracle-env.sh cin)")


def allowed_errors() -> set[str]:
    """CIN rules docs/oracle.md excuses: rows of its 'clean real authority' table."""
    text = (REPO / "docs" / "oracle.md").read_text(encoding="utf-8")
    section = text.split("## Errors a clean real authority would also get", 1)[-1]
    rows = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|")
    ]
    return {r[2] for r in rows[2:] if len(r) > 2 and r[0].upper() == "CIN" and r[2]}


def ruleset_year(year: int) -> str:
    # The package has no ruleset before 2022-23; earlier returns (same schema but for codes 5D and
    # RC9, which only widen it) are checked against the oldest one.
    return str(max(year, FIRST_RULESET_YEAR))


def check(xml: Path, year: int) -> tuple[list[dict], list[dict]]:
    report = report_cin(xml, ruleset_year(year))
    assert report["crashed"] == [], report["crashed"]
    assert report["census_year"] == str(year)
    errors = [
        f for f in report["failures"] if f["type"] == "error" and f["rule"] not in allowed_errors()
    ]
    queries = [f for f in report["failures"] if f["type"] == "query"]
    for f in queries:
        print(
            f"CIN {year} query {f['rule']} x{f['count']}: {f['description']} e.g. {f['examples']}"
        )
    return errors, queries


def describe(errors: list[dict]) -> str:
    return "\n".join(
        f"{f['rule']} x{f['count']}: {f['description']} e.g. {f['examples']}" for f in errors
    )


def test_hand_made_returns_pass(tmp_path):
    files = {
        int(re.search(r"\d{4}", p.name)[0]): p
        for p in cin_census.write(small_authority(), tmp_path)
    }
    for year in (2023, 2024, 2025, 2026):
        errors, queries = check(files[year], year)
        assert errors == [], describe(errors)
        # 2887Q: the package counts NONE disabilities only (docs/oracle.md); 8770Q: the hand-made
        # children C2 and C4 are of school age with UN1 or no UPN.
        assert {q["rule"] for q in queries} <= {"2887Q", "8770Q"}


def test_generated_authority_last_complete_year_passes(tmp_path):
    pytest.importorskip("csc_scorecard.synth.children")
    from test_cin_census_roundtrip import generated

    authority = generated()
    complete = [y for y in authority.collection_years() if date(y, 3, 31) <= authority.end]
    year = complete[-1]
    cin_census.write(authority, tmp_path)
    errors, _ = check(tmp_path / "cin_census" / f"cin_{year}.xml", year)
    assert errors == [], describe(errors)
