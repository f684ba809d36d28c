"""Worker roles: which hold cases, which manage, which need a social work qualification, how
they map to the workforce census, and who can move into which post."""

from __future__ import annotations

CASE_ROLES = (
    "social_worker",
    "senior_practitioner",
    "advanced_practitioner",
    "personal_adviser",
    "family_support_worker",
)
MANAGER_ROLES = ("team_manager", "service_manager")
QUALIFIED_ROLES = (
    "service_manager",
    "team_manager",
    "advanced_practitioner",
    "senior_practitioner",
    "social_worker",
)
# CSWW OrgRole (standards.md 4).
ORG_ROLE = {
    "service_manager": "2",
    "team_manager": "3",
    "advanced_practitioner": "4",
    "senior_practitioner": "4",
    "social_worker": "5",
    "personal_adviser": "5",
}
# Who can be promoted or moved into a post, and the service they need (years).
INTERNAL_FROM = {
    "service_manager": {"team_manager": 3},
    "team_manager": {"advanced_practitioner": 2, "senior_practitioner": 3, "social_worker": 5},
    "advanced_practitioner": {"senior_practitioner": 1, "social_worker": 3},
    "senior_practitioner": {"social_worker": 2},
    "social_worker": {"social_worker": 1},
    "personal_adviser": {"personal_adviser": 1},
    "family_support_worker": {"family_support_worker": 1},
}
