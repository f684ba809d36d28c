"""The social work workforce figures: caseloads, spans of control, supervision, case audits and
DfE workforce rates.

Counting is Ibis over the canonical workforce tables (teams, workers, worker_posts,
worker_absences, case_allocations, supervisions, case_audits and the workforce census), so it
runs on DuckDB and Spark alike. The workforce measures (`measures/functions/workforce.py`), the
operational lists and the report's staffing section (`report.sections.staffing`) all count through
these modules, so they count the same way. See docs/workforce.md.
"""
