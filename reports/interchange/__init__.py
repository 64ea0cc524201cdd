"""One whole report as a JSON document (format described in docs/report-format.md).

report_export(report) -> dict, document_problems(doc) -> [str], report_import(*, document) -> Report,
document_dumps(doc) -> str and document_blank(...) for an empty report.
"""
from reports.interchange.export import document_blank, document_dumps, report_export
from reports.interchange.fields import FORMAT_NAME, FORMAT_VERSION
from reports.interchange.load import document_problems, report_import

__all__ = [
    "FORMAT_NAME", "FORMAT_VERSION", "document_blank", "document_dumps", "document_problems", "report_export",
    "report_import",
]
