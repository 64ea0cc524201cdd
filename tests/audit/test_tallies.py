import pytest
from django.test import Client
from django.urls import reverse

from audit.enums import Event, TallyKind
from audit.models import AuditEvent, Tally

pytestmark = pytest.mark.django_db

MISS = reverse("report_verify", args=["x" * 43])


def chain():
    return list(AuditEvent.objects.order_by("id").values_list("event", "ip", "success", "detail"))


def counts():
    return dict(Tally.objects.values_list("kind", "count"))


def test_anonymous_misses_are_counted_and_only_the_first_of_the_day_is_chained(settings):
    settings.VERIFY_RATE_PER_MINUTE = 20
    scanner = Client(REMOTE_ADDR="203.0.113.7")

    statuses = [scanner.get(MISS).status_code for _ in range(25)]

    assert statuses == [404] * 20 + [429] * 5
    assert counts() == {TallyKind.VERIFY: 25, TallyKind.VERIFY_MISS: 20, TallyKind.VERIFY_LIMITED: 5}
    assert chain() == [
        (Event.PERMISSION_DENIED, "203.0.113.7", False, "核验页令牌不存在（该地址当日此后的同类请求只计数，见“匿名请求计数”）"),
        (Event.PERMISSION_DENIED, "203.0.113.7", False, "核验页请求过于频繁（该地址当日此后的同类请求只计数，见“匿名请求计数”）"),
    ]


def test_the_limit_is_per_address_and_says_so_in_chinese(settings):
    settings.VERIFY_RATE_PER_MINUTE = 2
    scanner, reader = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(2):
        scanner.get(MISS)

    limited = scanner.get(MISS)
    other = reader.get(MISS)

    assert (limited.status_code, limited["Retry-After"], other.status_code) == (429, "60", 404)
    assert "验证请求过于频繁，请一分钟后再试。" in limited.content.decode()


def test_the_limit_holds_behind_a_proxy_on_the_forwarded_address(settings):
    settings.VERIFY_RATE_PER_MINUTE = 1
    settings.AUDIT_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    proxy = Client(REMOTE_ADDR="10.0.0.1")

    first = proxy.get(MISS, HTTP_X_REAL_IP="203.0.113.7")
    second = proxy.get(MISS, HTTP_X_REAL_IP="203.0.113.7")
    someone_else = proxy.get(MISS, HTTP_X_REAL_IP="203.0.113.8")

    assert [first.status_code, second.status_code, someone_else.status_code] == [404, 429, 404]
