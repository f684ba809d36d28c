"""Reference data: working-day calendar, populations, LA codes, statistical neighbours and
published DfE comparators (standards.md 5-6; docs/reference-data.md).

Public entry points:
* `reference.load.import_reference(store, public_dir)`: load every reference table.
* `reference.calendar.calendar_table(start, end)`, `working_days_between`, `add_working_days`.
* `reference.comparators.comparator_values(store, measure, la_code, year)`.
"""
