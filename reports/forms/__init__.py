"""The report editor's forms, one module per part of 附件2-1; `sections` bundles them per page."""
