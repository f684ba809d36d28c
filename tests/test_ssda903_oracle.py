"""The synthetic authority's 903 passes DfE's own rules (the oracle, tests/oracle, docs/oracle.md).

The DfE rule pack (`csc-validator-be-903`) has rules from 2022-23 on, so the authority is
simulated to 30 June 2024 and its last complete return, 2023-24, is checked with the 2022-23
return as last year's (rules such as 1001, NoE and 503 need it). Every DfE *error* must be
absent unless `docs/oracle.md` lists it for the 903 with a reason, as a row of its table
"Errors a clean real authority would also get". Queries (DfE's warnings) are printed, not failed.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml

try:  # tests/ is not a package: pytest puts it on sys.path
    from oracle import oracle_available, report_903
except ImportError:  # tests/ made a package later
    from tests.oracle import oracle_available, report_903

from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import ssda903

DOCS = Path(__file__).resolve().parents[1] / "docs" / "oracle.md"
CONFIG = SynthConfig(size=0.2, first_year=2019, last_year=2024)


def allowed_failures() -> dict[str, str]:
    """903 rules docs/oracle.md accepts on the synthetic authority: {rule: reason}."""
    section = DOCS.read_text(encoding="utf-8").split(
        "## Errors a clean real authority would also get", 1
    )[-1]
    rows = [
        [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|")
    ]
    # columns: return, ruleset, rule, type, count, why a clean authority gets it too, what would silence it
    return {r[2]: r[5] for r in rows[2:] if len(r) > 5 and r[0] == "903" and r[2]}


def ons_code(la_code: str) -> str:
    """The authority's ONS code, which the in/out-of-area rules (e.g. 1015) compare with."""
    text = resources.files("csc_scorecard.synth").joinpath("postcodes.yaml").read_text()
    return yaml.safe_load(text)["areas"][la_code]["gss"]


def last_complete_year(end: date) -> int:
    return end.year if end >= date(end.year, 3, 31) else end.year - 1


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    if not oracle_available("903"):
        pytest.skip("903 oracle venv cannot be built here (scripts/oracle-env.sh 903)")
    authority = generate(CONFIG)
    out = tmp_path_factory.mktemp("synth903")
    ssda903.write(authority, out)
    year = last_complete_year(authority.end)
    assert year == 2024
    this_year = sorted((out / "ssda903" / str(year)).glob("*.csv"))
    last_year = sorted((out / "ssda903" / str(year - 1)).glob("*.csv"))
    return report_903(
        this_year, str(year), previous_year=last_year, local_authority=ons_code(authority.la_code)
    )


@pytest.mark.oracle
def test_every_written_table_is_read_by_the_dfe_validator(report):
    assert report["file_format"] == "csv"
    for name in ("Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption",
                 "PrevPerm", "Missing", "SWEpisodes"):  # fmt: skip
        assert name in report["tables"], name
    assert report["tables"]["Episodes"] > 50 and report["tables"]["Header"] > 20
    assert report["crashed"] == [], report["crashed"]


@pytest.mark.oracle
def test_synthetic_903_breaks_no_dfe_rule_except_documented_ones(report):
    allowed = allowed_failures()
    errors = [f for f in report["failures"] if f["type"] == "error" and f["rule"] not in allowed]
    for f in report["failures"]:
        print(f"{f['rule']:>9} {f['type']:5} {f['count']:5} rows {f['tables']} e.g. {f['examples'][:3]}: "
              f"{f['description'][:120]}")  # fmt: skip
    assert not errors, "DfE 903 errors not documented in docs/oracle.md: " + ", ".join(
        f"{f['rule']} ({f['count']} rows: {f['description'][:80]})" for f in errors
    )
