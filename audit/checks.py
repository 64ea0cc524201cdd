from django.conf import settings
from django.core.checks import Error, Warning, register

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


@register("security", deploy=True)
def check_audit_key(app_configs, **kwargs):
    """The audit chain's key is a secret of its own: long, and not SECRET_KEY."""
    key = getattr(settings, "AUDIT_HMAC_KEY", "")
    if len(key) < 32 or key == settings.SECRET_KEY or key.startswith("dev-only"):
        return [
            Warning(
                "AUDIT_HMAC_KEY is short, a development key or the same as SECRET_KEY.",
                hint="Set AUDIT_HMAC_KEY to 32 or more random characters of its own, kept outside the database "
                     "(docs/security.md).",
                id="audit.W002",
            )
        ]
    return []
