"""The demo installation: 岳阳楼区财政局, two departments, the 2021 year, the seed report and one user per role.

demo_load() only creates what is missing, so running it again never overwrites edited data.
"""
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.enums import AdminRole
from accounts.models import User
from departments.enums import Role
from departments.models import Bureau, Department, Membership, Office
from reports.interchange import document_blank, report_import
from reports.models import Report
from scoring.models import EvaluationYear
from scoring.services import rubric_get_or_create_default, year_create

SEED_FILE = Path(__file__).resolve().parent / "data" / "demo_2021_106019.json"
BUREAU = ("岳阳楼区财政局", "岳阳楼区")
OFFICE = "行政政法科"
YEAR, DEADLINE = 2021, datetime.date(2022, 5, 31)
SEED_DEPARTMENT = ("106019", "岳阳市岳阳楼区融媒体中心")
SECOND_DEPARTMENT = ("106020", "岳阳市岳阳楼区档案馆")
DEMO_PASSWORD = "Demo-2021-pass"

# (username, full name, role, department code or None)
DEMO_USERS = (
    ("clerk", "孟庆红", Role.CLERK, SEED_DEPARTMENT[0]),
    ("head", "吴鹏翔", Role.HEAD, SEED_DEPARTMENT[0]),
    ("clerk2", "周丽", Role.CLERK, SECOND_DEPARTMENT[0]),
    ("head2", "钱志强", Role.HEAD, SECOND_DEPARTMENT[0]),  # so the empty report can go through the whole flow
    ("reviewer", "刘建国", Role.REVIEWER, None),
    ("admin", "绩效科管理员", Role.ADMIN, None),
)
# 三员分立: administrators of the system itself, who hold no business role (username, full name, 三员 role).
DEMO_ADMINS = (
    ("sysadmin", "系统管理员", AdminRole.SYSTEM),
    ("secadmin", "安全管理员", AdminRole.SECURITY),
    ("auditor", "审计管理员", AdminRole.AUDIT),
)


@dataclass
class DemoUser:
    username: str
    full_name: str
    role: str
    scope: str
    password: str
    created: bool


def seed_document():
    """The seed report of 岳阳楼区融媒体中心 as an interchange document."""
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def demo_load():
    """Create the demo bureau, office, departments, 2021 year, reports, users and memberships where missing.

    Existing rows are left as they are (a renamed department, an edited report or a changed
    password stays). Returns the demo users as DemoUser rows (created tells whether this run made them).
    """
    bureau, _created = Bureau.objects.get_or_create(name=BUREAU[0], defaults={"region": BUREAU[1]})
    office, _created = Office.objects.get_or_create(bureau=bureau, name=OFFICE)
    departments = {
        code: Department.objects.get_or_create(code=code, defaults={"bureau": bureau, "name": name, "office": office})[0]
        for code, name in (SEED_DEPARTMENT, SECOND_DEPARTMENT)
    }
    if not EvaluationYear.objects.filter(year=YEAR).exists():
        year_create(year=YEAR, rubric=rubric_get_or_create_default(), deadline=DEADLINE)
    existing = set(
        Report.objects.filter(evaluation_year__year=YEAR).values_list("department__code", flat=True)
    )
    if SEED_DEPARTMENT[0] not in existing:
        report_import(document=seed_document())
    if SECOND_DEPARTMENT[0] not in existing:
        department = departments[SECOND_DEPARTMENT[0]]
        report_import(document=document_blank(
            year=YEAR, code=department.code, name=department.name, issuer=bureau.issuer,
        ))
    users = [_demo_user(username, full_name, role, code and departments[code], office)
             for username, full_name, role, code in DEMO_USERS]
    return users + [_demo_admin(username, full_name, admin_role) for username, full_name, admin_role in DEMO_ADMINS]


def _new_user(username, full_name, **fields):
    user = User(username=username, full_name=full_name, **fields)
    user.set_unusable_password()
    user.save()
    validate_password(DEMO_PASSWORD, user)  # the installation's validators, so the demo shows a valid password
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _demo_admin(username, full_name, admin_role):
    """A 三员 account: Django admin access limited to its role's permissions, no business membership."""
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = _new_user(username, full_name, is_staff=True, admin_role=admin_role)
    return DemoUser(username, user.full_name, AdminRole(admin_role).label, "", DEMO_PASSWORD, created)


def _demo_user(username, full_name, role, department, office):
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        # Every business account, the bureau's 管理员 included, is a plain user: no staff, no superuser.
        user = _new_user(username, full_name)
    if role == Role.REVIEWER:
        Membership.objects.get_or_create(user=user, role=role, office=office)
        scope = office.name
    elif role == Role.ADMIN:
        Membership.objects.get_or_create(user=user, role=role, department=None, office=None)
        scope = ""
    else:
        Membership.objects.get_or_create(user=user, role=role, department=department)
        scope = str(department)
    return DemoUser(username, user.full_name, Role(role).label, scope, DEMO_PASSWORD, created)
