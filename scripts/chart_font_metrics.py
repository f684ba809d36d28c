"""Write the Liberation Sans metrics the report's trend charts are laid out with
(src/csc_scorecard/report/chart_font.csv): each character's advance and each pair's kerning,
in font units, for the regular and bold faces.

vl-convert draws the report's charts in the Liberation Sans it carries (2.1.x) and measures
text as HarfBuzz shapes it: advances plus the GPOS pair kerning (the faces have no default
ligatures), so `report/svg_trend.py` measures the same way from this table. Run it on the
faces of the fonts-liberation2 package (2.1.5):

    python scripts/chart_font_metrics.py /usr/share/fonts/truetype/liberation2

tests/test_report_chart_svg.py checks the table against vl-convert's own measures."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[1] / "src/csc_scorecard/report/chart_font.csv"
# The characters a chart's title, labels and numbers are written in; any other is drawn by Vega.
CHARACTERS = "".join(chr(c) for c in range(32, 127)) + "£€–—‘’“”…é×·\u2212"


def _pairs(font: TTFont) -> dict[tuple[str, str], int]:
    """The GPOS 'kern' feature's pair adjustments (x advance of the first glyph), the first
    subtable listing a pair winning, as a shaper applies them."""
    table = font["GPOS"].table
    lookups = sorted(
        {
            i
            for record in table.FeatureList.FeatureRecord
            if record.FeatureTag == "kern"
            for i in record.Feature.LookupListIndex
        }
    )
    glyphs = font.getGlyphOrder()
    pairs: dict[tuple[str, str], int] = {}
    for index in lookups:
        lookup = table.LookupList.Lookup[index]
        for sub in lookup.SubTable:
            if lookup.LookupType == 9:
                sub = sub.ExtSubTable
            if sub.Format == 1:
                for first, pair_set in zip(sub.Coverage.glyphs, sub.PairSet, strict=True):
                    for record in pair_set.PairValueRecord:
                        x = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                        pairs.setdefault((first, record.SecondGlyph), x)
            else:
                first_classes, second_classes = sub.ClassDef1.classDefs, sub.ClassDef2.classDefs
                for first in sub.Coverage.glyphs:
                    row = sub.Class1Record[first_classes.get(first, 0)].Class2Record
                    for second in glyphs:
                        value = row[second_classes.get(second, 0)].Value1
                        x = getattr(value, "XAdvance", 0) if value else 0
                        if (first, second) not in pairs:
                            pairs[(first, second)] = x
    return pairs


def main(folder: str) -> None:
    faces = [TTFont(Path(folder) / f"LiberationSans-{face}.ttf") for face in ("Regular", "Bold")]
    maps = [face.getBestCmap() for face in faces]
    units = {face["head"].unitsPerEm for face in faces}
    assert units == {2048}, units
    chars = [c for c in CHARACTERS if all(ord(c) in m for m in maps)]
    kerning = [_pairs(face) for face in faces]
    rows = [["kind", "first", "second", "regular", "bold"]]
    for c in chars:
        rows.append(["advance", c, "", *(f["hmtx"][m[ord(c)]][0] for f, m in zip(faces, maps))])
    for a in chars:
        for b in chars:
            values = [k.get((m[ord(a)], m[ord(b)]), 0) for k, m in zip(kerning, maps)]
            if any(values):
                rows.append(["kern", a, b, *values])
    with OUT.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    print(f"{OUT}: {len(chars)} characters, {len(rows) - 1 - len(chars)} kerning pairs")


if __name__ == "__main__":
    main(sys.argv[1])
