"""Evidence beside the rows it proves, for any report page: load the files once per page
(`{% evidence_index report as files %}`), then show them per place (`{% evidence_beside files "score" code %}`)
or link to a place's upload page (`{% evidence_attach report files "score" code required=… %}`)."""
from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from evidence.selectors import evidence_by_place
from reports.forms.renderer import html

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


@register.simple_tag
def evidence_attach(report, files, kind, ref, required=False):
    """The link to a place's upload page with its count of files ("佐证材料（2）"), red with 必附 while a
    required place has none. Written in Python: the 评分表 and the 定量 lists print one a row (the template it
    replaced is compared in tests/evidence/test_attach_tag.py)."""
    count = len((files or {}).get(_key(kind, ref), []))
    anchor = f"evidence-{ref}" if kind == "score" else f"evidence-{kind}-{ref}"
    badge = ""
    if required:
        badge = html('<span class="badge {} ms-1">{}</span>', "text-bg-secondary" if count else "text-bg-danger",
                            _("必附"))
    return html('<a class="evidence-attach small{}" id="{}" href="{}">{}（{}）{}</a>\n',
                       " text-danger" if required and not count else "", anchor,
                       reverse("evidence_place", args=[report.pk, kind, ref]), _("佐证材料"), count, badge)
