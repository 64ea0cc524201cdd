"""Evidence beside the rows it proves, for any report page: load the files once per page
(`{% evidence_index report as files %}`), then show them per place (`{% evidence_beside files "score" code %}`)
or link to a place's upload page (`{% evidence_attach report files "score" code required=… %}`)."""
from django import template

from evidence.selectors import evidence_by_place
from reports.templatetags.editor_tags import attach_link, evidence_key

register = template.Library()


@register.simple_tag
def evidence_index(report):
    """{place key: [Evidence]} of the report's current files (one query)."""
    return evidence_by_place(report)


@register.inclusion_tag("evidence/_links.html")
def evidence_beside(files, kind, ref):
    """The place's files as links (the description as their title), or a dash."""
    return {"files": (files or {}).get(evidence_key(kind, ref), [])}


# The link is written by the editor's Python rows too (reports imports nothing of evidence: docs/architecture.md).
evidence_attach = register.simple_tag(attach_link, name="evidence_attach")
