from django.conf import settings
from django.core.checks import Error, register

from audit.enums import MIN_RETENTION_DAYS


@register("security")
def check_audit_retention(app_configs, **kwargs):
    """AUDIT_RETENTION_DAYS must keep the log at least six months (181 days)."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {days!r}; the audit log must be kept at least {MIN_RETENTION_DAYS} days.",
                hint=f"Set AUDIT_RETENTION_DAYS (environment variable) to an integer of {MIN_RETENTION_DAYS} or more.",
                id="audit.E001",
            )
        ]
    return []
