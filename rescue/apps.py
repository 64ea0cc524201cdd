from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RescueConfig(AppConfig):
    name = "rescue"
    verbose_name = _("未保存内容暂存")

    def ready(self):
        from rescue import receivers  # noqa: F401 (notes at sign-in whether the account has kept input)
