"""The dashboard's quarter menu ends where the loaded data end (`data_dates`, to the loads'
extraction): a quarter wholly after it is not offered, and one the extraction cuts short is
offered and says so as `scorecard measures` does ('to 15/05/2022, where the loaded data end').
It was decided from the counted tables' last activity date alone, to the loads' period end,
not their extraction: a quarter cut short was left out of the menu (the 903 returns extracted
on 15/05/2022 ended it at Q4 2021/22, extracted on 20/03/2022 at Q3 2021/22), though
`scorecard measures` counts it to the extraction."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app as cli_app
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import write_all
from csc_scorecard.web.app import create_app
from csc_scorecard.web.data import Config
from csc_scorecard.web.routes.common import quarter_options
from csc_scorecard.web.state import state_path

LA = "371"


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("extracts")
    write_all(generate(SynthConfig(size=0.05, first_year=2021, last_year=2022, la_code=LA)), root)
    return root


def menu(extracts: Path, folder: Path, extracted: str, *years: str) -> list[dict[str, str]]:
    store = folder / "store.duckdb"
    paths = [str(extracts / "ssda903" / y) for y in years]
    r = CliRunner().invoke(
        cli_app, ["ingest", *paths, "--la", LA, "--store", str(store), "--extracted", extracted]
    )
    assert r.exit_code == 0, r.output
    web = create_app(Config(store=store, state=state_path(store))).state.web
    return quarter_options(web)


def test_a_quarter_the_extraction_cuts_short_says_so(extracts, tmp_path):
    options = menu(extracts, tmp_path, "2022-05-15", "2022", "2023")
    assert options[-1] == {
        "id": "2022-Q1",
        "label": "Q1 2022/23, to 15/05/2022, where the loaded data end",
    }
    assert options[-2] == {"id": "2021-Q4", "label": "Q4 2021/22"}


def test_a_quarter_wholly_after_the_data_is_not_offered(extracts, tmp_path):
    options = menu(extracts, tmp_path, "2022-03-20", "2022")
    assert options[0]["id"] == "2021-Q1"
    assert options[-1] == {
        "id": "2021-Q4",
        "label": "Q4 2021/22, to 20/03/2022, where the loaded data end",
    }
