"""SSDA903 rules on what DfE derives from the postcodes through the ONS Postcode Directory
(PL_LA, PL_LOCATION, PL_DISTANCE: `quality/rules/ssda903/postcodes.py`), each on a tiny
hand-made input with the rows it must flag and must not flag worked out by hand.

The postcodes are real published postcodes of public places, used as reference data only (the
children are made up). Their directory entries (ONSPD November 2025, package release 2026.1.1),
district -> PL_LA, easting, northing in metres:

    DN1 1BE   Doncaster E08000017 -> E08000017   457434  403320
    DN1 3BU   Doncaster E08000017 -> E08000017   457710  402948
    S1 1AA    Sheffield E08000039 -> E08000039   435732  387312
    CB2 1TN   Cambridge E07000008 -> E10000003 (Cambridgeshire county council)
    CF10 1AA  Cardiff   W06000015 -> WAL         318284  176230
    ZE1 0AA   Shetland  S12000027 -> SCO         447759 1141280
    TR18 2AA  Cornwall  E06000052 -> E06000052   147125   30549
    JE1 1AA   Jersey    L99999999 -> NUK         (no grid reference)

The authority is Doncaster (DfE 371, E08000017). Distances, sqrt(dE^2 + dN^2) / 1609.3 miles to
one decimal place:
    DN1 1BE - DN1 3BU:  sqrt(276^2 + 372^2) = 463.2 m = 0.288 -> 0.3
    DN1 1BE - S1 1AA:   sqrt(21702^2 + 16008^2) = 26967.3 m = 16.757 -> 16.8
    ZE1 0AA - TR18 2AA: sqrt(300634^2 + 1110731^2) = 1150697.2 m = 715.03 -> 715.0
XX1 1XX is not a postcode (392c).

Collection year 2023-24 unless a case gives `year`. A case is (tables, expected {(DfE table,
row)}, options); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from test_quality_rules_903 import E, H, child, d, ep

from csc_scorecard.quality import providers
from csc_scorecard.quality.fixtures import flagged, run_on
from csc_scorecard.reference import postcodes

DONCASTER, DONCASTER_2, SHEFFIELD, CAMBRIDGE = "DN1 1BE", "DN1 3BU", "S1 1AA", "CB2 1TN"
CARDIFF, SHETLAND, PENZANCE, JERSEY, NOWHERE = (
    "CF10 1AA",
    "ZE1 0AA",
    "TR18 2AA",
    "JE1 1AA",
    "XX1 1XX",
)


def at(cid, home, pl, decom="2023-05-01", dec=None, **more):
    """An episode from `home` to `pl` (postcodes); `more` sets other columns (urn, and `ep`'s
    keys)."""
    keys = {k: more.pop(k) for k in ("rne", "ls", "place", "rec", "provider") if k in more}
    return ep(cid, decom, dec, **keys) | {"home_post": home, "pl_post": pl} | more


def uasc(cid):
    return child(cid, uasc=True)


CASES = {
    # A placement postcode not in the directory (1), a home one (2: lower case, no space, is
    # still found for 3); blanks are not invalid postcodes (4).
    "392c": (
        {
            E: [
                at("A", DONCASTER, NOWHERE),
                at("B", NOWHERE, DONCASTER),
                at("C", "dn11be", "s1  1aa"),
                at("D", None, None),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
        {},
    ),
    # PL_LA not derivable: PL_POST not a postcode (1) or blank (2); a short break (V3) with no
    # postcode is not checked (3); Cardiff gives WAL (4), Cambridge its county (5).
    "169": (
        {
            E: [
                at("A", DONCASTER, NOWHERE),
                at("B", DONCASTER, None),
                at("C", None, None, ls="V3"),
                at("D", DONCASTER, CARDIFF),
                at("E", DONCASTER, CAMBRIDGE),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
        {},
    ),
    # PL_LOCATION not derivable (1: PL_POST blank); Jersey has a district (NUK: OUT) (2).
    "179": (
        {E: [at("A", DONCASTER, None), at("B", DONCASTER, JERSEY), at("C", DONCASTER, SHEFFIELD)]},
        {("Episodes", 1)},
        {},
    ),
    # A supplied PL_LOCATION IN for a placement in Sheffield (1); IN for one in Doncaster (2),
    # OUT for Sheffield (3) and none supplied (4: derived, agrees by construction) are fine;
    # IN where PL_LA cannot be derived (5: PL_POST not a postcode, 6: blank) has nothing to
    # disagree with.
    "411": (
        {
            E: [
                at("A", DONCASTER, SHEFFIELD, pl_location="IN"),
                at("B", DONCASTER, DONCASTER_2, pl_location="IN"),
                at("C", DONCASTER, SHEFFIELD, pl_location="OUT"),
                at("D", DONCASTER, SHEFFIELD),
                at("E", DONCASTER, NOWHERE, pl_location="IN"),
                at("F", None, None, pl_location="IN"),
            ]
        },
        {("Episodes", 1)},
        {},
    ),
    # A short break (V4) placed in Sheffield (1); one with a PL_POST not in the directory (2)
    # has no PL_LA; a care order (3) is not checked.
    "420": (
        {
            E: [
                at("A", DONCASTER, SHEFFIELD, ls="V4"),
                at("B", DONCASTER, NOWHERE, ls="V4"),
                at("C", DONCASTER, SHEFFIELD),
            ]
        },
        {("Episodes", 1)},
        {},
    ),
    # No distance: a home postcode not in the directory (1), Jersey without a grid reference
    # (2); a UASC child (3) and a short break (4) are not checked; 0.3 miles (5) is a distance.
    "392a": (
        {
            H: [child("A"), child("B"), uasc("C"), child("D"), child("E")],
            E: [
                at("A", NOWHERE, SHEFFIELD),
                at("B", DONCASTER, JERSEY),
                at("C", None, SHEFFIELD),
                at("D", None, None, ls="V3"),
                at("E", DONCASTER, DONCASTER_2),
            ],
        },
        {("Episodes", 1), ("Episodes", 2)},
        {},
    ),
    # No two postcodes of the directory are more than 999.9 miles apart
    # (test_no_distance_in_the_directory_passes_999_9), so 164 cannot fire on a valid pair:
    # 715.0 miles (1) and 0.3 (2) are in range, a blank distance (3) is 392a's.
    "164": (
        {
            H: [child("A"), child("B"), child("C")],
            E: [
                at("A", SHETLAND, PENZANCE),
                at("B", DONCASTER, DONCASTER_2),
                at("C", NOWHERE, DONCASTER),
            ],
        },
        set(),
        {},
    ),
    # A UASC child with a distance (1: 16.8 miles); a UASC child whose home postcode is blank
    # (2) and a child not UASC (3) are fine; formerly UASC (DUC given, 4) is flagged.
    "406": (
        {
            H: [
                uasc("A"),
                uasc("B"),
                child("C"),
                child("D", uasc_ceased_date=d("2023-01-01")),
            ],
            E: [
                at("A", DONCASTER, SHEFFIELD),
                at("B", None, SHEFFIELD),
                at("C", DONCASTER, SHEFFIELD),
                at("D", DONCASTER, SHEFFIELD),
            ],
        },
        {("Episodes", 1), ("Episodes", 4)},
        {},
    ),
    # 2025-26: 715.0 miles (1) is over 350; 16.8 (2) is not.
    "454": (
        {E: [at("A", SHETLAND, PENZANCE), at("B", DONCASTER, SHEFFIELD)]},
        {("Episodes", 1)},
        {"year": 2026},
    ),
    # Own provision (PR1) in a children's home (K2) in Sheffield (1) or with no derivable
    # PL_LA (2); in Doncaster (3) fine; foster care (U1) in Sheffield (4) and a short break
    # (5) are not checked; K3 in Sheffield is checked to 2024-25 (6).
    "1015": (
        {
            E: [
                at("A", DONCASTER, SHEFFIELD, place="K2"),
                at("B", DONCASTER, NOWHERE, place="K2"),
                at("C", DONCASTER, DONCASTER_2, place="K2"),
                at("D", DONCASTER, SHEFFIELD, place="U1"),
                at("E", DONCASTER, SHEFFIELD, place="K2", ls="V3"),
                at("F", DONCASTER, SHEFFIELD, place="K3"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2), ("Episodes", 6)},
        {},
    ),
}

CASES |= {
    # No URN for a children's home (K2) in Sheffield (1); in Cardiff (2: WAL) none is needed;
    # foster care with a URN (3) fine; an independent living placement (P2, 4) needs none to
    # 2023-24; a placement whose PL_LA cannot be derived (5) is not known to be English (to
    # 2024-25).
    "218": (
        {
            E: [
                at("A", DONCASTER, SHEFFIELD, place="K2"),
                at("B", DONCASTER, CARDIFF, place="K2"),
                at("C", DONCASTER, SHEFFIELD, place="U1", urn="SC123456"),
                at("D", DONCASTER, SHEFFIELD, place="P2"),
                at("E", DONCASTER, NOWHERE, place="K2"),
            ]
        },
        {("Episodes", 1)},
        {},
    ),
    # 2023-24: H5 open on 28 October 2023 with no URN (1) or XXXXXXX (2); ended 27 October (3)
    # fine; in Wales (4) fine; with a URN (5) fine.
    "230": (
        {
            E: [
                at("A", DONCASTER, SHEFFIELD, place="H5", decom="2023-06-01", dec="2023-10-28"),
                at("B", DONCASTER, SHEFFIELD, place="H5", urn="XXXXXXX"),
                at("C", DONCASTER, SHEFFIELD, place="H5", decom="2023-06-01", dec="2023-10-27"),
                at("D", DONCASTER, CARDIFF, place="H5"),
                at("E", DONCASTER, SHEFFIELD, place="H5", urn="SC123456"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
        {},
    ),
    # 2025-26: a URN for a placement in Scotland (1); in Jersey with none (2), in Sheffield
    # with one (3) fine.
    "243": (
        {
            E: [
                at("A", DONCASTER, SHETLAND, urn="SC123456"),
                at("B", DONCASTER, JERSEY),
                at("C", DONCASTER, SHEFFIELD, urn="SC123456"),
            ]
        },
        {("Episodes", 1)},
        {"year": 2026},
    ),
}

# Ofsted's provider list for 241 (invented URNs): SC900001 has premises in Doncaster (371) and
# Sheffield (373), SC900002 in Leeds (383) only.
PROVIDERS = pa.Table.from_pylist(
    [
        {"urn": "SC900001", "la_name": "Doncaster", "la_code": "371"},
        {"urn": "SC900001", "la_name": "Sheffield", "la_code": "373"},
        {"urn": "SC900002", "la_name": "Leeds", "la_code": "383"},
    ],
    schema=providers.SCHEMA,
)

CASES |= {
    # 2025-26, supported accommodation (K3): SC900002 (Leeds only) placed in Sheffield (1);
    # a URN not on the list (2); SC900001 placed in Sheffield (3: one of its authorities, by
    # Sheffield's 2025 code E08000039 for DfE 373) and in Doncaster (4) fine; a children's
    # home (K2, 5) and XXXXXXX (6) are not checked; a PL_POST not in the directory (7) matches
    # no authority.
    "241": (
        {
            E: [
                at("A", DONCASTER, SHEFFIELD, place="K3", urn="SC900002"),
                at("B", DONCASTER, SHEFFIELD, place="K3", urn="SC900009"),
                at("C", DONCASTER, SHEFFIELD, place="K3", urn="SC900001"),
                at("D", DONCASTER, DONCASTER_2, place="K3", urn="SC900001"),
                at("E", DONCASTER, SHEFFIELD, place="K2", urn="SC900002"),
                at("F", DONCASTER, SHEFFIELD, place="K3", urn="XXXXXXX"),
                at("G", DONCASTER, NOWHERE, place="K3", urn="SC900001"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2), ("Episodes", 7)},
        {"year": 2026, "inputs": {"providers": PROVIDERS}},
    ),
}

# More cases of the rules above (another collection year, a condition not met).
MORE = {
    # 2025-26: K3 own provision out of area is no longer checked (1); K2 still is (2).
    "1015/2026": (
        {E: [at("A", DONCASTER, SHEFFIELD, place="K3"), at("B", DONCASTER, SHEFFIELD, place="K2")]},
        {("Episodes", 2)},
        {"year": 2026},
    ),
    # 2025-26: a blank PL_LA is no longer exempt (2); Scotland is (3); Z11 needs none (4).
    "218/2026": (
        {
            E: [
                at("A", DONCASTER, SHEFFIELD, place="K2"),
                at("B", DONCASTER, NOWHERE, place="K2"),
                at("C", DONCASTER, SHETLAND, place="K2"),
                at("D", DONCASTER, SHEFFIELD, place="Z11"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
        {"year": 2026},
    ),
}


# UASC last year only (last year's Header, `validate --previous`): B was UASC in 2022-23 and is
# not in 2023-24's Header; A never was.
UASC_LAST = {"previous": {H: [child("A"), uasc("B")]}}
MORE |= {
    # A has no distance (flagged); B, formerly UASC by last year's Header, is not checked.
    "392a/last": (
        {
            H: [child("A"), child("B")],
            E: [at("A", NOWHERE, SHEFFIELD), at("B", NOWHERE, SHEFFIELD)],
        },
        {("Episodes", 1)},
        UASC_LAST,
    ),
    # B has a distance and was UASC last year: flagged; A was never UASC.
    "406/last": (
        {
            H: [child("A"), child("B")],
            E: [at("A", DONCASTER, SHEFFIELD), at("B", DONCASTER, SHEFFIELD)],
        },
        {("Episodes", 2)},
        UASC_LAST,
    ),
}


def carried(now, last, expected, same_rne=True):
    """A case of a rule comparing last year's return (collection year 2022-23): A's first
    episode this year placed per `now` (home, pl), last year's open episode per `last`
    (flagged when they differ: row 1); B's latest episode last year had ended (31 January
    2023), so B's is not compared; last year's RNE is P unless `same_rne`."""
    tables = {E: [at("A", *now, decom="2022-05-01"), at("B", *now, decom="2023-06-01")]}
    previous = {
        E: [
            at("A", DONCASTER, CARDIFF, "2021-01-01", "2022-05-01", rec="X1"),
            at("A", *last, decom="2022-05-01", rne="S" if same_rne else "P"),
            at("B", *last, "2022-05-01", "2023-01-31", rec="E13"),
        ]
    }
    return tables, expected, {"previous": previous, "year": 2023}


FLAGGED = {("Episodes", 1)}
# PL_LA, PL_LOCATION, distance: Sheffield (OUT, 16.8 miles) now, Doncaster (IN, 0.3) last year.
MOVED = ((DONCASTER, SHEFFIELD), (DONCASTER, DONCASTER_2))
CASES |= {code: carried(*MOVED, FLAGGED) for code in ("452", "453", "503G", "503H", "503J")}
MORE |= {
    # The same PL_LA (both Sheffield, from different homes): not flagged.
    "503H/same": carried((DONCASTER_2, SHEFFIELD), (DONCASTER, SHEFFIELD), set()),
    # 452 and 453 compare only where the RNE is the same (S now, P last year).
    "452/rne": carried(*MOVED, set(), same_rne=False),
    "453/rne": carried(*MOVED, set(), same_rne=False),
    # 0.3 miles both years (DN1 3BU - DN1 1BE now, DN1 1BE - DN1 3BU last year): not flagged.
    "503G/same": carried((DONCASTER_2, DONCASTER), (DONCASTER, DONCASTER_2), set()),
    # A distance now, none last year (PL_POST not a postcode): only one blank, flagged.
    "503G/blank": carried((DONCASTER, SHEFFIELD), (DONCASTER, NOWHERE), FLAGGED),
}


@pytest.mark.parametrize("case", sorted(CASES | MORE))
def test_rule_flags_the_hand_worked_rows(case):
    tables, expected, options = (CASES | MORE)[case]
    assert flagged(tables, case.split("/")[0], **options) == expected


def test_derived_fields_are_worked_out_as_by_hand():
    """PL_LA, PL_LOCATION (derived, and as the rules read it) and PL_DISTANCE, as the module
    docstring works them out; DN1 1BE - CB2 1TN: sqrt(87271^2 + 144890^2) = 169143.0 m =
    105.103 -> 105.1 miles; DN1 1BE - HG1 1AA (430161, 455388): sqrt(27273^2 + 52068^2) =
    58778.3 m = 36.524 -> 36.5, in North Yorkshire (DfE 815, whose code became E06000065)."""
    from csc_scorecard.quality.rules.ssda903.postcodes import located

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE episodes AS SELECT * FROM (VALUES "
        "(1, '371', 'DN1 1BE', 'S1 1AA', NULL), (2, '371', 'dn11be', 'dn1 3bu', NULL), "
        "(3, '371', 'ZE1 0AA', 'TR18 2AA', NULL), (4, '371', 'DN1 1BE', 'CB2 1TN', 'in'), "
        "(5, '815', 'DN1 1BE', 'HG1 1AA', NULL), (6, '371', 'DN1 1BE', 'JE1 1AA', NULL), "
        "(7, '371', 'DN1 1BE', 'AB11 3AG', NULL)) "
        "t(row, la_code, home_post, pl_post, pl_location)"
    )
    for column in ("_table", "load_id", "child_id", "cy_start", "cy_end", "decom", "dec", "rne",
                   "ls", "place", "place_provider", "urn"):  # fmt: skip
        con.execute(f"ALTER TABLE episodes ADD COLUMN {column} VARCHAR")
    rows = con.execute(
        "SELECT pl_la, pl_location_derived, pl_location, pl_distance "
        f'FROM ({located()}) ORDER BY "row"'
    ).fetchall()
    assert rows == [
        ("E08000039", "OUT", "OUT", 16.8),
        ("E08000017", "IN", "IN", 0.3),
        ("E06000052", "OUT", "OUT", 715.0),
        ("E10000003", "OUT", "IN", 105.1),  # Cambridgeshire; the supplied 'in' is kept
        ("E06000065", "IN", "IN", 36.5),
        ("NUK", "OUT", "OUT", None),  # Jersey: a district, no grid reference
        (None, None, None, None),  # AB11 3AG: in the directory without a district
    ]
    found = con.execute(f'SELECT home_found, pl_found FROM ({located()}) ORDER BY "row"')
    assert found.fetchall() == [(True, True)] * 7
    # the directory's rows give the episodes' fields, not their postcode or district texts
    # (found: the episode's own text matched; a synthetic England's 2.23 -> 1.94 CPU s)
    assert "d.* EXCLUDE" not in located() and "d.district IS NOT NULL" in located()


def test_no_distance_in_the_directory_passes_999_9():
    """The farthest two postcodes of the directory are less than 999.9 miles apart (the corners
    of their grid references' bounding box), so rule 164 can fire only on a distance DfE's
    system sets itself."""
    (diagonal,) = duckdb.sql(
        f"""SELECT sqrt((max(easting) - min(easting)) ** 2 + (max(northing) - min(northing)) ** 2)
            / 1609.3 FROM {postcodes.directory_sql()}"""
    ).fetchall()[0]
    assert 836 < diagonal < 837  # (54899, 8132) to (655448, 1213615): 836.9 miles


def test_the_rules_run_without_last_years_return_only_where_they_can():
    """Without last year's return the comparing rules say once that they did not run."""
    tables = {H: [child("A")], E: [at("A", DONCASTER, SHEFFIELD)]}
    result = run_on(tables, ["503H", "392c"])
    assert result.faults.num_rows == 0
    assert [sorted(n.codes) for n in result.not_run] == [["503H"]]


def test_the_directory_is_read_by_its_structure_not_its_file_names(tmp_path):
    """A release that names or nests its files differently reads the same: two of the installed
    package's data files renamed and moved, beside files that are not postcode data (text, and
    brotli-compressed msgpack of another shape), give exactly those two files' postcodes."""
    import brotli
    import msgpack

    folder = postcodes._package_folder()
    z, y = folder / "postcodes_Z.msgpack.br", folder / "postcodes_Y.msgpack.br"
    (tmp_path / "nested").mkdir()
    (tmp_path / "part-0001.bin").write_bytes(z.read_bytes())
    (tmp_path / "nested" / "data").write_bytes(y.read_bytes())
    (tmp_path / "README.md").write_text("not data")
    other = msgpack.packb({"columns": ["pcd"], "data": {"pcd": ["ZE1 0AA"]}})
    (tmp_path / "other.msgpack.br").write_bytes(brotli.compress(other))
    table = postcodes.directory_table(tmp_path)
    counts = [
        len(msgpack.unpackb(brotli.decompress(f.read_bytes()))["data"]["pcd"]) for f in (z, y)
    ]
    assert table.num_rows == sum(counts) and min(counts) > 0
    assert {p[:1] for p in table.column("postcode").to_pylist()} == {"Z", "Y"}
    assert ("ZE10AA", "SCO") in zip(
        table.column("postcode").to_pylist(), table.column("pl_la").to_pylist(), strict=True
    )


def test_a_folder_without_postcode_data_is_refused_in_one_line(tmp_path):
    (tmp_path / "README.md").write_text("not data")
    with pytest.raises(postcodes.PostcodesUnavailable, match="no postcode data found in"):
        postcodes.directory_table(tmp_path)


def test_the_integer_key_is_one_to_one_and_blank_for_what_is_not_a_postcode():
    """S1 1AA and S11 1AA (two postcodes) get different keys; a value with other characters or
    longer than 7 has none (so it is not found: 392c)."""
    values = ["S11AA", "S111AA", "DN11BE", "DN1-1BE", "ABCDEFGH", ""]
    sql = ", ".join(postcodes.key_sql(f"'{v}'") for v in values)
    keys = duckdb.sql(f"SELECT {sql}").fetchall()[0]
    assert len(set(keys[:3])) == 3 and all(k is not None for k in keys[:3])
    assert keys[3:] == (None, None, None)
    # S11AA: the bytes of 'S11AA  ' (two blanks pad it to 7), big-endian
    assert keys[0] == int.from_bytes(b"S11AA  ", "big") == 0x53313141412020
    # sorted as the padded text sorts (the cached Parquet is sorted by key)
    assert keys[2] < keys[1] < keys[0]  # DN11BE, S111AA, S11AA


def test_the_cached_parquet_is_written_whole_and_named_by_the_release(tmp_path, monkeypatch):
    """The first use writes the directory (here two of the package's files) into the cache
    folder as one Parquet file, sorted by key, readable as the rules read it; no temporary file
    is left; a second call finds it."""
    package = tmp_path / "package"
    package.mkdir()
    for letter in ("Z", "Y"):
        data = (postcodes._package_folder() / f"postcodes_{letter}.msgpack.br").read_bytes()
        (package / f"postcodes_{letter}.msgpack.br").write_bytes(data)
    monkeypatch.setattr(postcodes, "_package_folder", lambda: package)
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    postcodes.directory_parquet.cache_clear()
    try:
        path = postcodes.directory_parquet()
        assert path.parent == tmp_path / "cache" and path.name.startswith("onspd-")
        assert [p.name for p in (tmp_path / "cache").iterdir()] == [path.name]
        rows = duckdb.sql(
            f"SELECT key, postcode, pl_la FROM {postcodes.directory_sql()} "
            "WHERE postcode = 'ZE10AA'"
        ).fetchall()
        ze10aa = postcodes.key_sql("'ZE10AA'")
        expected_key = duckdb.sql(f"SELECT {ze10aa}").fetchall()[0][0]
        assert rows == [(expected_key, "ZE10AA", "SCO")]
        keys = [k for (k,) in duckdb.sql(f"SELECT key FROM {postcodes.directory_sql()}").fetchall()]
        assert keys == sorted(keys)
        assert postcodes.directory_parquet() == path
    finally:
        postcodes.directory_parquet.cache_clear()
