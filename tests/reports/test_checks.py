import stat

import pytest
from django.core import checks

from reports.checks import check_cjk_fonts, cjk_font_families

W001 = checks.Warning(
    "未找到中文字体（fc-list ':lang=zh' family 无输出），PDF 中的汉字将无法显示。",
    hint="安装 Debian 软件包 fonts-noto-cjk（make debs）。",
    id="reports.W001",
)


@pytest.fixture
def fake_fc_list(tmp_path, monkeypatch):
    """Put an fc-list printing `output` first (and alone) on PATH."""

    def install(output):
        script = tmp_path / "fc-list"
        script.write_text(f"#!/bin/sh\nprintf '%s' '{output}'\n", encoding="utf-8")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("PATH", str(tmp_path))

    return install


def test_no_warning_with_the_noto_cjk_fonts_installed():
    assert check_cjk_fonts() == []


def test_installed_families_include_the_ones_the_pdf_names():
    assert {"Noto Serif CJK SC", "Noto Sans CJK SC"} <= cjk_font_families()


def test_warns_when_fc_list_finds_no_chinese_font(fake_fc_list):
    fake_fc_list("")

    assert check_cjk_fonts() == [W001]


def test_warns_when_fc_list_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))

    assert cjk_font_families() is None
    assert check_cjk_fonts() == [W001]


def test_warns_when_only_other_chinese_fonts_are_installed(fake_fc_list):
    fake_fc_list("AR PL UMing CN,AR PL UMing TW\nWenQuanYi Zen Hei\n")

    assert check_cjk_fonts() == [checks.Warning(
        "PDF 样式使用的字体未安装：Noto Serif CJK SC、Noto Sans CJK SC，将以其他中文字体代替。",
        hint="安装 Debian 软件包 fonts-noto-cjk（make debs）。",
        id="reports.W002",
    )]


def test_check_is_registered_with_django(fake_fc_list):
    fake_fc_list("")

    assert checks.run_checks(tags=["fonts"]) == [W001]
