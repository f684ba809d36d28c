"""The social work workforce: caseloads, spans of control, supervision and DfE workforce rates.

Counting is Ibis over the canonical workforce tables (teams, workers, worker_posts,
worker_absences, case_allocations, supervisions, case_audits and the workforce census), so it
runs on DuckDB and Spark alike; `section.staffing_section` assembles the report's staffing
section from it. See docs/workforce.md.
"""
