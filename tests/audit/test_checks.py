import pytest

from audit.checks import check_audit_retention


@pytest.mark.parametrize(("days", "ids"), [(181, []), (365, []), (3650, []), (180, ["audit.E001"]), (30, ["audit.E001"]),
                                          ("365", ["audit.E001"])])
def test_retention_below_181_days_is_a_system_check_error(settings, days, ids):
    settings.AUDIT_RETENTION_DAYS = days

    assert [e.id for e in check_audit_retention(None)] == ids


def test_the_default_retention_is_a_year(settings):
    assert settings.AUDIT_RETENTION_DAYS == 365
