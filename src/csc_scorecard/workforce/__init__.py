"""The report's staffing section, assembled from the workforce figures in `measures.workforce`
(caseloads, spans of control, supervision, case audits and DfE workforce rates).

`section.staffing_section` builds it. See docs/workforce.md.
"""
