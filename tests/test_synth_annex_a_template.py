"""The Annex A template as data (ingest/formats/annex_a_template.yaml): the synthetic writer lays
its workbook out from it, and the headings the ingest spec reads are the template's, so the two
sides cannot drift apart."""

from __future__ import annotations

import re

import fastexcel
import pytest
from pydantic import ValidationError

from csc_scorecard.ingest.fields import load_spec
from csc_scorecard.ingest.formats.annex_a_template import Column, heading_aliases, template
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import annex_a


def headings(n: int) -> list[str]:
    return [c.heading for c in template().lists[n].columns]


def test_the_template_has_eleven_lists_with_the_ofsted_titles():
    lists = template().lists
    assert list(lists) == list(range(1, 12))
    assert lists[3].title == "Referrals" and lists[11].title == "Adopters"
    # Lists 1-10 open with the child's identifier and demographics; list 11 describes adopters.
    for n in range(1, 10):
        assert headings(n)[:5] == [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
        ]
    assert headings(10)[:3] == ["Child Unique ID", "Family identifier", "Gender"]
    assert headings(11)[0] == "Individual adopter identifier"
    assert all(c.key is None for c in template().lists[11].columns)
    assert len(headings(8)) == 34 and len(set(headings(8))) == 34  # no heading twice


def test_every_heading_the_ingest_reads_is_a_template_heading_of_its_list():
    spec = load_spec("annex_a")
    for name, table in spec.tables.items():
        lists = range(1, 11) if name == "children" else [int(re.match(r"List (\d+)", name)[1])]
        for n in lists:
            missing = set(table.columns) - set(headings(n))
            assert not missing, f"{name} reads {missing}, not headings of list {n}"
    every = {h for n in range(1, 12) for h in headings(n)}
    assert set(heading_aliases()) <= every


def test_a_column_kind_must_be_one_the_writer_knows():
    assert Column(heading="Date of Contact", kind="date").key is None
    with pytest.raises(ValidationError, match="kind"):
        Column(heading="Date of Contact", kind="datetime")


def test_the_written_workbook_has_the_template_headings(tmp_path):
    config = SynthConfig(seed=3, size=0.02, first_year=2021, last_year=2021)
    [path] = annex_a.write(generate(config), tmp_path)
    reader = fastexcel.read_excel(str(path))
    assert reader.sheet_names == [f"List {n}" for n in range(1, 12)]
    for n in (1, 8, 11):
        assert reader.load_sheet(f"List {n}").to_arrow().column_names == headings(n)
