"""report_visible (one report by its key, for its pages) lets through exactly whom reports_visible_to lists."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from departments.enums import Role
from reports.selectors import report_visible, reports_visible_to
from tests.factories import DepartmentFactory, MembershipFactory, OfficeFactory, UserFactory
from tests.reports.editor_support import blank_report


def _visible(user, report):
    try:
        return report_visible(user, report.pk) == report
    except Http404:
        return False


@pytest.mark.django_db
def test_one_report_is_visible_to_exactly_those_the_list_shows_it_to():
    office = OfficeFactory()
    mine = DepartmentFactory(office=office, bureau=office.bureau)
    sibling = DepartmentFactory(office=office, bureau=office.bureau)
    elsewhere = DepartmentFactory()
    reports = [blank_report(department) for department in (mine, sibling, elsewhere)]
    users = {}
    for name, role, where in [
        ("clerk", Role.CLERK, {"department": mine}), ("head", Role.HEAD, {"department": mine}),
        ("reviewer", Role.REVIEWER, {"office": office}), ("other reviewer", Role.REVIEWER, {"office": OfficeFactory()}),
        ("other clerk", Role.CLERK, {"department": elsewhere}), ("admin", Role.ADMIN, {}),
        ("reviewing clerk", Role.REVIEWER, {"office": office}),
    ]:
        users[name] = users.get(name) or UserFactory()
        MembershipFactory(user=users[name], role=role, **where)
    MembershipFactory(user=users["reviewing clerk"], role=Role.CLERK, department=mine)
    users["nobody"] = UserFactory()
    users["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    users["anonymous"] = AnonymousUser()

    seen = {name: [_visible(user, report) for report in reports] for name, user in users.items()}

    assert seen == {
        name: [report in reports_visible_to(user) for report in reports] for name, user in users.items()
    }
    assert seen["clerk"] == seen["head"] == [True, False, False]
    assert seen["reviewer"] == seen["reviewing clerk"] == [True, True, False]
    assert seen["admin"] == [True, True, True]
    assert seen["other clerk"] == [False, False, True]
    assert seen["other reviewer"] == seen["nobody"] == seen["superuser"] == seen["anonymous"] == [False] * 3
    with pytest.raises(Http404):
        report_visible(users["admin"], max(report.pk for report in reports) + 1)
