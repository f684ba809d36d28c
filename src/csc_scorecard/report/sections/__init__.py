"""The report's sections that are built from their own computation: each module takes plain
figures from the layers below (the measures, `measures.workforce`, the forecast) and writes the
section's sentences, display strings and charts, applying the report's one small-number
suppression (`report.publication`) when the report is published (docs/architecture.md).
"""
