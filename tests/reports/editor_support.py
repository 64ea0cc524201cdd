"""Helpers shared by the editor's tests: reports from the seed document, clerks, logging in."""
import copy

from departments.enums import Role
from reports.demo import seed_document
from reports.interchange import document_blank, report_import
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

PASSWORD = "Test-pass-2021"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def seed_report(department=None, **overrides):
    """The seed's 2021 report (岳阳楼区融媒体中心's figures and texts) for `department` (a new one by default)."""
    department = department or DepartmentFactory()
    document = copy.deepcopy(seed_document())
    document["department"] = {"code": department.code, "name": department.name}
    for key, value in overrides.items():
        document[key] = value
    return report_import(document=document)


def blank_report(department=None, year=2021):
    """An empty report as the year's opening creates it."""
    department = department or DepartmentFactory()
    return report_import(document=document_blank(
        year=year, code=department.code, name=department.name, issuer=department.bureau.issuer,
    ))


def clerk_of(department, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, role=Role.CLERK, department=department)
    return user


def login(client, user):
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def _as_posted(field, value):
    value = field.prepare_value(value)
    if value is None or value is False:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def page_data(report, key, **changes):
    """What the browser posts for section `key` of `report` as the page shows it now, with `changes`."""
    from django.forms import BaseFormSet

    from reports.forms.sections import SECTIONS

    section = SECTIONS[key](report)
    data = {"revision": str(report.revision)}
    for _name, _title, part in section.part_list():
        forms = part.forms if isinstance(part, BaseFormSet) else [part]
        if isinstance(part, BaseFormSet):
            management = part.management_form
            for name in management.fields:
                data[management.add_prefix(name)] = str(management[name].value())
        for form in forms:
            for name, field in form.fields.items():
                if name == "DELETE":
                    continue
                data[form.add_prefix(name)] = _as_posted(field, form[name].value())
    data.update(changes)
    return data
