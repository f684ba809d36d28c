"""A synthetic England: every English authority, sized and calibrated from its published figures,
generated vectorised (numpy) straight into canonical tables and a store, for work at scale.

The per-child simulator (`synth.children`) follows every child's journey in detail and writes
every statutory format; it takes seconds per authority, far too slow for 150 of them over ten
years. This generator draws the same canonical tables from a few stock-and-flow rules, each
authority from its own targets (`synth.published`: ONS 0-17 population, DfE referral,
re-referral, Section 47, CIN, CP and CLA figures for each year):

- **Referrals** in each financial year: Poisson with the published count (rate x population),
  dates uniform over the year. A share are closed with no further action (NFA) the same day.
- **Re-referrals**: each referral is a re-referral with the published share; it takes the child
  of a random earlier referral (strictly earlier date, within the 12 months before) whose episode
  had closed; the share is then corrected once for the referrals that found no such episode.
- **Routes** of the other referrals: a child protection plan, care, or child in need only (a
  short episode closed after assessment, or a long one with a CIN plan). Plans started and
  children starting care each year are the published counts, so routes have those shares.
- **Stocks at 31 March** (CIN, CP, CLA) follow from the flows and durations (Little's law:
  stock = starts x mean duration). Durations are exponential with the year's mean
  published stock / published starts, so each 31 March stock is the published one in
  expectation; an authority starts with the stocks of the year before already open (ages and
  remaining durations exponential too: the stationary state, no burn-in needed).
- Every referral that is not NFA has an assessment; CP-route referrals have a Section 47 enquiry,
  an ICPC and a plan (reviews at 3 months, then every 6); other referrals have an enquiry with
  the share that brings the year's enquiries to the published count; care is one or more
  903-shaped episodes (placement moves) inside the episode of need.

Records run from 1 April of the year before the first (history for re-referrals and direction
of travel) to 31 March after the last: `--years 2013-2022` gives the 40 quarters 2013-Q1 to
2022-Q4 complete. Dates after that are not yet known (NULL), as in a real extract.

Looked-after episodes carry real postcodes of the ONS Postcode Directory (HOME_POST inside the
authority, PL_POST inside it or in a neighbouring one as the episode's PL_LOCATION says) and an
Ofsted-style URN where the placement type has one (`synth.england_places`), drawn from draws of
their own, so every other value is what it was without them.

Not simulated (empty in the store): contacts, early help, visits, CLA reviews, health, care
leavers, adoption, workforce, finance. The measures on those report "not available".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import pyarrow as pa

from csc_scorecard.store import Store
from csc_scorecard.synth.england_generator import EPOCH, Generator, Span
from csc_scorecard.synth.england_places import Places, assign
from csc_scorecard.synth.england_tables import Tables
from csc_scorecard.synth.published import Authority, authorities
from csc_scorecard.synth.records import to_arrow

__all__ = ["SOURCE_FORMAT", "TABLES", "Span", "simulate", "write_store"]

SOURCE_FORMAT = "synthetic_england"
DEFAULT_SPAN = Span(2013, 2022)  # the years `write_store` simulates unless told
TABLES = (
    "children",
    "referrals",
    "assessments",
    "section47s",
    "cin_plans",
    "cp_plans",
    "cp_reviews",
    "cla_episodes",
)


def simulate(
    authority: Authority, span: Span, seed: int = 2022, places: Places | None = None
) -> dict[str, pa.Table]:
    """The canonical tables (data columns, no lineage) of one synthetic authority (`places`:
    the postcodes of it and its neighbours, read from the directory when not given)."""
    generator = Generator(authority, span, seed)
    referrals, kid = generator.run()
    frames = Tables(generator.rng, generator.end, authority.la_code).build(referrals, kid)
    places = places or Places([authority.la_code])
    episodes = frames["cla_episodes"]
    placed = assign(places, authority.la_code, seed, episodes, EPOCH + generator.end)
    episodes |= {"home_post": placed.home_post, "pl_post": placed.pl_post, "urn": placed.urn}
    return {name: to_arrow(name, frames[name]) for name in TABLES}


# -- writing a store ------------------------------------------------------------------------


def write_store(
    store: Store,
    la_codes: Iterable[str] | None = None,
    span: Span = DEFAULT_SPAN,
    seed: int = 2022,
    progress: Callable[[str, int, float], None] | None = None,
) -> dict[str, int]:
    """Simulate each authority and write it into the store (one all-or-nothing load each,
    source format `synthetic_england`); return rows written per authority.

    The store must not hold data for these authorities already (a synthetic England is built
    in a store of its own: refused otherwise, nothing written). Rows are inserted directly,
    not merged by key as an ingest does, because nothing is there to merge with."""
    known = authorities(span.first_year, span.last_year)
    codes = list(la_codes) if la_codes is not None else list(known)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(
            f"no published population and rates for every year {span.first_year - 1}-"
            f"{span.last_year} for LA {', '.join(unknown)} (reorganised authorities are left out)"
        )
    held = set(store.authorities()) & set(codes)
    if held:
        raise ValueError(
            f"the store {store.path} already holds LA {', '.join(sorted(held))}: "
            "write a synthetic England into a new store"
        )
    written = {}
    places = Places(codes)
    for la in codes:
        started = time.perf_counter()
        tables = simulate(known[la], span, seed, places)
        written[la] = _insert(store, la, tables, span, seed)
        if progress:
            progress(la, written[la], time.perf_counter() - started)
    return written


def _insert(store: Store, la: str, tables: dict[str, pa.Table], span: Span, seed: int) -> int:
    return store.append_load(
        la,
        SOURCE_FORMAT,
        (span.start, span.end),
        f"synthetic England, seed {seed}, years {span.first_year}-{span.last_year}",
        tables,
    )
