"""Who may do what: every role × every report state × every URL of the project.

Roles: the department's clerk and head, the reviewer of its office, a reviewer of another office, a
clerk of another department (same office), the bureau's admin (管理员), a superuser (the break-glass
account, which may use /admin/ but does no business work) and an anonymous visitor. Each request runs in a
savepoint that is rolled back, so every role meets the report in the same state. A POST also says
whether it changed the report (its revision moved, or its 佐证材料): a refusal must change nothing.

Every URL pattern of the project must be in this matrix or in OTHER_OWNERS with a reason; every
report-scoped URL (one with <pk>) must be in the matrix.
"""
import datetime
import secrets
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.enums import AdminRole
from accounts.models import User
from evidence.models import Evidence
from evidence.selectors import place_for
from evidence.services import evidence_add
from jobs.enums import Kind as JobKind
from jobs.services import job_start
from reports.enums import Status
from reports.models import Report, ScoreEntry
from tests.evidence.support import pdf_bytes, upload
from tests.factories import UserFactory
from tests.reports.editor_support import MODEL_BACKEND, blank_report, page_data
from tests.reports.review_support import advance, make_people, submittable_report

pytestmark = pytest.mark.django_db

ROLES = ("clerk", "head", "reviewer", "other_reviewer", "other_clerk", "admin", "superuser", "anonymous")
STATES = (Status.DRAFT, Status.DEPT_REVIEW, Status.FINANCE_REVIEW, Status.APPROVED)
VIEWERS = frozenset({"clerk", "head", "reviewer", "admin"})
ANONYMOUS = (302, False)  # login_required sends them to the login page


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    expect: object  # (role, state) -> (status code, whether the report changed)
    data: object = None  # world -> POST data
    args: object = field(default=None)  # world -> reverse() args; the report's pk by default


def seen(code):
    """Every role that can see the report gets `code`; another department or office gets 404."""
    def expect(role, state):
        if role == "anonymous":
            return ANONYMOUS
        return (code, False) if role in VIEWERS else (404, False)
    return expect


def edits(code, actor, state_ok):
    """Viewers get `code` (a refusal redirects with a message); only `actor` in `state_ok` changes it."""
    def expect(role, state):
        if role == "anonymous":
            return ANONYMOUS
        if role not in VIEWERS:
            return 404, False
        return code, (role, state) == (actor, state_ok)
    return expect


def acts(actor, state_ok, code, *, changes=False):
    """Only `actor` in `state_ok` may (getting `code`); every other viewer is refused with 403."""
    def expect(role, state):
        if role == "anonymous":
            return ANONYMOUS
        if role not in VIEWERS:
            return 404, False
        if (role, state) == (actor, state_ok):
            return code, changes
        return 403, False
    return expect


def logged_in(code, *, refused=(), anonymous=ANONYMOUS):
    """Pages not tied to one report: `code` for every signed-in role but `refused` (403)."""
    def expect(role, state):
        if role == "anonymous":
            return anonymous
        return (403, False) if role in refused else (code, False)
    return expect


def review_data(world):
    report = world["report"]
    data = {"revision": report.revision, "action": "save", "opinion": "复核意见。", "comment": ""}
    for entry in ScoreEntry.objects.filter(report=report).select_related("indicator"):
        data[f"review_score__{entry.indicator.code}"] = ""
        data[f"review_note__{entry.indicator.code}"] = ""
    return data


def revision(world):
    return {"revision": world["report"].revision}


def records_findings(method):
    """The office's reviewer, once the report reached the bureau (财政审核, 已审定), records findings; other
    viewers are refused (403), other departments and offices get 404. A finding leaves the report's revision."""
    def expect(role, state):
        if role == "anonymous":
            return ANONYMOUS
        if role not in VIEWERS:
            return 404, False
        if role == "reviewer" and state in (Status.FINANCE_REVIEW, Status.APPROVED):
            return (302 if method == "POST" else 200), False
        return 403, False
    return expect


def finding_data(world):
    return {"category": "budget", "description": "预算编制不细化。", "places": ["section/finance"],
            "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()}


def dossier_expect(role, state):
    """Only an approved report has a dossier; the others' dossier is a 404 for everyone."""
    expected = seen(200)(role, state)
    return expected if state == Status.APPROVED or expected[0] != 200 else (404, False)


REPORT_ENDPOINTS = (
    Endpoint("report_detail", "GET", seen(200)),
    Endpoint("report_pdf", "GET", seen(200)),
    Endpoint("report_docx", "GET", seen(200)),
    Endpoint("report_dossier", "GET", dossier_expect),
    Endpoint("report_edit", "GET", seen(302)),
    Endpoint("report_section", "GET", seen(200), args=lambda w: [w["report"].pk, "people"]),
    Endpoint("report_section", "POST", edits(302, "clerk", Status.DRAFT), args=lambda w: [w["report"].pk, "people"],
             data=lambda w: page_data(w["report"], "people", **{"signoff-filler_phone": "0730-8245359"})),
    Endpoint("report_check", "GET", seen(200)),
    Endpoint("report_submit", "POST", edits(302, "clerk", Status.DRAFT), data=revision),
    Endpoint("report_copy_forward", "POST", edits(302, "clerk", Status.DRAFT), data=revision),
    Endpoint("report_dept_review", "GET", acts("head", Status.DEPT_REVIEW, 200)),
    Endpoint("report_dept_review", "POST", acts("head", Status.DEPT_REVIEW, 302, changes=True),
             data=lambda w: {**revision(w), "action": "save", "opinion": "同意报送。", "comment": ""}),
    Endpoint("report_review", "GET", acts("reviewer", Status.FINANCE_REVIEW, 200)),
    Endpoint("report_review", "POST", acts("reviewer", Status.FINANCE_REVIEW, 302, changes=True), data=review_data),
    Endpoint("report_reopen", "GET", acts("admin", Status.APPROVED, 200)),
    Endpoint("report_reopen", "POST", acts("admin", Status.APPROVED, 302, changes=True),
             data=lambda w: {**revision(w), "reason": "决算数据调整，重新填报。"}),
    Endpoint("report_history", "GET", seen(200)),
    Endpoint("evidence_index", "GET", seen(200)),
    Endpoint("evidence_place", "GET", seen(200), args=lambda w: [w["report"].pk, "section", "narrative"]),
    # Refused before the body is read (403), so nothing of a refused upload is stored.
    Endpoint("evidence_place", "POST", acts("clerk", Status.DRAFT, 302, changes=True),
             args=lambda w: [w["report"].pk, "section", "narrative"],
             data=lambda w: {"file": upload("说明.pdf", pdf_bytes()), "description": "补充说明"}),
    Endpoint("evidence_file", "GET", seen(200), args=lambda w: [w["report"].pk, w["evidence"].pk]),
    Endpoint("evidence_remove", "POST", edits(302, "clerk", Status.DRAFT),
             args=lambda w: [w["report"].pk, w["evidence"].pk], data=lambda w: {}),
    Endpoint("finding_new", "GET", records_findings("GET")),
    Endpoint("finding_new", "POST", records_findings("POST"), data=finding_data),
    Endpoint("followup_carried", "GET", seen(200)),
    Endpoint("followup_carried", "POST", acts("clerk", Status.DRAFT, 302, changes=True), data=lambda w: {}),
    # An expert panel is set up by the admin on an approved report (sampling).
    Endpoint("sampling_panel_new", "GET", acts("admin", Status.APPROVED, 200)),
    Endpoint("sampling_panel_new", "POST", acts("admin", Status.APPROVED, 302),
             data=lambda w: {"experts": [w["users"]["other_reviewer"].pk, w["users"]["other_clerk"].pk],
                             "method": "mean"}),
)


def verify_expect(role, state):
    return (200, False) if state == Status.APPROVED else (404, False)


OTHER_ENDPOINTS = (
    Endpoint("home", "GET", logged_in(200), args=lambda w: []),
    Endpoint("review_queue", "GET", logged_in(200, refused={"clerk", "head", "other_clerk", "superuser"}),
             args=lambda w: []),
    Endpoint("notices", "GET", logged_in(200), args=lambda w: []),
    Endpoint("followup_home", "GET", logged_in(200), args=lambda w: []),
    # Public: an approved report's token shows its metadata to anyone; any other token is unknown.
    Endpoint("report_verify", "GET", verify_expect,
             args=lambda w: [w["report"].verification_token or secrets.token_urlsafe(32)]),
    Endpoint("report_verify_short", "GET", verify_expect,
             args=lambda w: [w["report"].verification_token or secrets.token_urlsafe(12)]),
    # An uploaded PDF is compared (hashed as it arrives) and never stored, whoever sends it.
    Endpoint("report_verify_short", "POST", verify_expect,
             args=lambda w: [w["report"].verification_token or secrets.token_urlsafe(12)],
             data=lambda w: {"pdf": upload("报告.pdf", pdf_bytes())}),
)

def owned(code, owner="admin"):
    """A background job is its owner's only: anyone else gets 404, however privileged."""
    def expect(role, state):
        if role == "anonymous":
            return ANONYMOUS
        return (code, False) if role == owner else (404, False)
    return expect


def job_pk(world):
    return [world["job"].pk]


JOB_ENDPOINTS = (
    Endpoint("job_list", "GET", logged_in(200), args=lambda w: []),
    Endpoint("job_detail", "GET", owned(200), args=job_pk),
    Endpoint("job_status", "GET", owned(200), args=job_pk),
    Endpoint("job_download", "GET", owned(200), args=job_pk),
    Endpoint("job_cancel", "POST", owned(302), args=job_pk, data=lambda w: {}),
)

ADMIN_ONLY = {"clerk", "head", "reviewer", "other_reviewer", "other_clerk", "superuser"}
MANAGE_ENDPOINTS = (
    Endpoint("manage_index", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: []),
    Endpoint("manage_year_open", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: []),
    Endpoint("manage_year_dashboard", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: [2021]),
    Endpoint("manage_year_chart_csv", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: [2021, "grades"]),
    Endpoint("manage_year_summary", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: [2021]),
    Endpoint("manage_year_pdfs", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: [2021]),
    Endpoint("manage_department_import", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: []),
    Endpoint("followup_year_results", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: [2021]),
    Endpoint("followup_year_results_xlsx", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: [2021]),
    Endpoint("followup_result_edit", "GET", logged_in(200, refused=ADMIN_ONLY),
             args=lambda w: [2021, w["people"].department.code]),
    Endpoint("followup_year_extensions", "GET", logged_in(200, refused=ADMIN_ONLY), args=lambda w: [2021]),
    Endpoint("year_job_start", "POST", logged_in(302, refused=ADMIN_ONLY), args=lambda w: [2021, "workbook"],
             data=lambda w: {}),
    Endpoint("reminders_job_start", "POST", logged_in(302, refused=ADMIN_ONLY), args=lambda w: [], data=lambda w: {}),
)
# --- 绩效目标申报 (targets): the same roles meet a declaration in each of its states. ---
DECLARATION_ACTORS = {Status.DRAFT: "clerk", Status.DEPT_REVIEW: "head", Status.FINANCE_REVIEW: "reviewer"}
NEXT_STATUS = {Status.DRAFT: "dept_review", Status.DEPT_REVIEW: "finance_review",
               Status.FINANCE_REVIEW: "approved", Status.APPROVED: "draft"}


def declaration_moves(role, state):
    """The one who acts in each state moves it (the approved declaration has no move); others get 403."""
    if role == "anonymous":
        return ANONYMOUS
    if role not in VIEWERS:
        return 404, False
    return (302, True) if DECLARATION_ACTORS.get(state) == role else (403, False)


def declaration_editor(role, state):
    if role == "anonymous":
        return ANONYMOUS
    if role not in VIEWERS:
        return 404, False
    return (200, False) if (role, state) == ("clerk", Status.DRAFT) else (302, False)


def declaring(role, state):
    """Any department's clerk may post a new declaration, but only for their own department."""
    if role == "anonymous":
        return ANONYMOUS
    return {"clerk": (302, False), "other_clerk": (200, False)}.get(role, (403, False))


def declaration_imports(role, state):
    """Only the clerk of a 草稿 imports a JSON document (a refusal is a 403 and writes nothing)."""
    if role == "anonymous":
        return ANONYMOUS
    if role not in VIEWERS:
        return 404, False
    return (302, True) if (role, state) == ("clerk", Status.DRAFT) else (403, False)


def declaration_document(world):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from targets.interchange import declaration_export

    body = json.dumps(declaration_export(world["declaration"]), ensure_ascii=False).encode()
    return {"document": SimpleUploadedFile("targets.json", body, content_type="application/json")}


def adjustment_submits(role, state):
    if role == "anonymous":
        return ANONYMOUS
    if role not in VIEWERS:
        return 404, False
    return (302, True) if role == "clerk" else (403, False)


def adjustment_data(world):
    declaration = world["declaration"]
    data = {"adjust-reason": "上级调整任务。", "rows-TOTAL_FORMS": "0", "rows-INITIAL_FORMS": "0", "then": ""}
    for index, indicator in enumerate(declaration.indicators.all()):
        data.update({
            f"rows-{index}-id": indicator.pk, f"rows-{index}-direction": indicator.direction,
            f"rows-{index}-value": "1" if index == 0 else (indicator.value or ""),
            f"rows-{index}-unit": indicator.unit, f"rows-{index}-qualitative_value": indicator.qualitative_value,
        })
        data["rows-TOTAL_FORMS"] = data["rows-INITIAL_FORMS"] = str(index + 1)
    return data


def declaration_data(world):
    return {"revision": world["declaration"].revision, "budget-budget_general": "260.48",
            "tasks-TOTAL_FORMS": "1", "tasks-INITIAL_FORMS": "0", "tasks-0-text": "新闻宣传",
            "goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0",
            **{f"ind-{c}-{n}": "0" for c in TARGET_CATEGORIES for n in ("TOTAL_FORMS", "INITIAL_FORMS")}}


def declaration_pk(world):
    return [world["declaration"].pk]


TARGET_CATEGORIES = ("quantity", "quality", "timeliness", "cost", "economic", "social", "ecological",
                     "sustainable", "satisfaction")
TARGET_ENDPOINTS = (
    Endpoint("targets_home", "GET", logged_in(200), args=lambda w: []),
    Endpoint("target_library", "GET", logged_in(200), args=lambda w: []),
    Endpoint("declaration_new", "POST", declaring, args=lambda w: [],
             data=lambda w: {"department": w["people"].department.pk, "year": "2023"}),
    Endpoint("declaration_detail", "GET", seen(200), args=declaration_pk),
    Endpoint("declaration_pdf", "GET", seen(200), args=declaration_pk),
    Endpoint("declaration_json", "GET", seen(200), args=declaration_pk),
    Endpoint("department_archive", "GET", seen(200), args=lambda w: [w["people"].department.pk]),
    Endpoint("declaration_import", "POST", declaration_imports, args=declaration_pk, data=declaration_document),
    Endpoint("declaration_detail", "POST", declaration_moves, args=declaration_pk,
             data=lambda w: {"to": NEXT_STATUS[w["declaration"].status], "comment": "意见。"}),
    Endpoint("declaration_edit", "GET", declaration_editor, args=declaration_pk),
    Endpoint("declaration_edit", "POST", edits(302, "clerk", Status.DRAFT), args=declaration_pk,
             data=declaration_data),
    Endpoint("adjustment_new", "GET", acts("clerk", Status.APPROVED, 200), args=declaration_pk),
    Endpoint("adjustment_new", "POST", acts("clerk", Status.APPROVED, 302), args=declaration_pk,
             data=adjustment_data),
    Endpoint("adjustment_detail", "GET", seen(200), args=lambda w: [w["adjustment"].pk]),
    Endpoint("adjustment_detail", "POST", adjustment_submits, args=lambda w: [w["adjustment"].pk],
             data=lambda w: {"to": "finance_review", "comment": ""}),
)

# --- 抽评 and expert panels (sampling): the draw is the admin's, a sheet its scorer's (other_reviewer
# re-reviews the approved report; other_reviewer and two outside experts sit on its panel). ---
def only(roles, code, *, changes=False, others=404):
    """`roles` get `code` (and change something if `changes`); other signed-in roles get `others`."""
    def expect(role, state):
        if role == "anonymous":
            return ANONYMOUS
        return (code, changes) if role in roles else (others, False)
    return expect


def sheet_data(world):
    from sampling.services import reason_name, score_name, sheet_indicators

    sheet = world["sheet"]
    own = dict(ScoreEntry.objects.filter(report=sheet.report).values_list("indicator_id", "self_score"))
    data = {"action": "save"}
    for indicator in sheet_indicators(sheet):
        data[score_name(indicator)] = own[indicator.pk]
        data[reason_name(indicator)] = ""
    return data


def _draw_pk(world):
    return [world["draw"].pk]


SAMPLING_ENDPOINTS = (
    Endpoint("sampling_draws", "GET", only({"admin"}, 200, others=403), args=lambda w: []),
    Endpoint("sampling_draw_new", "GET", only({"admin"}, 200, others=403), args=lambda w: []),
    Endpoint("sampling_draw_new", "POST", only({"admin"}, 302, changes=True, others=403), args=lambda w: [],
             data=lambda w: {"year": "2021", "sample_by": "count", "count": "1", "seed": "7"}),
    Endpoint("sampling_draw", "GET", only({"admin"}, 200), args=_draw_pk),
    Endpoint("sampling_draw", "POST", only({"admin"}, 302, changes=True), args=_draw_pk,
             data=lambda w: {"report": w["report"].pk, "scorer": w["rereviewer2"].pk}),
    Endpoint("sampling_deviation", "GET", only({"admin"}, 200), args=_draw_pk),
    Endpoint("sampling_draw_json", "GET", only({"admin"}, 200), args=_draw_pk),
    Endpoint("sampling_sheets", "GET", only(set(ROLES), 200), args=lambda w: []),
    Endpoint("sampling_sheet", "GET", only({"other_reviewer"}, 200), args=lambda w: [w["sheet"].pk]),
    Endpoint("sampling_sheet", "POST", only({"other_reviewer"}, 302, changes=True), args=lambda w: [w["sheet"].pk],
             data=sheet_data),
    Endpoint("sampling_panels", "GET", only(set(ROLES), 200), args=lambda w: []),
    Endpoint("sampling_panel", "GET", only({"admin", "other_reviewer"}, 200), args=lambda w: [w["panel"].pk]),
)

# --- 整改 (followup): the same roles meet a finding on an approved report in each of its states. ---
FINDING_STATES = ("open", "replied", "accepted")
FINDING_DECISION = {"open": "replied", "replied": "accepted", "accepted": "open"}


def finding_acts(actors, state_ok, code=302):
    """Only `actors` with the finding in `state_ok` change it; other viewers 403; other departments 404."""
    def expect(role, state):
        if role == "anonymous":
            return ANONYMOUS
        if role not in VIEWERS:
            return 404, False
        return (code, True) if role in actors and state == state_ok else (403, False)
    return expect


def finding_pk(world):
    return [world["finding"].pk]


def reply_post(world):
    return {"revision": world["finding"].revision, "measures": "已整改。", "responsible": "孟庆红",
            "completed_on": timezone.localdate().isoformat(), "then": "save"}


FINDING_ENDPOINTS = (
    Endpoint("finding_detail", "GET", seen(200), args=finding_pk),
    # The department answers from its own form; on this page only the reviewer's 验收 or 退回 moves it.
    Endpoint("finding_detail", "POST", finding_acts({"reviewer"}, "replied"), args=finding_pk,
             data=lambda w: {"to": FINDING_DECISION[w["finding"].status], "comment": "意见。"}),
    Endpoint("finding_reply", "POST", finding_acts({"clerk", "head"}, "open"), args=finding_pk, data=reply_post),
    Endpoint("finding_evidence", "GET", seen(200), args=lambda w: [w["finding"].pk, w["finding_file"].pk]),
)

MATRIX = (REPORT_ENDPOINTS + OTHER_ENDPOINTS + JOB_ENDPOINTS + MANAGE_ENDPOINTS + TARGET_ENDPOINTS + SAMPLING_ENDPOINTS
          + FINDING_ENDPOINTS)

# URL patterns owned and tested elsewhere, by name (or by route prefix for a whole site).
OTHER_OWNERS = {
    "login": "public: the sign-in page (tests/accounts/test_views.py)",
    "logout": "POST only, ends the session of whoever posts (tests/accounts/test_views.py)",
    "password_change": "the signed-in user's own password (tests/accounts/test_views.py)",
    "otp_verify": "the signed-in user's own second factor (tests/accounts/test_views.py)",
    "otp_setup": "the signed-in user's own second factor enrolment (tests/accounts/test_views.py)",
    "session_renew": "POST only, renews the poster's own session, 401 without one (tests/rescue/test_middleware.py)",
    "blank_form_pdf": "any signed-in user: the year's empty form and rubric, no report data (tests/reports/test_blank_form.py)",
    "blank_form_docx": "any signed-in user: the year's empty form and rubric, no report data (tests/reports/test_blank_form.py)",
}
OTHER_PREFIXES = {
    "admin/": "Django's admin site: staff only, guarded by admin.site and tested in tests/*/test_admin.py",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _lay_out_each_html_once(monkeypatch):
    """Every role downloads the same report's PDF; WeasyPrint lays out each distinct HTML once per test.

    The views still build the HTML from the database for every request (a difference in what a role is
    shown is a different HTML, laid out anew); only the layout of an identical HTML is reused. What the PDF
    prints is tested in tests/reports/test_pdf.py; here only who gets it.
    """
    import hashlib

    import reports.pdf
    import reports.views.output
    import targets.views.outputs

    lay_out, pdfs = reports.pdf.html_to_pdf, {}

    def html_to_pdf(html, *, fetcher=None):
        key = (hashlib.sha256(html.encode()).hexdigest(), fetcher is None)
        if key not in pdfs:
            pdfs[key] = lay_out(html, fetcher=fetcher)
        return pdfs[key]

    for module in (reports.pdf, reports.views.output, targets.views.outputs):
        monkeypatch.setattr(module, "html_to_pdf", html_to_pdf)


def _world(state):
    people = make_people()
    blank_report(people.department, year=2020)  # last year's report, so that copy forward can run
    report = submittable_report(people.department)
    evidence = evidence_add(report=report, place=place_for(report, "score", "budget_adjustment_rate"),
                            upload=upload("预算调整批复.pdf", pdf_bytes()), by=people.clerk)
    report = advance(report, people, state)
    users = {role: getattr(people, role) for role in ROLES if hasattr(people, role)}
    users["superuser"] = UserFactory(username="root", is_staff=True, is_superuser=True)
    job = job_start(kind=JobKind.WORKBOOK, owner=users["admin"], title="2021年度汇总表", params={"year": 2021})
    return {"people": people, "users": users, "report": Report.objects.get(pk=report.pk), "evidence": evidence,
            "job": job}


def _content_state(report):
    """What a refused request must leave alone: the report's revision and its files."""
    return (
        Report.objects.get(pk=report.pk).revision,
        sorted(Evidence.objects.filter(report=report).values_list("pk", "removed_at")),
    )


def _request(client, endpoint, world, role):
    """The status code and whether the report's revision moved, rolled back afterwards."""
    report = world["report"]
    args = endpoint.args(world) if endpoint.args else [report.pk]
    url = reverse(endpoint.name, args=args)
    with transaction.atomic():
        before = _content_state(report)
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role], backend=MODEL_BACKEND)
        if endpoint.method == "POST":
            response = client.post(url, endpoint.data(world))
        else:
            response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        changed = _content_state(report) != before
        transaction.set_rollback(True)
    return response.status_code, changed


@pytest.mark.parametrize("state", STATES)
def test_every_role_meets_every_report_url_as_expected(client, state):
    world = _world(state)
    endpoints = REPORT_ENDPOINTS + OTHER_ENDPOINTS + JOB_ENDPOINTS

    actual = {(e.name, e.method, role): _request(client, e, world, role) for e in endpoints for role in ROLES}

    expected = {(e.name, e.method, role): e.expect(role, state) for e in endpoints for role in ROLES}
    assert actual == expected


def test_every_role_meets_the_admin_pages_as_expected(client):
    world = _world(Status.APPROVED)

    actual = {(e.name, role): _request(client, e, world, role)[0] for e in MANAGE_ENDPOINTS for role in ROLES}

    assert actual == {(e.name, role): e.expect(role, Status.APPROVED)[0] for e in MANAGE_ENDPOINTS for role in ROLES}


def _patterns(resolver=None, prefix=""):
    """(name, route) of every URL pattern of the project, namespaced names as Django reverses them."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield pattern.name, route


def _target_world(state):
    from targets.enums import Status as T
    from targets.services import adjustment_save
    from targets.workflow import move as target_move
    from tests.targets.conftest import declaration_of

    people = make_people()
    path = [T.DRAFT, T.DEPT_REVIEW, T.FINANCE_REVIEW, T.APPROVED]
    actors = {T.DEPT_REVIEW: people.clerk, T.FINANCE_REVIEW: people.head, T.APPROVED: people.reviewer}
    earlier = declaration_of(people.department, year=2020)
    for target in path[1:]:
        earlier = target_move(earlier, target, by=actors[target])
    indicator = earlier.indicators.first()
    adjustment = adjustment_save(declaration=earlier, reason="调整。", by=people.clerk, rows=[
        {"id": indicator.pk, "direction": indicator.direction, "value": 1, "unit": "", "qualitative_value": ""},
    ])
    declaration = declaration_of(people.department, year=2021)
    for target in path[1: path.index(state) + 1]:
        declaration = target_move(declaration, target, by=actors[target])
    users = {role: getattr(people, role) for role in ROLES if hasattr(people, role)}
    users["superuser"] = UserFactory(username="root", is_staff=True, is_superuser=True)
    return {"people": people, "users": users, "declaration": declaration, "adjustment": adjustment}


def _target_request(client, endpoint, world, role):
    """The status code and whether the declaration or the 调整申请 moved, rolled back afterwards."""
    declaration, adjustment = world["declaration"], world["adjustment"]
    url = reverse(endpoint.name, args=endpoint.args(world))
    with transaction.atomic():
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role], backend=MODEL_BACKEND)
        if endpoint.method == "POST":
            response = client.post(url, endpoint.data(world))
        else:
            response = client.get(url)
        declaration.refresh_from_db()
        adjustment.refresh_from_db()
        changed = (declaration.revision, adjustment.revision) != (world["revisions"])
        transaction.set_rollback(True)
    return response.status_code, changed


@pytest.mark.parametrize("state", STATES)
def test_every_role_meets_every_declaration_url_as_expected(client, state):
    world = _target_world(state)
    world["revisions"] = (world["declaration"].revision, world["adjustment"].revision)

    actual = {(e.name, e.method, r): _target_request(client, e, world, r) for e in TARGET_ENDPOINTS for r in ROLES}

    assert actual == {(e.name, e.method, r): e.expect(r, state) for e in TARGET_ENDPOINTS for r in ROLES}


def _sampling_world():
    from departments.enums import Role
    from sampling.enums import PanelMethod, SampleBy
    from sampling.services import draw_create, panel_create, sheet_assign
    from tests.factories import MembershipFactory, OfficeFactory
    from tests.reports.review_support import fresh

    world = _world(Status.APPROVED)
    users, report = world["users"], world["report"]
    admin = fresh(users["admin"])
    draw = draw_create(evaluation_year=report.evaluation_year, by=admin, sample_by=SampleBy.COUNT, count=1, seed=1)
    world["sheet"] = sheet_assign(draw=draw, report=report, scorer=users["other_reviewer"], by=admin)
    world["rereviewer2"] = UserFactory(username="reviewer8", full_name="李另科")
    MembershipFactory(user=world["rereviewer2"], role=Role.REVIEWER, office=OfficeFactory())
    experts = [users["other_reviewer"], UserFactory(username="expert1"), UserFactory(username="expert2")]
    world["panel"] = panel_create(report=report, experts=experts, method=PanelMethod.TRIMMED, by=admin)
    world["draw"] = draw
    return world


def _sampling_state():
    from sampling.models import Draw, ScoreSheet, SheetRow

    return (
        Draw.objects.count(),
        sorted(ScoreSheet.objects.values_list("pk", "scorer_id", "total", "submitted_at")),
        sorted(SheetRow.objects.values_list("sheet_id", "indicator_id", "score", "reason")),
    )


def _sampling_request(client, endpoint, world, role):
    url = reverse(endpoint.name, args=endpoint.args(world))
    with transaction.atomic():
        before = _sampling_state()
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role], backend=MODEL_BACKEND)
        response = client.post(url, endpoint.data(world)) if endpoint.method == "POST" else client.get(url)
        changed = _sampling_state() != before
        transaction.set_rollback(True)
    return response.status_code, changed


def test_every_role_meets_the_sampling_urls_as_expected(client):
    world = _sampling_world()

    actual = {(e.name, e.method, r): _sampling_request(client, e, world, r) for e in SAMPLING_ENDPOINTS for r in ROLES}

    assert actual == {(e.name, e.method, r): e.expect(r, Status.APPROVED) for e in SAMPLING_ENDPOINTS for r in ROLES}


def _finding_world(state):
    from followup.models import Finding
    from followup.services import finding_reply
    from followup.workflow import finding_move
    from tests.followup.support import record

    world = _world(Status.APPROVED)
    people = world["people"]
    finding = record(world["report"], people)
    finding = finding_reply(finding=finding, revision=finding.revision, measures="已整改。", responsible="孟庆红",
                            completed_on=timezone.localdate(), upload=upload("批复.pdf", pdf_bytes()),
                            submit=state != "open", by=people.clerk)
    if state == "accepted":
        finding = finding_move(finding, "accepted", by=User.objects.get(pk=people.reviewer.pk))
    world["finding"] = Finding.objects.get(pk=finding.pk)
    world["finding_file"] = finding.evidence_files.get()
    return world


def _finding_request(client, endpoint, world, role):
    from followup.models import Finding

    finding = world["finding"]
    url = reverse(endpoint.name, args=endpoint.args(world))
    with transaction.atomic():
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role], backend=MODEL_BACKEND)
        response = client.post(url, endpoint.data(world)) if endpoint.method == "POST" else client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        changed = Finding.objects.get(pk=finding.pk).revision != finding.revision
        transaction.set_rollback(True)
    return response.status_code, changed


@pytest.mark.parametrize("state", FINDING_STATES)
def test_every_role_meets_every_finding_url_as_expected(client, state):
    world = _finding_world(state)

    actual = {(e.name, e.method, r): _finding_request(client, e, world, r) for e in FINDING_ENDPOINTS for r in ROLES}

    assert actual == {(e.name, e.method, r): e.expect(r, state) for e in FINDING_ENDPOINTS for r in ROLES}


def test_every_url_of_the_project_is_in_the_matrix_or_owned_elsewhere_with_a_reason():
    covered = {e.name for e in MATRIX}

    missing = [
        (name, route) for name, route in _patterns()
        if name not in covered and name not in OTHER_OWNERS and not route.startswith(tuple(OTHER_PREFIXES))
    ]

    assert missing == []
    assert all(reason.strip() for reason in [*OTHER_OWNERS.values(), *OTHER_PREFIXES.values()])


def test_every_report_scoped_url_is_in_the_matrix():
    in_matrix = {e.name for e in REPORT_ENDPOINTS + TARGET_ENDPOINTS + SAMPLING_ENDPOINTS + FINDING_ENDPOINTS}

    scoped = {
        name for name, route in _patterns() if "<int:pk>" in route and not route.startswith(tuple(OTHER_PREFIXES))
    }

    assert scoped - in_matrix == set()
    assert scoped & set(OTHER_OWNERS) == set()


def test_the_matrix_names_only_urls_that_exist():
    names = {name for name, _route in _patterns()}

    assert {e.name for e in MATRIX} - names == set()


# --- 三员分立 on the accounts themselves ----------------------------------------------------------
# Who may reset whose password and deactivate whose account in /admin/. Only the security admin
# resets or deactivates a 三员 or superuser account; the system admin and a superuser manage
# ordinary accounts; nobody their own; the audit admin no account at all.
ACCOUNT_ACTORS = ("sysadmin", "secadmin", "auditor", "superuser")
ACCOUNT_TARGETS = ("sysadmin", "secadmin", "auditor", "superuser", "other_superuser", "clerk")
RESET_PASSWORD = "Reset-pass-2021x"


def _accounts():
    accounts = {
        name: UserFactory(username=name, admin_role=role, is_staff=True)
        for name, role in (("sysadmin", AdminRole.SYSTEM), ("secadmin", AdminRole.SECURITY),
                           ("auditor", AdminRole.AUDIT))
    }
    accounts["superuser"] = UserFactory(username="root", is_staff=True, is_superuser=True)
    accounts["other_superuser"] = UserFactory(username="root2", is_staff=True, is_superuser=True)
    accounts["clerk"] = UserFactory(username="clerk")
    return accounts


def _form_data(form):
    """What a browser would post back for the admin change form as shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value in (False, None):
            continue
        elif isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = value
    return data


def _reset(client, target):
    response = client.post(f"/admin/accounts/user/{target.pk}/password/", {
        "usable_password": "true", "password1": RESET_PASSWORD, "password2": RESET_PASSWORD,
    })
    return response.status_code, User.objects.get(pk=target.pk).check_password(RESET_PASSWORD)


def _deactivate(client, target):
    url = f"/admin/accounts/user/{target.pk}/change/"
    page = client.get(url)
    data = _form_data(page.context["adminform"].form) if page.status_code == 200 else {}
    data.pop("is_active", None)
    response = client.post(url, data)
    return page.status_code, response.status_code, not User.objects.get(pk=target.pk).is_active


def _account_request(client, action, actor, target):
    with transaction.atomic():
        client.logout()
        client.force_login(actor, backend=MODEL_BACKEND)
        result = action(client, target)
        transaction.set_rollback(True)
    return result


RESET_EXPECTED = {
    "sysadmin": {"clerk": (302, True)},
    "secadmin": {name: (302, True) for name in ("sysadmin", "auditor", "superuser", "other_superuser")},
    "auditor": {},
    "superuser": {"clerk": (302, True)},
}
DEACTIVATE_EXPECTED = {
    # (change page, POST, whether the account was deactivated); a read-only page refuses the POST.
    "sysadmin": {"clerk": (200, 302, True)},
    "secadmin": {"clerk": (200, 302, False),  # the security admin's form has privileges only
                 **{name: (200, 302, True) for name in ("sysadmin", "auditor", "superuser", "other_superuser")}},
    "auditor": {},
    "superuser": {"clerk": (200, 302, True)},
}


def test_only_the_security_admin_resets_the_passwords_of_admin_accounts_and_nobody_their_own(client):
    accounts = _accounts()

    actual = {(actor, target): _account_request(client, _reset, accounts[actor], accounts[target])
              for actor in ACCOUNT_ACTORS for target in ACCOUNT_TARGETS}

    assert actual == {(actor, target): RESET_EXPECTED[actor].get(target, (403, False))
                      for actor in ACCOUNT_ACTORS for target in ACCOUNT_TARGETS}


def test_only_the_security_admin_deactivates_admin_accounts_and_nobody_their_own(client):
    accounts = _accounts()

    actual = {(actor, target): _account_request(client, _deactivate, accounts[actor], accounts[target])
              for actor in ACCOUNT_ACTORS for target in ACCOUNT_TARGETS}

    refused = {actor: (403, 403, False) if actor == "auditor" else (200, 403, False) for actor in ACCOUNT_ACTORS}
    assert actual == {(actor, target): DEACTIVATE_EXPECTED[actor].get(target, refused[actor])
                      for actor in ACCOUNT_ACTORS for target in ACCOUNT_TARGETS}
