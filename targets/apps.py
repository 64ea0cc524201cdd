from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("绩效目标")

    def ready(self):
        from reports.exporters.summary import register_year_sheets
        from targets.exporters import target_sheets

        register_year_sheets(target_sheets)
