"""Issue 13, items 6-8: nothing leaked. The publication version of the report, in every format
(HTML, PDF text, DOCX XML, XLSX cells, JSON), holds no identifier of a child or worker present in
the store, no data-quality message quoting a raw cell, no count from 1 to 5 outside a suppressed
figure; commentary stating such a number is refused unless confirmed."""

from __future__ import annotations

import json
import re
import zipfile
from functools import cache
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
def published_paths(published, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("publication")
    return {fmt: render(published, fmt, folder / f"report.{fmt}") for fmt in FORMATS}


@pytest.fixture(scope="module")
def outputs(published_paths) -> dict[str, str]:
    """Each publication output as the text a reader (or a script) can get out of it."""
    return {fmt: _text(fmt, path) for fmt, path in published_paths.items()}


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


@cache
def _identifiers() -> frozenset[str]:
    """Child and worker identifiers in the store (long enough not to be mistaken for numbers;
    the fixture store is built once and read only, so they are read once)."""
    found = set()
    for sql in (
        "SELECT DISTINCT child_id FROM children",
        "SELECT DISTINCT upn FROM children",
        "SELECT DISTINCT child_id FROM cla_episodes",
        "SELECT DISTINCT worker_id FROM workers",
        "SELECT DISTINCT swe_no FROM workers",
    ):
        found |= {v for v in _store_values(sql) if len(v) >= 5 and not v.startswith("UN")}
    return frozenset(found)


def _quoting_messages() -> set[str]:
    """Data-quality messages that quote a raw cell ("DOB: '31/02/2009' is not ...")."""
    return _store_values("SELECT DISTINCT message FROM dq_issues WHERE message LIKE '%''%''%'")


def _standing_alone(identifiers: frozenset[str] | set[str], text: str) -> list[str]:
    """The identifiers found in `text` with no word character or hyphen either side.

    An identifier made only of word characters and hyphens stands alone exactly when it is one
    of the text's maximal runs of those characters, so it is looked up among them (one pass
    over the text); any other identifier is searched for with the same boundaries. This gives
    the same answer as one search per identifier, which took half a minute a format for the
    fixture's few thousand identifiers."""
    runs = set(_RUN.findall(text))
    return sorted(
        i
        for i in identifiers
        if (
            i in runs
            if _RUN.fullmatch(i)
            else re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)
        )
    )


_RUN = re.compile(r"[\w-]+")


def test_standing_alone_is_the_search_with_boundaries():
    """`_standing_alone` finds what the search does: a whole run, not part of a longer one."""
    text = "child AB12345 and AB123456, x-CD999 'EF777'\nGH/1 GH/1x UN1 é88888é 99999"
    ids = {"AB12345", "AB1234", "CD999", "EF777", "GH/1", "é88888", "88888", "99999", "ZZ000"}
    slow = sorted(i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text))
    assert _standing_alone(ids, text) == slow == ["99999", "AB12345", "EF777", "GH/1"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_child_or_worker_identifier_in_any_output(outputs, fmt):
    assert _standing_alone(_identifiers(), outputs[fmt]) == []


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


# -- item 7: no small count in any format -------------------------------------------------------

# The finance section's counts of children's placements (forecast/care_ladder.py) and what is
# worked out from them; the projection's points and chart series.
_PLACEMENT_COUNTS = (
    "placements_year_start",
    "placements_now",
    "placements_year_end",
    "average_placements",
    "budget_placements_start",
    "budget_placements_end",
    "budget_average_placements",
    "starts_in_history",
    "ends_in_history",
    "starts_last_month",
    "above_budget",
    "placements_over_budget_start",
    "placements_over_budget_end",
)


def _small(v: object) -> bool:
    rules = PublicationRules()
    return (
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and v > 0
        and rules.min_count <= round(v) <= rules.max_count
    )


def _counts(doc) -> list[tuple[str, float]]:
    """Every count in the report's JSON with its path: a figure's value (unit count), numerator
    and denominator (whatever its status: a figure not printed still carries them), a staffing
    KPI's previous value, the finance section's placements by line and group, the projection's
    starting counts, history, flows, points and chart series."""
    found = []

    def add(path, node, keys):
        found.extend((f"{path}/{k}", node[k]) for k in keys if isinstance(node.get(k), int | float))

    def walk(node, path):
        if isinstance(node, dict):
            unit = node.get("unit")
            if isinstance(unit, str):
                add(path, node, ("value", "previous_value") if unit == "count" else ())
                add(path, node, ("numerator",) if unit == "count" or "status" in node else ())
                # a ratio's denominator is FTE or managers, not a count of children
                add(path, node, ("denominator",) if unit != "ratio" and "status" in node else ())
            for k, v in node.items():
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}/{i}")

    walk(doc, "")
    finance = doc.get("finance") or {}
    outturn = finance.get("outturn") or {}
    for key in ("lines", "groups"):
        for i, row in enumerate(outturn.get(key, [])):
            add(f"/finance/outturn/{key}/{i}", row, _PLACEMENT_COUNTS)
    add("/finance/outturn/fostering", outturn.get("fostering") or {}, _PLACEMENT_COUNTS)
    projection = finance.get("projection") or {}
    add(
        "/finance/projection/start_counts",
        projection.get("start_counts", {}),
        projection.get("start_counts", {}),
    )
    for key, fields in (
        ("points", ("mean", "median", "low", "high")),
        ("history", ("count",)),
        ("flows", ("children_now", "entries_a_year", "exits_a_year")),
    ):
        for i, p in enumerate(projection.get(key, [])):
            add(f"/finance/projection/{key}/{i}", p, fields)
    for i, p in enumerate((finance.get("charts") or {}).get("projection", [])):
        add(f"/finance/charts/projection/{i}", p, ("value", "low", "high"))
    return found


def test_no_small_count_in_the_publication_json(outputs):
    doc = json.loads(outputs["json"])
    assert doc["publication"]["enabled"]
    assert [(p, v) for p, v in _counts(doc) if _small(v)] == []


def test_the_internal_json_has_the_counts_the_publication_leaves_out():
    """The scan finds small counts where they exist: the internal context has them, in the
    figures (also those not reportable), the finance outturn and the projection's points."""
    doc = json.loads(rf.report_context().model_dump_json())
    found = {
        re.sub(r"/\d+(?=/|$)", "/N", p).rsplit("/", 1)[0] for p, v in _counts(doc) if _small(v)
    }
    assert {
        "/finance/outturn/lines/N",
        "/finance/outturn/groups/N",
        "/finance/projection/points/N",
    } <= found
    not_reportable = [
        fid
        for fid, f in doc["figures"].items()
        if f["status"] == "not_reportable" and (_small(f["numerator"]) or _small(f["denominator"]))
    ]
    assert not_reportable  # and the publication JSON (above) has none of them


def test_the_forecast_command_s_publication_output_has_no_small_count(tmp_path):
    """`scorecard forecast --publication` (JSON and CSV) publishes what the report does."""
    from csc_scorecard.report.sections.finance.section import finance_section, tidy

    with Store(rf.store_path(), read_only=True) as store:
        section = finance_section(store, rf.LA, rf.PERIOD, publication=True, simulations=60)
        internal = finance_section(store, rf.LA, rf.PERIOD, simulations=60)
    doc = {"finance": json.loads(section.model_dump_json())}
    assert [(p, v) for p, v in _counts(doc) if _small(v)] == []
    assert [
        (p, v) for p, v in _counts({"finance": json.loads(internal.model_dump_json())}) if _small(v)
    ]
    rows = tidy(section).to_pylist()
    assert rows and not [
        r for r in rows if r["unit"] == "count" and (_small(r["value"]) or _small(r["low"]))
    ]


def test_a_figure_not_printed_keeps_its_status_and_reason_but_not_its_small_numbers():
    from csc_scorecard.report.model import Figure
    from csc_scorecard.report.publication import suppress

    held = Figure(
        id="cp_plans_by_category:NEG:2022-Q1", measure="cp_plans_by_category", title="t",
        unit="percent", period="2022-Q1", value=None, numerator=4, denominator=18,
        status="not_reportable", reason="latest_category missing for 38% of plans", display="",
        source="case data",
    )  # fmt: skip
    out = suppress(held, PublicationRules())
    assert (out.status, out.reason, out.display) == ("not_reportable", held.reason, "")
    assert (out.value, out.numerator, out.denominator, out.numerator_display) == (
        None,
        None,
        18,
        "",
    )
    large = held.model_copy(update={"numerator": 9})
    assert suppress(large, PublicationRules()) == large


# Table columns that hold small numbers that are not counts of children: beds in a planned home,
# load ids and their issue and row counts, data-quality issue counts, category codes, how many
# indicators have each rating.
_NOT_COUNTS_OF_CHILDREN = {
    "Beds",
    "Registered places",
    "Load",
    "Issues",
    "Rows",
    "Records",
    "Category code",
    "Green",
    "Amber",
    "Red",
    "Below target",
    "Not available",
    "Without data",
}
_SMALL_CELL = re.compile(r"\s*([1-5]|[1-5] / [\d,]+|[\d,]+ / [1-5])\s*")


def _tables(fmt: str, path: Path) -> list[list[list[str]]]:
    """Each table of an output as rows of cell texts, its header row first."""
    if fmt == "html":
        from lxml import html

        tree = html.fromstring(path.read_bytes())
        return [
            [[c.text_content().strip() for c in tr.xpath("./th|./td")] for tr in t.xpath(".//tr")]
            for t in tree.xpath("//table")
        ]
    if fmt == "docx":
        import docx

        return [
            [[c.text.strip() for c in r.cells] for r in t.rows] for t in docx.Document(path).tables
        ]
    book = openpyxl.load_workbook(path)
    tables = []
    for sheet in book.worksheets:
        rows = [[("" if c is None else c) for c in r] for r in sheet.iter_rows(values_only=True)]
        # the header is the first row of three or more labels and nothing else
        head = next(
            (
                i
                for i, r in enumerate(rows)
                if sum(isinstance(c, str) and c != "" for c in r) >= 3
                and all(isinstance(c, str) for c in r)
            ),
            None,
        )
        if head is not None:
            tables.append(
                [[str(c) if not isinstance(c, str) else c for c in r] for r in rows[head:]]
            )
    return tables


def _small_cells(fmt: str, path: Path) -> list[tuple[str, str]]:
    """(column, cell) for each table cell that shows a count from 1 to 5 (or a fraction with one),
    outside the columns that hold no counts of children. In the spreadsheet's measures sheet a
    value counts only where the unit is a count."""
    found = []
    for table in _tables(fmt, path):
        head, *rows = table
        for row in rows:
            unit = dict(zip(head, row, strict=False)).get("Unit")
            for column, cell in zip(head, row, strict=False):
                if column in _NOT_COUNTS_OF_CHILDREN or (
                    column == "Value" and unit not in (None, "count")
                ):
                    continue
                if re.fullmatch(r"\s*[1-5](\.0)?\s*", cell) or _SMALL_CELL.fullmatch(cell):
                    found.append((column, cell))
    return found


@pytest.fixture(scope="module")
def internal_paths(tmp_path_factory) -> dict[str, Path]:
    """The internal report's HTML, Word and Excel files (the PDF is the HTML laid out)."""
    folder = tmp_path_factory.mktemp("internal")
    context = rf.report_context()
    return {fmt: render(context, fmt, folder / f"report.{fmt}") for fmt in ("html", "docx", "xlsx")}


@pytest.mark.parametrize("fmt", ("html", "docx", "xlsx"))
def test_no_table_cell_shows_a_small_count(published_paths, internal_paths, fmt):
    assert _small_cells(fmt, published_paths[fmt]) == []
    assert len(_small_cells(fmt, internal_paths[fmt])) > 5  # the scan finds them where they are


# A count from 1 to 5 in running text: "3 children", "4 care leavers", "2 / 17".
_SMALL_IN_TEXT = re.compile(
    r"(?<![\w.,£/-])[1-5]\s+(?:children|child|young people|care leavers|placements|plans|referrals|"
    r"assessments|enquiries|adoptions)\b|(?<![\w.,£/-])(?:[1-5]\s+/\s+[\d,]+|[\d,]+\s+/\s+[1-5])(?![\w.,%])"
)


@pytest.mark.parametrize("fmt", ("html", "pdf", "docx", "xlsx"))
def test_no_text_states_a_small_count(outputs, internal_paths, fmt):
    def words(text: str) -> str:
        return re.sub(r"<[^>]+>", " ", text)  # markup apart

    assert _SMALL_IN_TEXT.findall(words(outputs[fmt])) == []
    if fmt in internal_paths:
        assert _SMALL_IN_TEXT.findall(words(_text(fmt, internal_paths[fmt])))


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
    # The synthetic authority's own manual-values commentary states no small count (c7a7433),
    # so the demo publishes; a council's manual-values commentary is still named (C09 below).
    assert "residential_homes_good_or_better" not in str(err.value)
    assert "--allow-commentary-numbers" in str(err.value)
    # "One of the two children placed for adoption ...": numbers written as words are named too
    assert "C09 2022-Q1 (manual values) (1, 2)" in str(err.value)
    check_commentary({"C09 2022-Q1": "2 of the homes"}, PublicationRules(), allowed=True)


def test_numbers_written_as_words_are_found_and_refused_unless_confirmed():
    rules = PublicationRules()
    assert small_numbers_in("Two of the homes closed; five children moved in.", rules) == [2, 5]
    assert small_numbers_in("Only one child, and one of the authority's homes.", rules) == [1, 1]
    not_counts = "one of our priorities; no one; a four-week review; two-thirds; twelve children"
    assert small_numbers_in(not_counts, rules) == []
    assert small_numbers_in("six children", PublicationRules(max_count=9)) == [6]
    with pytest.raises(CommentaryNumbers) as err:
        check_commentary({"C09 2022-Q1": "two of the homes", "C10 2022-Q1": "no change"}, rules)
    assert "C09 2022-Q1 (2)" in str(err.value) and "C10" not in str(err.value)
    check_commentary({"C09 2022-Q1": "two of the homes"}, rules, allowed=True)


DERIVED = """
name: Derived from a small count
authority: Test authority
groups:
  - id: g
    title: Looked after
    items:
      - id: D1
        title: Children looked after, not unaccompanied asylum-seeking
        unit: count
        polarity: information
        derived: {operation: difference, of: [cla_at_period_end, cla_uasc_at_period_end]}
      - id: D2
        title: Children looked after
        measure: cla_at_period_end
        unit: count
        polarity: information
"""


def test_a_derived_item_built_on_a_suppressed_count_is_suppressed_too(tmp_path):
    """Children looked after (published) less D1 would give the suppressed number of
    unaccompanied children away: D1 prints the symbol, while the internal report prints it."""
    path = tmp_path / "derived.yaml"
    path.write_text(DERIVED, encoding="utf-8")

    def rows(publication: bool) -> dict[str, object]:
        with Store(rf.store_path(), read_only=True) as store:
            context = build_context(
                store, rf.LA, rf.PERIOD, framework=path, synthetic=True,
                generated_at=rf.GENERATED_AT, run=rf.measure_run(), publication=publication,
                allow_commentary_numbers=True,
            )  # fmt: skip
        return {r.item: r for g in context.appendix for r in g.rows}

    internal, published = rows(False), rows(True)
    uasc = rf.report_context().figures[f"cla_uasc_at_period_end:{rf.PERIOD}"]
    assert PublicationRules().min_count <= uasc.value <= PublicationRules().max_count
    total = int(internal["D2"].current.replace(",", ""))
    assert internal["D1"].current == f"{total - int(uasc.value):,}"
    assert published["D2"].current == internal["D2"].current
    assert published["D1"].current == "c"
    assert internal["D1"].current not in published["D1"].commentary


def test_small_counts_of_faulty_rows_are_redacted_from_published_reasons(published):
    """A not-reportable figure's reason counts the faulty rows: 1 to 5 of them is a small count
    (rows of a small table are children); the internal report keeps the counts."""
    reasons = [f.reason for f in published.figures.values() if f.status == "not_reportable"]
    assert any("c of " in r for r in reasons)
    assert not any(re.search(r"\(([1-5]) of [\d,]+ rows\)| x [1-5]\b", r) for r in reasons)
    internal = rf.report_context()
    assert any(
        re.search(r"\([1-5] of [\d,]+ rows\)", f.reason or "") for f in internal.figures.values()
    )
