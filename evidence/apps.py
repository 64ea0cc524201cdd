from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("佐证材料")

    def ready(self):
        from evidence import checks, rules  # noqa: F401 (registers the system checks and permissions)
