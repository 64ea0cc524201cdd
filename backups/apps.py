from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = _("备份与恢复")

    def ready(self):
        from backups import checks  # noqa: F401 (registers the deploy check of the backup keys)
