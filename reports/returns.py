"""A returned report: the return the department works on now, what the returner marked, and, once the
report is submitted again, what changed in the marked places.

A return (部门审核 or 财政审核 → 草稿, or an admin's 重新打开) is a StatusChange; its `return_marks` are
{"sections": [editor section keys], "rows": [三级 indicator codes]}. Reads only.
"""
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reports.changes import described
from reports.consistency import SECTION_KEYS
from reports.editing import SECTION_TITLES
from reports.enums import Status as S
from reports.models import StatusChange
from scoring.models import Indicator

# The part of the interchange document (reports.interchange) -> the editor section that edits it.
PART_SECTIONS = {
    "cover": "cover", "overview": "cover", "tasks": "cover",
    "income": "finance", "expenditure": "finance", "three_public": "finance", "fixed_assets": "finance",
    "base_data": "base-data", "qualitative_goals": "goals", "quantitative": "goals",
    "scores": "scores", "narrative": "narrative", "evaluators": "people", "signoff": "people",
}


def marks_clean(*, sections=(), rows=(), codes=()):
    """The marks as stored: known section keys in the editor's order and 三级 codes in rubric order
    (`codes`). Raises ValidationError for an unknown key or code."""
    sections, rows = set(sections), set(rows)
    unknown = sections - set(SECTION_KEYS)
    if unknown:
        raise ValidationError({"return_sections": _("没有这一章节：%(keys)s。") % {"keys": "、".join(sorted(unknown))}})
    unknown = rows - set(codes)
    if unknown:
        raise ValidationError({"return_rows": _("评分表中没有这一指标：%(codes)s。") % {"codes": "、".join(sorted(unknown))}})
    return {"sections": [key for key in SECTION_KEYS if key in sections], "rows": [c for c in codes if c in rows]}


@dataclass
class ReturnState:
    """A return as the pages show it: the move, the marked section keys and 三级 codes."""

    change: StatusChange
    sections: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    row_labels: dict = field(default_factory=dict)  # {三级 code: label}, loaded when rows are marked

    @classmethod
    def of(cls, change, *, labels=False):
        marks = change.return_marks or {}
        state = cls(change=change, sections=list(marks.get("sections") or ()), rows=list(marks.get("rows") or ()))
        if labels and state.rows:
            state.row_labels = dict(
                Indicator.objects.filter(rubric__years__reports=change.report_id, level=3, code__in=state.rows)
                .values_list("code", "label")
            )
        return state

    @property
    def reopened(self):
        return self.change.from_status == S.APPROVED

    @property
    def marked(self):
        return bool(self.sections or self.rows)

    def highlights(self, key):
        """Whether the editor highlights section `key` (marked itself, or one of its 评分表 rows is)."""
        return key in self.sections or (key == "scores" and bool(self.rows))

    def section_titles(self):
        return [_(SECTION_TITLES[key]) for key in self.sections if key in SECTION_TITLES]

    def places(self):
        """The marked places: [{"title", "section", "code"}], the sections, then each marked 评分表 row."""
        sections = [{"title": _(SECTION_TITLES[key]), "section": key, "code": None}
                    for key in self.sections if key in SECTION_TITLES]
        rows = [{"title": _("评分表 · %(label)s") % {"label": self.row_labels.get(code, code)}, "section": "scores",
                 "code": code} for code in self.rows]
        return [*sections, *rows]

    def titles(self):
        """The marked places in words."""
        return [place["title"] for place in self.places()]


def _returns(report_ids):
    return (
        StatusChange.objects.filter(report_id__in=report_ids, to_status=S.DRAFT)
        .select_related("by").defer("snapshot").order_by("report_id", "-at", "-pk")
    )


def returns_for(reports):
    """{report pk: ReturnState} for those of `reports` in 草稿 because they were sent back (one query).

    A report only comes back to 草稿 through a return, so its latest return is what it is in 草稿 for; a 草稿
    never submitted (no `submitted_at`: submitting sets it and nothing clears it) has none.
    """
    ids = [report.pk for report in reports if report.status == S.DRAFT and report.submitted_at is not None]
    states = {}
    if ids:
        for change in _returns(ids):
            states.setdefault(change.report_id, ReturnState.of(change))
    return states


def current_return(report):
    """The ReturnState (with its rows' labels) the report is in 草稿 for, or None (never submitted,
    or not in 草稿)."""
    if report.status != S.DRAFT or report.submitted_at is None:  # never submitted: never returned (returns_for)
        return None
    change = _returns([report.pk]).first()
    return ReturnState.of(change, labels=True) if change is not None else None


def last_return(report):
    """The report's latest return whatever its status (the reviewer's “上次退回”), or None."""
    change = _returns([report.pk]).first()
    return ReturnState.of(change, labels=True) if change is not None else None


def _place(change, document):
    """(editor section key, 三级 code or None) of one document change."""
    path = change["path"]
    if path.startswith("evidence."):
        place = path[len("evidence."):]
        kind, _sep, rest = place.partition("/")
        if kind == "scores":
            return "scores", rest
        return ("goals", None) if kind == "quantitative" else (rest, None)
    part = path.split(".", 1)[0].split("[", 1)[0]
    code = None
    if part == "scores" and "[" in path:
        index = int(path.split("[", 1)[1].split("]", 1)[0])
        rows = (document or {}).get("scores") or []
        code = rows[index].get("code") if index < len(rows) else None
    return PART_SECTIONS.get(part), code


def marked_changes(state, changes, document, *, score_labels=()):
    """What changed in each marked place: [{"title", "anchor", "changes": [Change]}] (sections first,
    then the marked 评分表 rows). `changes` are the raw changes since the last submission
    (reports.review.submission_changes), `document` the latest submission's snapshot."""
    by_section, by_row = {}, {}
    for change in changes:
        section, code = _place(change, document)
        if code is not None and code in state.rows:
            by_row.setdefault(code, []).append(change)
        elif section is not None:
            by_section.setdefault(section, []).append(change)
    places = [
        {"title": _(SECTION_TITLES[key]), "anchor": f"mark-{key}",
         "changes": described(by_section.get(key, []), score_labels=score_labels)}
        for key in state.sections if key in SECTION_TITLES
    ]
    places += [
        {"title": _("评分表 · %(label)s") % {"label": state.row_labels.get(code, code)}, "anchor": f"mark-row-{code}",
         "changes": described(by_row.get(code, []), score_labels=score_labels)}
        for code in state.rows
    ]
    return places
