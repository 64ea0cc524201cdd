from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("安全审计")

    def ready(self):
        from audit import checks, db, receivers  # noqa: F401 (registers system checks, connection setup, receivers)
