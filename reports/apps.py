from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("自评报告")

    def ready(self):
        from reports import checks  # noqa: F401 (registers the system checks)
        from reports.editing import refresh_for_targets
        from targets.signals import approved_targets_changed

        approved_targets_changed.connect(refresh_for_targets, dispatch_uid="reports.refresh_for_targets")
