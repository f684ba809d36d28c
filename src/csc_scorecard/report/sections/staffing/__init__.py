"""The report's staffing section, from data: supervision, caseloads, spans, audits, agency, turnover.

`section.staffing_section(store, la_code, quarter)` returns one JSON-serialisable
`StaffingSection` (`model`): the figures (the workforce measures for the quarter and the one
before, caseload positions at the quarter end and a comparison date on three bases, a
twelve-month caseload trend, team spans, supervision by team, audits by type, the latest census
rates), chart data (`charts`), and generated paragraphs in the seed's order (paras 28-33 and 42:
`paragraphs`, `caseload_paragraphs`). Every number in a sentence is a `Cite` (`cites`) whose
JSON pointer (prefixed with `ref_prefix`, e.g. "/staffing" where the report nests the section)
resolves to the value it prints, so the narrative cannot disagree with the figures.

Publication (`publication=True`, design.md "Privacy and security"; `publication`): worker-level
content is left out - the per-worker caseload list, the overdue-supervision list, team-level
caseload and supervision breakdowns, the highest caseload and, when the report layout counts the
highest span as worker level (one team manager's), each team's span - and small counts (1 to 5)
are shown as `c`, as report/publication.py does for every figure.
"""
