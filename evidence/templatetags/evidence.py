"""Evidence beside the rows it proves, for any report page: load the files once per page
(`{% evidence_index report as files %}`), then show them per place (`{% evidence_beside files "score" code %}`)
or link to a place's upload page (`{% evidence_attach report files "score" code required=… %}`)."""
from django import template

from evidence.selectors import evidence_by_place

register = template.Library()
KEY_PREFIX = {"score": "scores", "quantitative": "quantitative", "section": "section"}


def _key(kind, ref):
    return f"{KEY_PREFIX[kind]}/{ref}"


@register.simple_tag
def evidence_index(report):
    """{place key: [Evidence]} of the report's current files (one query)."""
    return evidence_by_place(report)


@register.inclusion_tag("evidence/_links.html")
def evidence_beside(files, kind, ref):
    """The place's files as links (the description as their title), or a dash."""
    return {"files": (files or {}).get(_key(kind, ref), [])}


@register.inclusion_tag("evidence/_attach.html")
def evidence_attach(report, files, kind, ref, required=False):
    count = len((files or {}).get(_key(kind, ref), []))
    return {"report": report, "kind": kind, "ref": ref, "count": count, "required": required,
            "anchor": f"evidence-{ref}" if kind == "score" else f"evidence-{kind}-{ref}"}
