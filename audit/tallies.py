"""Counting anonymous requests (audit.Tally): the /verify/ page's rate limit and its misses.

Each request to the public page is counted per client address and minute with one atomic UPDATE in the
shared database (so the limit holds across gunicorn workers and app servers; a cache would need an atomic
increment shared by all of them). A token that finds nothing, and a refusal for going too fast, are counted
per address and day; only the first of each per address and day is also a row in the audit chain, so a
scanner cannot flood the chain (and the chain still shows who started).
"""
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event, TallyKind
from audit.models import Tally
from audit.services import audit_record, client_ip

# Per-minute windows of the rate limit are kept this long, then removed.
RATE_WINDOWS_KEPT = timedelta(hours=1)


def tally_add(*, kind, request, window):
    """Add one to the (kind, client address, window) count and return the new count. One transaction."""
    ip = client_ip(request) or "-"
    now = timezone.now()
    rows = Tally.objects.filter(kind=kind, ip=ip, window=window)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1, last_path=request.path[:300], last_at=now):
            try:
                with transaction.atomic():
                    Tally.objects.create(kind=kind, ip=ip, window=window, count=1, last_path=request.path[:300],
                                         last_at=now)
                return 1
            except IntegrityError:  # another worker created it first
                rows.update(count=F("count") + 1, last_path=request.path[:300], last_at=now)
        return rows.values_list("count", flat=True).get()


def verify_rate_exceeded(request):
    """Count this request to the public verify page; True when its address went past VERIFY_RATE_PER_MINUTE."""
    window = timezone.now().replace(second=0, microsecond=0)
    count = tally_add(kind=TallyKind.VERIFY, request=request, window=window)
    if count == 1:
        Tally.objects.filter(kind=TallyKind.VERIFY, window__lt=window - RATE_WINDOWS_KEPT).delete()
    return count > settings.VERIFY_RATE_PER_MINUTE


def anonymous_miss_record(*, kind, request):
    """Count an anonymous miss (or refusal) of the day; the first per address and day is also an audit row."""
    day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    count = tally_add(kind=kind, request=request, window=day)
    if count == 1:
        audit_record(event=Event.PERMISSION_DENIED, request=request, success=False, detail=_(
            "%(kind)s（该地址当日此后的同类请求只计数，见“匿名请求计数”）") % {"kind": TallyKind(kind).label})
    return count
