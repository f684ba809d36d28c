"""The authority's canonical rows as the Annex A lists read them: row dicts, the windows
before the extract date, each child's common columns and allocated worker, and the counting
helpers the lists share (`synth.writers.annex_a_lists`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from csc_scorecard.ingest.formats.annex_a import months_before
from csc_scorecard.synth.authority import SyntheticAuthority


class ListData:
    """The authority's canonical rows as dicts, and the lookups the lists share."""

    def __init__(self, authority: SyntheticAuthority) -> None:
        self.as_at = authority.end
        self.cut6 = months_before(self.as_at, 6)
        self.cut12 = months_before(self.as_at, 12)
        self.tables = authority.tables
        self._rows: dict[str, list[dict]] = {}
        self.children = {c["child_id"]: c for c in self.rows("children")}
        self._allocated = self._allocations()

    def rows(self, name: str) -> list[dict]:
        if name not in self._rows:
            t = self.tables.get(name)
            self._rows[name] = t.to_pylist() if t is not None else []
        return self._rows[name]

    def known(self, d: date | None) -> date | None:
        """A date the extract could know on its run date."""
        return d if d is not None and d <= self.as_at else None

    def in_window(self, d: date | None, months: int = 6) -> bool:
        start = self.cut6 if months == 6 else self.cut12
        return d is not None and start <= d <= self.as_at

    def child_row(self, child_id: str, **fields: object) -> dict:
        """The common columns of every list, then the list's own fields."""
        c = self.children.get(child_id, {})
        dob = c.get("date_of_birth")
        team, worker = self._allocated.get(child_id, (None, None))
        disabilities = c.get("disabilities")
        row = {
            "child_id": child_id,
            "sex": c.get("sex"),
            "ethnicity": c.get("ethnicity"),
            "date_of_birth": dob,
            "age": _age(dob, self.as_at),
            "disabled": None
            if disabilities is None
            else disabilities.strip().upper() not in ("", "NONE"),
            "team": team,
            "worker": worker,
        }
        row.update(fields)
        return {
            k: (self.known(v) if isinstance(v, date) and k != "date_of_birth" else v)
            for k, v in row.items()
        }

    def _allocations(self) -> dict[str, tuple[str | None, str | None]]:
        """Each child's allocated worker at the extract date (else the latest), and their team."""
        best: dict[str, dict] = {}
        for a in self.rows("case_allocations"):
            if a["start_date"] is None or a["start_date"] > self.as_at:
                continue
            old = best.get(a["child_id"])
            if old is None or (a["end_date"] is None, a["start_date"]) > (
                old["end_date"] is None,
                old["start_date"],
            ):
                best[a["child_id"]] = a
        names = {t["team_id"]: t["team_name"] for t in self.rows("teams")}
        posts: dict[str, list[dict]] = defaultdict(list)
        for p in self.rows("worker_posts"):
            posts[p["worker_id"]].append(p)
        out = {}
        for child, a in best.items():
            on = min(a["end_date"] or self.as_at, self.as_at)
            held = [
                p
                for p in posts.get(a["worker_id"], [])
                if p["start_date"] and p["start_date"] <= on
            ]
            team = max(held, key=lambda p: p["start_date"])["team_id"] if held else None
            out[child] = (names.get(team, team), a["worker_id"])
        return out


def _age(dob: date | None, on: date) -> int | None:
    if dob is None or dob > on:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def latest_per_child(rows: Iterable[dict], key: Callable[[dict], tuple]) -> list[dict]:
    best: dict[str, dict] = {}
    for r in rows:
        if r["child_id"] not in best or key(r) > key(best[r["child_id"]]):
            best[r["child_id"]] = r
    return list(best.values())


def count_before(dates: list[date], on: date, months: int = 12) -> int:
    """Events in the `months` before `on`, not counting `on` itself (S4's 'NOT INCL. CURRENT')."""
    start = months_before(on, months)
    return sum(1 for d in dates if d is not None and start <= d < on)
