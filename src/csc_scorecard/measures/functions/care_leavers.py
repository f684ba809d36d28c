"""Care leavers: the DfE OC3 cohort (in touch, activity, accommodation), staying put, and pathway
plans from Annex A list 9 (standards.md 1.5 OC3 cohort, 3 list 9, 5.6).

OC3 information is recorded around each young person's birthday in the collection year (1 April
to 31 March), so a quarter is measured against the collection year it belongs to: its in-year
rows so far, as councils run the in-year 903 extract. The cohort count also looks ahead to the
birthdays still to come in the year, from the care histories (`cohort_to_come`).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import (
    Counted,
    count_children,
    in_window,
    months_ago,
    setting,
    share,
)
from csc_scorecard.measures.functions.looked_after import CONTINUES, episodes
from csc_scorecard.model.codes import codes

_CHILD = ["la_code", "period", "child_id"]


def _periods(ctx: Context, m: Measure) -> ir.Table:
    """The measure's periods with `_fy`, the financial year of the quarter end; its 903
    collection year ends on the next 31 March (collection year = _fy + 1)."""
    p = ctx.periods(m.period_type)
    return p.mutate(_fy=p.quarter_end.year() - (p.quarter_end.month() < 4).cast("int32"))


def cohort(ctx: Context, m: Measure, *, exclusions: bool = True) -> ir.Table:
    """OC3 rows of each period's collection year for young people whose age at their birthday in
    that year is in the `ages` setting, with `age` and `date_of_birth`.

    Age = the age reached at the birthday falling in the collection year (DfE's age groups,
    standards.md 5.6); a young person with no date of birth cannot be placed in an age group and
    is left out. With `exclusions`, IN_TOUCH codes in `excluded_in_touch` (died since leaving
    care, returned home for 6+ months) are removed, as DfE removes them from its percentages.
    """
    p = _periods(ctx, m)
    oc3 = ctx.table("care_leavers")
    t = oc3.join(p, oc3.collection_year == p._fy + 1)
    c = ctx.table("children")
    c = c.select(c_la=c.la_code, c_child=c.child_id, date_of_birth=c.date_of_birth)
    t = t.join(c, [t.la_code == c.c_la, t.child_id == c.c_child]).drop("c_la", "c_child")
    birthday_year = t._fy + (t.date_of_birth.month() < 4).cast("int32")
    t = t.mutate(age=birthday_year - t.date_of_birth.year())
    t = t.filter(t.age.isin(setting(ctx, m, "ages")))
    if exclusions:
        t = t.filter(t.in_touch.isnull() | ~t.in_touch.isin(setting(ctx, m, "excluded_in_touch")))
    return t


def care_leavers_cohort(ctx: Context, m: Measure) -> Counted:
    """Young people in the OC3 cohort of the quarter's collection year, in the age group: those
    already recorded (birthdays so far) and, with the `include_birthdays_to_come` setting, those
    whose birthday in the year is still to come and whose care history at the quarter end puts
    them in the cohort (`cohort_to_come`). At the year's end the two agree with the return."""
    recorded = cohort(ctx, m, exclusions=False).select(*_CHILD)
    if setting(ctx, m, "include_birthdays_to_come"):
        recorded = recorded.union(cohort_to_come(ctx, m))
    return count_children(ctx, recorded)


def cohort_to_come(ctx: Context, m: Measure) -> ir.Table:
    """la_code, period, child_id of young people whose birthday at an age in `ages` falls after
    the quarter end and within its collection year, and who would be in the OC3 cohort on the
    903 data as at the quarter end (standards.md 1.5; 903 rules 1001, 1007, 1000, 1011):
    - looked after (short breaks ignored) at least `days_after_14` days between the 14th
      birthday and the quarter end, and at least a day after the 16th birthday;
    - never ceased care by a reason in `excluded_exits` (adopted, died, care transferred to
      another authority, age assessed as an adult);
    - at the ages in `not_looked_after_at_ages` (17, 18), not looked after at the quarter end
      (those still in care on that birthday are not in the return; the position at the quarter
      end stands in for a birthday still to come).
    """
    p = _periods(ctx, m)
    p = p.select("period", "quarter_end", year_end=ibis.date(p._fy + 1, 3, 31))

    e = episodes(ctx, m)
    c = ctx.table("children")
    c = c.filter(c.date_of_birth.notnull())
    c = c.select(c_la=c.la_code, c_child=c.child_id, dob=c.date_of_birth)
    # Only young people looked after at some time after their 16th birthday can qualify.
    after_16 = e.join(c, [e.la_code == c.c_la, e.child_id == c.c_child])
    after_16 = after_16.filter(
        after_16.dec.isnull() | (after_16.dec > after_16.dob + ibis.interval(years=16))
    )
    young = after_16.select("la_code", "child_id", "dob").distinct()
    candidates = ibis.union(
        *[
            young.cross_join(p).mutate(
                age=ibis.literal(age), birthday=young.dob + ibis.interval(years=age)
            )
            for age in setting(ctx, m, "ages")
        ]
    )
    candidates = candidates.filter(
        (candidates.birthday > candidates.quarter_end)
        & (candidates.birthday <= candidates.year_end)
    )

    ep = e.select(e_la=e.la_code, e_child=e.child_id, decom=e.decom, dec=e.dec, rec=e.rec)
    j = candidates.join(
        ep,
        [
            candidates.la_code == ep.e_la,
            candidates.child_id == ep.e_child,
            ep.decom <= candidates.quarter_end,
        ],
    )
    until = j.quarter_end

    def days_since(birthday: ir.DateValue) -> ir.IntegerValue:
        start = ibis.greatest(j.decom, birthday)
        end = ibis.least(ibis.coalesce(j.dec, until), until)
        return ibis.greatest(end.delta(start, unit="day"), 0)

    j = j.mutate(
        _d14=days_since(j.dob + ibis.interval(years=14)),
        _d16=days_since(j.dob + ibis.interval(years=16)),
        _in_care=j.dec.isnull() | (j.dec > until),
        _excluded=(j.dec <= until) & j.rec.isin(setting(ctx, m, "excluded_exits")).fill_null(False),
    )
    per = j.group_by([*_CHILD, "age"]).agg(
        d14=j._d14.sum(), d16=j._d16.sum(), in_care=j._in_care.any(), excluded=j._excluded.any()
    )
    still_in_care = per.age.isin(setting(ctx, m, "not_looked_after_at_ages")) & per.in_care
    qualifies = (
        (per.d14 >= setting(ctx, m, "days_after_14"))
        & (per.d16 >= 1)
        & ~per.excluded
        & ~still_in_care
    )
    return per.filter(qualifies).select(*_CHILD)


def care_leavers_in_touch(ctx: Context, m: Measure) -> Counted:
    """Of the cohort after exclusions, those the authority was in touch with (IN_TOUCH in
    `in_touch_codes`, i.e. YES); the denominator keeps NO, REFU and NREQ (standards.md 5.6)."""
    t = cohort(ctx, m)
    return share(ctx, t, t.in_touch.isin(setting(ctx, m, "in_touch_codes")), why="in touch")


def care_leavers_suitable_accommodation(ctx: Context, m: Measure) -> Counted:
    """Of the cohort after exclusions, those in suitable accommodation: an ACCOM code whose
    digit is 1 (the `accommodation` code list; 2 = unsuitable, 0 = no information, which stay in
    the denominator as DfE's total does; standards.md 1.3, 5.6). Young people gone abroad (G),
    deported (H) or whose residence is not known (R) leave both numerator and denominator, as in
    DfE's suitability total (LAIT 112; standards.md 5.6): the `excluded_accommodation_types`."""
    suitable = [
        code for code in codes("accommodation") if code.endswith(setting(ctx, m, "suitable_digit"))
    ]
    t = cohort(ctx, m)
    away = t.accommodation.substr(0, 1).isin(setting(ctx, m, "excluded_accommodation_types"))
    t = t.filter(~away.fill_null(False))
    return share(ctx, t, t.accommodation.isin(suitable), why="in suitable accommodation")


def care_leavers_eet(ctx: Context, m: Measure) -> Counted:
    """Of the cohort after exclusions, those in education, employment or training (ACTIV in the
    `eet_activities` setting; standards.md 5.6)."""
    t = cohort(ctx, m)
    eet = t.activity.isin(setting(ctx, m, "eet_activities"))
    return share(ctx, t, eet, why="in education, employment or training")


def staying_put(ctx: Context, m: Measure) -> Counted:
    """Care leavers in the age group who ceased care in a foster placement on their 18th
    birthday, and of them those still living with their former foster carers (ACCOM in
    `staying_put_accommodation`, Z1/Z2; standards.md 5.6 [U] 903 mapping).

    Ceased in foster care on the 18th birthday = an episode (not a short break) with DEC on
    that birthday, REC other than X1 and PLACE in `foster_placements`.
    """
    t = cohort(ctx, m)
    e = episodes(ctx, m)
    e = e.filter(
        e.dec.notnull()
        & e.rec.notnull()
        & (e.rec != CONTINUES)
        & e.place.isin(setting(ctx, m, "foster_placements"))
    )
    e = e.select(e_la=e.la_code, e_child=e.child_id, e_dec=e.dec)
    eighteenth = t.date_of_birth + ibis.interval(years=setting(ctx, m, "ceased_at_age"))
    left_foster = t.join(e, [t.la_code == e.e_la, t.child_id == e.e_child, e.e_dec == eighteenth])
    left_foster = left_foster.select(*_CHILD, "accommodation").distinct()
    return share(
        ctx,
        left_foster,
        left_foster.accommodation.isin(setting(ctx, m, "staying_put_accommodation")),
        why="still living with the former foster carers",
    )


def pathway_plans_reviewed(ctx: Context, m: Measure) -> Counted:
    """Care leavers in the latest Annex A list 9 extract dated in the window, and of them those
    whose latest pathway plan (review) is no more than `review_months` before the extract date
    and, with `require_sign_off`, authorised by the team manager.

    Only `eligibility_categories` are counted (qualifying care leavers have no pathway plan);
    a blank category is kept, since every list 9 young person is entitled to services.
    """
    t = in_window(ctx.table("care_leaver_plans"), "as_at_date", ctx.periods(m.period_type))
    latest = ibis.window(group_by=[t.la_code, t.period])
    t = t.mutate(_latest=t.as_at_date.max().over(latest))
    t = t.filter(t.as_at_date == t._latest)
    t = t.filter(
        t.eligibility_category.isnull()
        | t.eligibility_category.isin(setting(ctx, m, "eligibility_categories"))
    )
    reviewed = t.latest_pathway_plan_date >= months_ago(
        t.as_at_date, setting(ctx, m, "review_months")
    )
    if setting(ctx, m, "require_sign_off"):
        # Ofsted's list 9 has no sign-off column: where the source does not record it (NULL),
        # the review stands; only a recorded "not signed off" holds it back.
        reviewed = reviewed & t.pathway_plan_signed_off.fill_null(True)
    return share(ctx, t, reviewed, why="pathway plan reviewed in time")
