"""The synthetic writers side by side in forked processes (synth.writers, forked): the same
bytes as one process writes, and a failure in the other process said in one line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.forked import Forked, ForkedError, can_fork
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import generate_and_write, name, write_all, writers

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork")


@pytest.fixture(scope="module")
def authority():
    return generate(SynthConfig(size=0.05, first_year=2020, last_year=2022))


def members(path: Path) -> dict[str, bytes]:
    """An xlsx file's members but the creation time xlsxwriter stamps in docProps/core.xml."""
    with zipfile.ZipFile(path) as book:
        return {m: book.read(m) for m in book.namelist() if m != "docProps/core.xml"}


def assert_same_files(one: Path, two: Path) -> None:
    everything = sorted(p.relative_to(one) for p in one.rglob("*.*"))
    assert everything == sorted(p.relative_to(two) for p in two.rglob("*.*"))
    assert {p.parts[0] for p in everything} >= {"ssd", "annex_a", "cin_census", "templates"}
    for relative in everything:
        a, b = one / relative, two / relative
        if relative.suffix == ".xlsx":
            assert members(a) == members(b), relative
        else:
            assert a.read_bytes() == b.read_bytes(), relative


def test_two_processes_write_the_same_files_as_one(authority, tmp_path):
    one = write_all(authority, tmp_path / "one", processes=1)
    two = write_all(authority, tmp_path / "two", processes=2)
    # the same files, listed in the same order (the writers' order, whichever process wrote)
    assert [p.relative_to(tmp_path / "one") for p in one] == [
        p.relative_to(tmp_path / "two") for p in two
    ]
    assert_same_files(tmp_path / "one", tmp_path / "two")


def test_formats_written_while_the_casework_is_simulated_are_the_same(authority, tmp_path):
    """The EARLY formats are written from the tables as they stand after the stage each needs:
    the same bytes as from the finished authority."""
    one = write_all(authority, tmp_path / "one", processes=1)
    made, early = generate_and_write(
        authority.config, tmp_path / "early", [name(m) for m in writers()], processes=2
    )
    assert sorted(made.tables) == sorted(authority.tables)
    assert [p.relative_to(tmp_path / "one") for p in one] == [
        p.relative_to(tmp_path / "early") for p in early
    ]
    assert_same_files(tmp_path / "one", tmp_path / "early")


def test_every_writer_has_a_measured_cost():
    from csc_scorecard.synth.writers import COST

    assert sorted(COST) == sorted(name(m) for m in writers())


def _fails(text: str) -> None:
    raise ValueError(text)


def test_a_failure_in_the_forked_process_comes_back_as_one_line():
    with pytest.raises(ForkedError) as caught:
        Forked("drawing the charts", _fails, "no such\nchart").result()
    assert str(caught.value) == "drawing the charts: ValueError: no such chart"
    assert Forked("adding", sum, [1, 2, 3]).result() == 6


def test_synth_says_in_one_line_which_format_it_could_not_write(tmp_path):
    out = tmp_path / "extracts"
    out.mkdir()
    # a file where the Annex A folder should be: written in a forked process of its own, started
    # as soon as the workforce is simulated (synth.writers.EARLY)
    (out / "annex_a").write_text("in the way")
    result = CliRunner().invoke(
        app, ["synth", "--out", str(out), "--size", "0.05", "--years", "2021-2022"]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("Error: writing annex_a: ")
    assert "the synthetic annex_a files could not be written" in lines[0]
    assert str(out / "annex_a") in lines[0]
