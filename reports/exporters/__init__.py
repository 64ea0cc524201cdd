"""Exports of an evaluation year: the summary workbook, the dashboard's chart data, the approved PDFs.

Each export is rows plus a renderer (pretix's exporters): generators yield plain rows from a
queryset the caller scoped with reports.selectors.reports_visible_to, and a renderer writes them.

- queries.py: the year's reports annotated with their totals (one query)
- workbook.py: the write-only openpyxl renderer (text never becomes a formula)
- summary.py: the summary workbook's sheets
- charts.py: the progress dashboard's figures and chart CSVs
- archive.py: the ZIP of approved PDFs
"""
