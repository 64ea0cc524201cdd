"""A finding as a JSON-ready dict: what its history keeps. The same dict is what a report's interchange
document lists under `followup` (reports.interchange.export.finding_dump; docs/report-format.md)."""
from reports.interchange.export import finding_dump as finding_export

__all__ = ["finding_export"]
