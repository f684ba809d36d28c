"""Issue 13, items 6-8: nothing leaked. The publication version of the report, in every format
(HTML, PDF text, DOCX XML, XLSX cells, JSON), holds no identifier of a child or worker present in
the store, no data-quality message quoting a raw cell, no count from 1 to 5 outside a suppressed
figure; commentary stating such a number is refused unless confirmed."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import report_fixtures as rf
from pypdf import PdfReader

from csc_scorecard.report import render
from csc_scorecard.report.commentary import Commentary
from csc_scorecard.report.context import build_context
from csc_scorecard.report.provenance import rule_words
from csc_scorecard.report.publication import (
    CommentaryNumbers,
    PublicationRules,
    check_commentary,
    small_numbers_in,
)
from csc_scorecard.store import Store

FORMATS = ("html", "pdf", "docx", "xlsx", "json")


@pytest.fixture(scope="module")
def published():
    return rf.report_context(publication=True)


@pytest.fixture(scope="module")
def outputs(published, tmp_path_factory) -> dict[str, str]:
    """Each publication output as the text a reader (or a script) can get out of it."""
    folder = tmp_path_factory.mktemp("publication")
    text = {}
    for fmt in FORMATS:
        path = render(published, fmt, folder / f"report.{fmt}")
        text[fmt] = _text(fmt, path)
    return text


def _text(fmt: str, path: Path) -> str:
    if fmt == "pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if fmt == "docx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(
                z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
            )
    if fmt == "xlsx":
        book = openpyxl.load_workbook(path)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return path.read_text(encoding="utf-8")


def _store_values(sql: str) -> set[str]:
    with Store(rf.store_path(), read_only=True) as store:
        return {r[0] for r in store.con.execute(sql).fetchall() if r[0]}


def test_the_fixture_has_what_could_leak():
    """The checks below would find something if it were there."""
    assert len(_identifiers()) > 100
    assert _quoting_messages()


def _identifiers() -> set[str]:
    """Child and worker identifiers in the store (long enough not to be mistaken for numbers)."""
    found = set()
    for sql in (
        "SELECT DISTINCT child_id FROM children",
        "SELECT DISTINCT upn FROM children",
        "SELECT DISTINCT child_id FROM cla_episodes",
        "SELECT DISTINCT worker_id FROM workers",
        "SELECT DISTINCT swe_no FROM workers",
    ):
        found |= {v for v in _store_values(sql) if len(v) >= 5 and not v.startswith("UN")}
    return found


def _quoting_messages() -> set[str]:
    """Data-quality messages that quote a raw cell ("DOB: '31/02/2009' is not ...")."""
    return _store_values("SELECT DISTINCT message FROM dq_issues WHERE message LIKE '%''%''%'")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_child_or_worker_identifier_in_any_output(outputs, fmt):
    text = outputs[fmt]
    leaked = [i for i in _identifiers() if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert leaked == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_data_quality_message_quoting_a_raw_cell_in_any_output(outputs, fmt):
    quoted = {re.search(r"'[^']+'", m)[0] for m in _quoting_messages()}
    assert [q for q in quoted if q in outputs[fmt] and len(q) > 4] == []


def test_publication_issues_carry_rule_field_and_count_only(published):
    assert published.data_quality.issues
    for issue in published.data_quality.issues:
        assert issue.message == rule_words(issue.rule, issue.count) and issue.rows == []
    internal = rf.report_context()
    assert any(i.message != rule_words(i.rule, i.count) for i in internal.data_quality.issues)


def _counts(doc) -> list[tuple[str, float]]:
    """Every count (a figure whose unit is count, or a number of children in the finance and
    staffing sections' data) with its JSON path."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            unit = node.get("unit")
            if unit == "count" and isinstance(node.get("value"), int | float):
                found.append((path, node["value"]))
            for k, v in node.items():
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}/{i}")

    walk(doc, "")
    projection = (doc.get("finance") or {}).get("projection") or {}
    found += [
        (f"/finance/projection/start_counts/{g}", n)
        for g, n in projection.get("start_counts", {}).items()
    ]
    for key in ("history", "flows"):  # points stay (cited dates): docs/security.md known limits
        for i, p in enumerate(projection.get(key, [])):
            for k in ("mean", "median", "low", "high", "count", "children_now"):
                if isinstance(p.get(k), int | float):
                    found.append((f"/finance/projection/{key}/{i}/{k}", p[k]))
    for i, p in enumerate(((doc.get("finance") or {}).get("charts") or {}).get("projection", [])):
        for k in ("value", "low", "high"):
            if isinstance(p.get(k), int | float):
                found.append((f"/finance/charts/projection/{i}/{k}", p[k]))
    return found


def test_no_small_count_in_the_publication_json(outputs):
    rules = PublicationRules()
    doc = json.loads(outputs["json"])
    assert doc["publication"]["enabled"]
    small = [
        (p, v) for p, v in _counts(doc) if 0 < v and rules.min_count <= round(v) <= rules.max_count
    ]
    assert small == []


def test_the_internal_json_has_the_counts_the_publication_leaves_out():
    """The scan finds small counts where they exist: the internal context has them."""
    rules = PublicationRules()
    doc = json.loads(rf.report_context().model_dump_json())
    assert any(0 < v and rules.min_count <= round(v) <= rules.max_count for _, v in _counts(doc))


# -- item 8: commentary stating a small number ----------------------------------------------------


def test_small_numbers_are_found_in_free_text():
    rules = PublicationRules()
    assert small_numbers_in("2 of the authority's homes are in c/6 areas", rules) == [2]
    assert small_numbers_in("Q1 2022-23: 5% up, 1.5 weeks, £3m, 12 children", rules) == []


def test_publication_commentary_with_a_small_number_is_refused_naming_the_item():
    commentary = {
        ("C09", "2022-Q1"): Commentary(
            "C09", "2022-Q1", "2 of the authority's homes closed.", None, 2
        )
    }
    with (
        Store(rf.store_path(), read_only=True) as store,
        pytest.raises(CommentaryNumbers) as err,
    ):
        build_context(store, rf.LA, rf.PERIOD, commentary=commentary, publication=True,
                      run=rf.measure_run())  # fmt: skip
    assert "states numbers from 1 to 5" in str(err.value) and "C09 2022-Q1 (2)" in str(err.value)
    # The synthetic authority's own manual-values commentary is named too.
    assert "residential_homes_good_or_better 2022-Q1 (manual values) (2)" in str(err.value)
    assert "--allow-commentary-numbers" in str(err.value)
    check_commentary({"C09 2022-Q1": "2 of the homes"}, PublicationRules(), allowed=True)
