from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.enums import ACCEPT, ALLOWED_LABEL
from evidence.models import Evidence
from evidence.services import megabytes


class UploadForm(forms.Form):
    """One file and its short description; the limits are told at the field."""

    file = forms.FileField(label=gettext_lazy("文件"), error_messages={
        "required": gettext_lazy("请选择要上传的文件。"), "empty": gettext_lazy("文件是空的。"),
        "invalid": gettext_lazy("没有收到文件，请重新选择。"),
    })
    description = forms.CharField(
        label=gettext_lazy("说明"), required=False,
        max_length=Evidence._meta.get_field("description").max_length,
        help_text=gettext_lazy("简要说明这份材料证明什么，例如“预算调整批复文件”。"),
    )

    def __init__(self, *args, used_bytes=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"accept": ACCEPT, "class": "form-control"})
        self.fields["description"].widget.attrs["class"] = "form-control"
        self.fields["file"].help_text = _(
            "允许的类型：%(types)s（按文件内容判断）。每个文件不超过%(file)s；本报告佐证材料合计不超过%(report)s，已用%(used)s。") % {
            "types": ALLOWED_LABEL, "file": megabytes(settings.EVIDENCE_MAX_FILE_BYTES),
            "report": megabytes(settings.EVIDENCE_MAX_REPORT_BYTES), "used": filesizeformat(used_bytes)}
        self.fields["file"].widget.attrs["data-max-bytes"] = settings.EVIDENCE_MAX_FILE_BYTES
