from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "sampling"
    verbose_name = _("抽评与专家评审")

    def ready(self):
        from reports.exporters.summary import register_year_sheets
        from sampling import exporters

        register_year_sheets(exporters.year_sheets)
