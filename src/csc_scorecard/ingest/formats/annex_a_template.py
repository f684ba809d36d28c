"""The Annex A headings as data: the Ofsted template (`annex_a_template.yaml`: each list's title
and its columns in order), which the synthetic writer lays its workbook out from and whose
headings the ingest's spec reads a subset of (checked by tests/test_synth_annex_a_template.py);
and the other spellings the reader accepts for them (`annex_a_headings.yaml`)."""

from __future__ import annotations

from pydantic import Field, RootModel

from csc_scorecard.model import packaged
from csc_scorecard.model.packaged import Strict


class Column(Strict):
    heading: str
    key: str | None = None  # the list row's field; None = no canonical source, written blank
    kind: str = Field("text", pattern=r"^(text|date|int|yes_no|annex_a_[a-z_]+)$")


class Sheet(Strict):
    title: str
    columns: tuple[Column, ...]


class Template(Strict):
    lists: dict[int, Sheet]  # list number (1-11) -> its sheet


def template() -> Template:
    """The Annex A template shipped with the package."""
    return packaged.load(__package__, "annex_a_template.yaml", Template)


class HeadingAliases(RootModel[dict[str, tuple[str, ...]]]):
    """Spec heading -> other headings seen for it (the D2I SSD extract's column aliases)."""


def heading_aliases() -> dict[str, tuple[str, ...]]:
    """The other spellings the reader accepts for each spec heading."""
    return packaged.load(__package__, "annex_a_headings.yaml", HeadingAliases).root
