"""The report's finance and placements-strategy sections: written from the forecast's plain
figures (`forecast`: the care-ladder outturn, the placement projection, the homes pipeline and
inspections), with their sentences, tables, display strings and the report's small-number
suppression (`report.publication`) here, above the figures (docs/architecture.md).

`section.finance_section(store, la_code, quarter, *, scenario="base", publication=False)`
builds the `FinanceSection`; `section.tidy(section)` gives it as a long Arrow table.
"""
