"""`scorecard report` prints the PDF in a forked process while it writes the other formats
(commands/report.py `_write`): every file is written, and a failure while printing is one line.

The renderers are replaced by one that writes the format's name, so that what is tested is the
orchestration, not the (slow) rendering; the forked process inherits the replacement."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import csc_scorecard.cli  # noqa: F401 - registers the commands (a command module first is circular)
from csc_scorecard import report as report_package
from csc_scorecard.commands.report import _said, _write
from csc_scorecard.forked import ForkedError, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork")

CONTEXT = SimpleNamespace(
    authority=SimpleNamespace(name="Synthetic authority"),
    period=SimpleNamespace(label="Q1 2022/23", id="2022-Q1"),
)


def _writes_its_name(context, fmt: str, path: Path) -> Path:
    if fmt == "pdf" and getattr(context, "broken", False):
        raise RuntimeError("no fonts\nfound")
    path.write_text(f"{fmt} of {context.authority.name}")
    return path


@pytest.fixture
def renderers(monkeypatch):
    monkeypatch.setattr(report_package, "render", _writes_its_name)


def test_every_format_is_written_and_the_pdf_said_last(renderers, tmp_path, capsys):
    _said(_write(CONTEXT, "371", ["html", "pdf", "docx"], tmp_path, False, time.perf_counter()))
    stem = tmp_path / "371_2022-Q1_performance_report"
    for fmt in ("html", "pdf", "docx"):
        assert stem.with_suffix(f".{fmt}").read_text() == f"{fmt} of Synthetic authority"
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Report context for Synthetic authority (371), Q1 2022/23")
    assert [line.split()[0] for line in lines[1:]] == ["html", "docx", "pdf"]


def test_a_failure_printing_the_pdf_is_one_line_and_the_rest_is_written(renderers, tmp_path):
    broken = SimpleNamespace(**vars(CONTEXT), broken=True)
    with pytest.raises(ForkedError) as caught:
        _said(_write(broken, "371", ["html", "pdf"], tmp_path, False, time.perf_counter()))
    assert str(caught.value) == "the pdf report: RuntimeError: no fonts found"
    assert caught.value.exit_code == 2
    assert (tmp_path / "371_2022-Q1_performance_report.html").is_file()
    assert not (tmp_path / "371_2022-Q1_performance_report.pdf").exists()
