"""Read-side queries of 抽评 and panels: what a user may see, and the deviation table."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from departments.enums import Role
from departments.models import Membership
from departments.selectors import user_is_admin
from reports.enums import Status
from reports.models import ScoreEntry, StatusChange
from sampling.enums import SheetKind
from sampling.models import Draw, Panel, ScoreSheet, SheetRow


def draws_visible_to(user):
    """Draws are the admin's (管理员) work: all of them for an admin, none otherwise."""
    if not user_is_admin(user):
        return Draw.objects.none()
    return Draw.objects.select_related("evaluation_year", "created_by").order_by("-created_at", "-pk")


def sheets_of(user):
    """The score sheets assigned to `user` (a re-reviewer or an expert): the only ones they may open."""
    if not user.is_authenticated:
        return ScoreSheet.objects.none()
    return (
        ScoreSheet.objects.filter(scorer=user)
        .select_related("report__department__office", "report__evaluation_year__rubric", "draw", "panel")
        .order_by("submitted_at", "-created_at", "-pk")
    )


def panels_visible_to(user):
    """Every panel for an admin; an expert the panels they sit on."""
    panels = Panel.objects.select_related("report__department", "report__evaluation_year", "created_by")
    if user_is_admin(user):
        return panels.order_by("-created_at", "-pk")
    if not user.is_authenticated:
        return Panel.objects.none()
    return panels.filter(sheets__scorer=user).distinct().order_by("-created_at", "-pk")


def final_panels_of(report):
    """The report's finished panels with their sheets and scorers (what the report's page shows)."""
    return (
        Panel.objects.filter(report=report, finalised_at__isnull=False)
        .prefetch_related("sheets__scorer").order_by("finalised_at", "pk")
    )


def original_reviewers(report):
    """Ids of the users who decided the report in 财政审核 (approved or returned it): never its re-reviewer."""
    return set(
        StatusChange.objects.filter(report=report, from_status=Status.FINANCE_REVIEW).values_list("by_id", flat=True)
    )


def rereviewer_candidates(report, *, other_office):
    """Users who may re-review `report`: 财政审核人 of any office but not its original reviewers nor members
    of its department; with `other_office`, not reviewers of the report's own office either."""
    from accounts.models import User

    reviewers = Membership.objects.filter(role=Role.REVIEWER).values("user")
    members = Membership.objects.filter(department=report.department_id).values("user")
    users = User.objects.filter(pk__in=reviewers, is_active=True).exclude(pk__in=members)
    users = users.exclude(pk__in=original_reviewers(report))
    if other_office and report.department.office_id is not None:
        own = Membership.objects.filter(role=Role.REVIEWER, office=report.department.office_id).values("user")
        users = users.exclude(pk__in=own)
    return users.order_by("username")


# --- The deviation table -------------------------------------------------------------------------

@dataclass
class DeviationRow:
    """One 三级 row of one re-reviewed report: the three scores and the re-review's deviations."""

    code: str
    department: str
    office: str
    indicator: str
    points: Decimal | None
    self_score: Decimal | None
    review_score: Decimal | None  # the reviewed score: 复核得分 where set, else 自评得分 (as the totals count it)
    rereview_score: Decimal | None
    reason: str
    rereviewer: str

    @property
    def minus_self(self):
        return _minus(self.rereview_score, self.self_score)

    @property
    def minus_review(self):
        return _minus(self.rereview_score, self.review_score)


@dataclass
class DeviationGroup:
    """Totals of a department (one report) or an office (its re-reviewed reports)."""

    label: str
    office: str = ""
    reports: int = 0
    self_total: Decimal = Decimal(0)
    review_total: Decimal = Decimal(0)
    rereview_total: Decimal = Decimal(0)
    abs_deviation: Decimal = Decimal(0)  # sum over rows of |re-review − review|
    rows: list = field(default_factory=list)

    @property
    def minus_self(self):
        return self.rereview_total - self.self_total

    @property
    def minus_review(self):
        return self.rereview_total - self.review_total

    def add(self, row):
        self.self_total += row.self_score or 0
        self.review_total += row.review_score or 0
        self.rereview_total += row.rereview_score or 0
        self.abs_deviation += abs(row.minus_review or 0)


def _minus(a, b):
    return None if a is None or b is None else a - b


def deviation_rows(sheets):
    """DeviationRow per 三级 row of each submitted re-review among `sheets`, by 预算编码 and rubric order.

    Two queries: the sheets' rows, and the reports' own entries.
    """
    sheets = sheets.filter(kind=SheetKind.REREVIEW, submitted_at__isnull=False)
    rows = (
        SheetRow.objects.filter(sheet__in=sheets.values("pk"))
        .select_related("sheet__report__department__office", "sheet__scorer", "indicator__shares_points_with")
        .order_by("sheet__report__department__code", "sheet__report_id", "indicator__order")
    )
    entries = {
        (e.report_id, e.indicator_id): e
        for e in ScoreEntry.objects.filter(report__in=sheets.values("report")).only(
            "report_id", "indicator_id", "self_score", "review_score")
    }
    for row in rows:
        report = row.sheet.report
        entry = entries.get((report.pk, row.indicator_id))
        own = entry.self_score if entry else None
        reviewed = entry.review_score if entry and entry.review_score is not None else own
        office = report.department.office
        yield DeviationRow(
            code=report.department.code, department=report.department.name, office=office.name if office else "",
            indicator=row.indicator.label,
            points=row.indicator.points if row.indicator.shares_points_with_id is None else None,
            self_score=own, review_score=reviewed, rereview_score=row.score, reason=row.reason,
            rereviewer=row.sheet.scorer.display_name,
        )


def deviation_table(sheets):
    """(departments, offices, overall): DeviationGroups per department (its rows kept) in 预算编码 order,
    per office by name (adding up its departments) and for all of them."""
    departments = {}
    for row in deviation_rows(sheets):
        group = departments.get((row.code, row.department))
        if group is None:
            group = departments[(row.code, row.department)] = DeviationGroup(
                label=f"{row.code} {row.department}", office=row.office, reports=1)
        group.rows.append(row)
        group.add(row)
    offices, overall = {}, DeviationGroup(label=_("合计"))
    for group in departments.values():
        office = offices.setdefault(group.office, DeviationGroup(label=group.office or _("未分配科室")))
        for target in (office, overall):
            target.reports += 1
            target.self_total += group.self_total
            target.review_total += group.review_total
            target.rereview_total += group.rereview_total
            target.abs_deviation += group.abs_deviation
    return list(departments.values()), [offices[name] for name in sorted(offices)], overall
