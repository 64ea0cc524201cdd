from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("问题整改与结果应用")

    def ready(self):
        from followup.exporters import rectification_sheets
        from reports.exporters.summary import register_year_sheets

        register_year_sheets(rectification_sheets)
