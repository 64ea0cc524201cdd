from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    WORKBOOK = "workbook", _("年度汇总表（Excel）")
    YEAR_ZIP = "year_zip", _("已审定报告压缩包（ZIP）")
    YEAR_OPEN = "year_open", _("开启年度")
    RERENDER = "rerender", _("补生成已审定报告PDF")
    YEAR_DOSSIERS = "year_dossiers", _("年度档案压缩包（ZIP）")
    PDF_REFRESH = "pdf_refresh", _("重新生成全部已审定报告PDF")
    REMINDERS = "reminders", _("发送截止提醒")
    YEAR_NOTICE = "year_notice", _("发送年度开启通知")


class Status(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


ACTIVE = frozenset({Status.QUEUED, Status.RUNNING})
FINISHED = frozenset({Status.SUCCEEDED, Status.FAILED, Status.CANCELLED})
