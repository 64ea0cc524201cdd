"""Form input posted after the session ended, kept for its owner until they sign in again."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KeptInput(models.Model):
    """The fields of one POST that arrived after its user's session had ended.

    Bound to the account that was signed in (never to whoever signs in next), to one path, for a
    short time (RESCUE_KEEP_SECONDS); deleted when restored. Files are never kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    path = models.CharField(_("页面"), max_length=300)
    data = models.JSONField(_("内容"))
    kept_at = models.DateTimeField(_("暂存时间"))
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("暂存的未保存内容")
        verbose_name_plural = _("暂存的未保存内容")
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="rescue_one_per_user_path")]

    def __str__(self):
        return f"{self.user_id} {self.path}"
