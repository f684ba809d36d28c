"""SSDA903 XML in: one <CHILD> per child, the tables inside it, and files refused for safety."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csc_scorecard.ingest.formats.ssda903_xml import ADAPTER
from csc_scorecard.ingest.run import IngestRefused, read_all

# Pretty-printed like most case systems write it, so each record's line is known. Tag case and
# placement vary on purpose: <ethnic> in lower case, a <UPN> directly under <CHILD>.
RETURN = """<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <UPN>A123456789012</UPN>
    <HEADER>
      <CHILDID>K1</CHILDID>
      <SEX>2</SEX>
      <DOB>01/05/2004</DOB>
      <ethnic>wbri</ethnic>
      <MOTHER>1</MOTHER>
      <MC_DOB>03/03/2020</MC_DOB>
      <UASC>1</UASC>
      <DUC>01/05/2022</DUC>
      <AREVIEW>
        <REVIEW>05/06/2020</REVIEW>
        <REVIEW_CODE>PN1</REVIEW_CODE>
      </AREVIEW>
      <AMISSING>
        <MISSING>M</MISSING>
        <MIS_START>01/07/2020</MIS_START>
        <MIS_END />
      </AMISSING>
      <OC2>
        <SDQ_SCORE>17</SDQ_SCORE>
        <CONVICTED>0</CONVICTED>
        <IMMUNISATIONS>1</IMMUNISATIONS>
      </OC2>
      <PERMANENCE>
        <PREV_PERM>Z1</PREV_PERM>
      </PERMANENCE>
    </HEADER>
    <EPISODE>
      <DECOM>01/01/2020</DECOM>
      <RNE>S</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>U4</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
      <DEC />
    </EPISODE>
    <SWEPISODE>
      <SW_ID>SW12</SW_ID>
      <SW_DECOM>01/01/2020</SW_DECOM>
    </SWEPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID>K2</CHILDID>
      <SEX>1</SEX>
      <DOB>10/10/2001</DOB>
      <ETHNIC>BAFR</ETHNIC>
      <UPN>UN2</UPN>
      <UASC />
      <IN_TOUCH>YES</IN_TOUCH>
      <ACTIV>F2</ACTIV>
      <ACCOM>D1</ACCOM>
    </HEADER>
  </CHILD>
</EXPSSDA903>
"""


def read(tmp_path: Path, text: str, name: str = "returns.xml", **kwargs):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_all([path], la_code=kwargs.get("la_code", "371"), year=kwargs.get("year"))


def test_every_table_is_read_from_the_child_elements(tmp_path):
    assert ADAPTER.sniff(tmp_path / "x.xml") is False  # no such file: never raises
    (batch,) = read(tmp_path, RETURN, name="ssda903_2021.xml")
    assert (batch.source_format, batch.period_start, batch.period_end) == (
        "ssda903",
        date(2020, 4, 1),
        date(2021, 3, 31),
    )  # year from the file name
    children = {r["child_id"]: r for r in batch.tables["children"].to_pylist()}
    assert children["K1"] == {
        "child_id": "K1", "sex": "F", "date_of_birth": date(2004, 5, 1), "ethnicity": "WBRI",
        "upn": "A123456789012", "mother": True, "mc_dob": date(2020, 3, 3), "source_row": 5,
        "uasc": True, "uasc_ceased_date": date(2022, 5, 1),
    }  # fmt: skip
    assert (children["K2"]["uasc"], children["K2"]["source_row"]) == (None, 47)  # care leaver
    (episode,) = batch.tables["cla_episodes"].to_pylist()
    assert (episode["place"], episode["dec"], episode["source_row"]) == ("U4", None, 32)
    assert batch.tables["cla_reviews"].to_pylist() == [
        {"child_id": "K1", "review_date": date(2020, 6, 5), "review_code": "PN1", "source_row": 14}
    ]
    (missing,) = batch.tables["missing_episodes"].to_pylist()
    assert (missing["start_date"], missing["end_date"], missing["source_row"]) == (
        date(2020, 7, 1),
        None,
        18,
    )
    (health,) = batch.tables["cla_health"].to_pylist()
    assert (health["sdq_score"], health["immunisations"], health["teeth_check"], health["collection_year"]) == (
        17, True, None, 2021
    )  # fmt: skip
    assert batch.tables["previous_permanence"].column("prev_perm").to_pylist() == ["Z1"]
    (leaver,) = batch.tables["care_leavers"].to_pylist()
    assert (leaver["child_id"], leaver["activity"], leaver["source_row"]) == ("K2", "F2", 47)
    (sw,) = batch.tables["cla_social_worker_episodes"].to_pylist()
    assert (sw["sw_id"], sw["sw_decom"], sw["sw_dec"]) == ("SW12", date(2020, 1, 1), None)
    assert batch.tables["adoptions"].num_rows == 0
    assert not [i for i in batch.issues if i.severity == "error"]


def test_each_xml_file_is_its_own_return(tmp_path):
    (tmp_path / "2020.xml").write_text(RETURN)
    (tmp_path / "2021.xml").write_text(RETURN)
    batches = read_all([tmp_path], la_code="371")
    assert [b.period_end for b in batches] == [date(2020, 3, 31), date(2021, 3, 31)]


BOMB = """<?xml version="1.0"?>
<!DOCTYPE EXPSSDA903 [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
]>
<EXPSSDA903><CHILD><HEADER><CHILDID>&b;</CHILDID></HEADER></CHILD></EXPSSDA903>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE EXPSSDA903 [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<EXPSSDA903><CHILD><HEADER><CHILDID>&x;</CHILDID></HEADER></CHILD></EXPSSDA903>
"""


@pytest.mark.parametrize(
    "text", [BOMB, XXE, '<?xml version="1.0"?>\n<!DOCTYPE EXPSSDA903>\n<EXPSSDA903/>']
)
def test_dtds_and_entities_are_refused_never_expanded(tmp_path, text):
    path = tmp_path / "2021.xml"
    path.write_text(text)
    assert ADAPTER.sniff(path)  # claimed, so the refusal names the reason
    with pytest.raises(IngestRefused) as err:
        read_all([path], la_code="371")
    (error,) = err.value.errors
    assert "DTD" in error.reason and error.line == 2 and error.file == str(path)


def test_malformed_xml_is_refused_with_its_line(tmp_path):
    broken = RETURN.replace("</EPISODE>", "</EPISODES>", 1)
    with pytest.raises(IngestRefused) as err:
        read(tmp_path, broken, name="2021.xml")
    (error,) = err.value.errors
    assert "not well-formed" in error.reason and error.line == 40


def test_xml_without_child_elements_is_refused(tmp_path):
    with pytest.raises(IngestRefused) as err:
        read(tmp_path, "<EXPSSDA903><EPISODE/></EXPSSDA903>", name="2021.xml")
    assert "no <CHILD> elements" in err.value.errors[0].reason


def test_other_xml_is_not_claimed(tmp_path):
    cin = tmp_path / "cin.xml"
    cin.write_text("<Message><Children><Child><ChildIdentifiers><LAchildID>1</LAchildID>"
                   "</ChildIdentifiers></Child></Children></Message>")  # fmt: skip
    assert not ADAPTER.sniff(cin)


# Two deprivation of liberty orders of K1 in 2026-27: one under <CHILD>, one (ended, in lower
# case) under <HEADER>, as the reader takes repeating groups from either.
DOLO_RETURN = """<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>K1</CHILDID>
      <SEX>F</SEX>
      <DOB>01/05/2012</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UPN>UN2</UPN>
      <dolo>
        <dolo_start>02/01/2026</dolo_start>
        <dolo_end>01/03/2026</dolo_end>
      </dolo>
    </HEADER>
    <EPISODE>
      <DECOM>01/01/2026</DECOM>
      <RNE>S</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>K2</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
    </EPISODE>
    <DOLO>
      <DOLO_START>01/05/2026</DOLO_START>
      <DOLO_END />
    </DOLO>
  </CHILD>
</EXPSSDA903>
"""


def test_deprivation_of_liberty_orders_are_read_from_dolo_elements(tmp_path):
    """Each <DOLO> is a `dolo_orders` row at its element's line (23 under <CHILD>, read first,
    and 10 under <HEADER>); the order that ended on 1 March 2026, before 2026-27 began, is what
    DfE rule 704 flags; a return with no <DOLO> has no DoLo table."""
    (batch,) = read(tmp_path, DOLO_RETURN, name="ssda903_2027.xml")
    assert batch.tables["dolo_orders"].to_pylist() == [
        {"child_id": "K1", "start_date": date(2026, 5, 1), "end_date": None, "source_row": 23},
        {"child_id": "K1", "start_date": date(2026, 1, 2), "end_date": date(2026, 3, 1),
         "source_row": 10},
    ]  # fmt: skip
    assert not [i for i in batch.issues if i.severity == "error"]
    (earlier,) = read(tmp_path, RETURN, name="ssda903_2021.xml")
    assert "dolo_orders" not in earlier.tables

    from csc_scorecard.quality.validate import validate_files

    path = tmp_path / "ssda903_2027.xml"
    checked = validate_files([path], la_code="371", year=2027)
    dolo = [f for f in checked.result.faults.to_pylist() if f["table"] == "DoLo"]
    assert [(f["rule"], f["row"], f["child"]) for f in dolo] == [("704", 10, "K1")]
