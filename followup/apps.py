from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("问题整改与结果应用")

    def ready(self):
        from followup.exporters import rectification_sheets
        from followup.notices import notices_unread
        from reports.exporters.summary import register_year_sheets
        from reports.notices import register_unread_notices

        register_year_sheets(rectification_sheets)
        register_unread_notices("followup", notices_unread)
