"""System checks: the PDF needs a Chinese font (fonts-noto-cjk) or every character prints as a box."""
import subprocess

from django.core import checks

FC_LIST = ("fc-list", ":lang=zh", "family")
# The families static/app/report.css and pdf.css name.
PDF_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")


def cjk_font_families(command=FC_LIST):
    """The font families fontconfig knows for Chinese; None when fc-list cannot be run."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    families = set()
    for line in result.stdout.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return families


@checks.register("fonts")
def check_cjk_fonts(app_configs=None, **kwargs):
    """W001 when no Chinese font is installed; W002 when the Noto CJK SC families the PDF names are missing."""
    families = cjk_font_families()
    if not families:
        return [checks.Warning(
            "未找到中文字体（fc-list ':lang=zh' family 无输出），PDF 中的汉字将无法显示。",
            hint="安装 Debian 软件包 fonts-noto-cjk（make debs）。",
            id="reports.W001",
        )]
    missing = [family for family in PDF_FAMILIES if family not in families]
    if missing:
        return [checks.Warning(
            f"PDF 样式使用的字体未安装：{'、'.join(missing)}，将以其他中文字体代替。",
            hint="安装 Debian 软件包 fonts-noto-cjk（make debs）。",
            id="reports.W002",
        )]
    return []
