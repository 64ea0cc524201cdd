from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户")

    def ready(self):
        from accounts import receivers  # noqa: F401 (registers the 三员 guards and session stamps)
