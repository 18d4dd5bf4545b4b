"""The secretariat's admin, one module per part of the domain."""

from . import audit, papers_and_stakeholders, positions  # noqa: F401
