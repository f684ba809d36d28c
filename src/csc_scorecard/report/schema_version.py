"""The report context's schema version: one version for the whole context (docs/report-context.md),
the sections nested in it included. It lives in its own module because the section models
(`report.sections.staffing.model`) use it and `report.model` imports them.

Bump ``SCHEMA_VERSION`` (semantic versioning) whenever a field is added (minor), or renamed or
removed (major); renderers check the major version.
"""

SCHEMA_VERSION = "1.4.0"
