"""绩效目标: the editor shows the 目标N：/指标N： the form prints, a typed number is never doubled and a goal
keeps its line breaks in HTML, PDF and DOCX (issue #13)."""
import io
import re
import subprocess

import docx
import pytest
from django.urls import reverse

from reports.docx import report_docx_bytes
from reports.enums import Category
from reports.models import QualitativeGoal, QuantitativeIndicator
from reports.numbering import strip_number
from reports.pdf import report_pdf_bytes
from reports.rendering import qualitative_rows, quantitative_rows
from tests.reports.editor_support import clerk_of, login, page_data, seed_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "stored"), [
    ("目标1：提高宣传质量", "提高宣传质量"),
    ("目标１：提高宣传质量", "提高宣传质量"),
    ("指标２:在中央级媒体发稿", "在中央级媒体发稿"),
    ("  目标 3 ． 甲\n乙", "甲\n乙"),
    ("目标1 提高", "提高"),
    ("1. 提高", "提高"),
    ("１．提高", "提高"),
    ("1、提高", "提高"),
    ("（1）做好通联", "做好通联"),
    ("(2) 做好通联", "做好通联"),
    ("一、负责新闻报道", "负责新闻报道"),
    ("①接待来访", "接待来访"),
    ("目标1：（1）做好", "做好"),
    ("1.5倍完成", "1.5倍完成"),
    ("2022年完成", "2022年完成"),
    ("十大宣传平台", "十大宣传平台"),
    ("100%完成", "100%完成"),
    ("指标3项全部完成", "指标3项全部完成"),
    ("目标：无", "目标：无"),
    ("1、第一项\n2、第二项", "1、第一项\n2、第二项"),  # a list of its own inside one goal
    ("目标1：1、第一项\n2、第二项", "1、第一项\n2、第二项"),
    ("", ""),
])
def test_strip_number_takes_off_only_a_typed_number(typed, stored):
    assert strip_number(typed) == stored


def goals_url(report):
    return reverse("report_section", args=[report.pk, "goals"])


def labels(html, prefix):
    """The row numbers shown before the 预期目标 of formset `prefix`, in page order."""
    return re.findall(rf'<label class="row-number" for="id_{re.escape(prefix)}-\d+-target">([^<]*)</label>', html)


@pytest.fixture
def seeded(client):
    report = seed_report()
    login(client, clerk_of(report.department))
    return report


def test_the_goals_page_numbers_the_goals_as_the_form_prints_them(client, seeded):
    quality = QuantitativeIndicator.objects.filter(report=seeded, category=Category.QUALITY).count()
    QuantitativeIndicator.objects.filter(report=seeded, category=Category.TIMELINESS).delete()
    QuantitativeIndicator.objects.create(report=seeded, category=Category.TIMELINESS, order=1, target="及时")

    html = client.get(goals_url(seeded)).content.decode()

    count = QualitativeGoal.objects.filter(report=seeded).count()
    assert labels(html, "qualitative") == [f"目标{n}：" for n in range(1, count + 1)]
    assert labels(html, f"q-{Category.QUALITY}") == [f"指标{n}：" for n in range(1, quality + 1)]
    # One indicator in a category prints without a number (reports.rendering.quantitative_rows): so here.
    assert labels(html, f"q-{Category.TIMELINESS}") == [""]
    # The rows added in the browser get theirs from editor.js.
    assert 'data-number="目标"' in html and 'data-number="指标" data-number-many="1"' in html
    assert '<label class="row-number" for="id_qualitative-__prefix__-target"></label>' in html


def test_a_page_shown_again_after_an_error_numbers_the_rows_not_ticked_for_deletion(client, seeded):
    data = page_data(seeded, "goals", **{"qualitative-0-DELETE": "on", "qualitative-1-target": "x" * 100000})

    html = client.post(goals_url(seeded), data).content.decode()

    shown = labels(html, "qualitative")
    assert shown[0] == "" and shown[1:3] == ["目标1：", "目标2："]


def test_a_typed_number_is_taken_off_on_save_and_line_breaks_are_kept(client, seeded):
    data = page_data(seeded, "goals", **{
        "qualitative-0-target": "目标１：负责全区新闻报道\r\n计划的制定实施",
        "qualitative-1-target": "（2）负责全区通联工作",
        f"q-{Category.QUALITY}-0-target": "指标２:《城市旧貌换新颜》刊发",
    })

    response = client.post(goals_url(seeded), data)

    assert response.status_code == 302
    goals = list(QualitativeGoal.objects.filter(report=seeded).order_by("order").values_list("target", flat=True))
    assert goals[:2] == ["负责全区新闻报道\n计划的制定实施", "负责全区通联工作"]
    first = QuantitativeIndicator.objects.filter(report=seeded, category=Category.QUALITY).order_by("order").first()
    assert first.target == "《城市旧貌换新颜》刊发"


def test_a_goal_of_only_a_number_is_asked_for(client, seeded):
    data = page_data(seeded, "goals", **{"qualitative-0-target": "目标1：", "qualitative-0-actual": "已完成"})

    response = client.post(goals_url(seeded), data)

    assert response.status_code == 200
    assert "请填写预期目标。" in response.content.decode()


def stored_with_prefix_and_break(report):
    """Texts as an older import may hold them: a number typed before them, a line break and markup."""
    goal = QualitativeGoal.objects.filter(report=report).order_by("order").first()
    goal.target = "目标1：第一行 <b>粗</b>\n第二行"
    goal.save()
    rows = QuantitativeIndicator.objects.filter(report=report, category=Category.QUALITY).order_by("order")
    QuantitativeIndicator.objects.filter(pk=rows[0].pk).update(target="指标1：质量甲\n质量乙")


def test_the_printed_rows_number_each_goal_once(seeded):
    stored_with_prefix_and_break(seeded)

    qualitative = qualitative_rows(seeded.qualitative_goals.order_by("order"))
    quantitative = quantitative_rows(seeded.quantitative_indicators.order_by("order"))

    assert qualitative[0].target == "目标1：第一行 <b>粗</b>\n第二行"
    assert qualitative[1].target.startswith("目标2：") and "目标" not in qualitative[1].target[3:5]
    assert [r.target for r in quantitative if r.target.startswith("指标1：")][0] == "指标1：质量甲\n质量乙"


def test_the_report_page_prints_the_number_once_the_line_breaks_and_escapes_the_text(client, seeded):
    stored_with_prefix_and_break(seeded)

    html = client.get(reverse("report_detail", args=[seeded.pk])).content.decode()

    assert "目标1：第一行 &lt;b&gt;粗&lt;/b&gt;<br>第二行" in html
    assert "目标1：目标1" not in html and "指标1：指标1" not in html
    assert "指标1：质量甲<br>质量乙" in html


def pdf_text(pdf):
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def test_the_pdf_prints_the_number_once_and_the_line_break(seeded):
    stored_with_prefix_and_break(seeded)

    text = pdf_text(report_pdf_bytes(seeded))

    lines = [line.strip() for line in text.splitlines()]
    first = next(i for i, line in enumerate(lines) if line.startswith("目标1："))
    assert lines[first].startswith("目标1：第一行 <b>粗</b>")
    # The break is a line of its own (the 实际完成 cell beside it, centred, may print between them).
    assert "第二行" in lines[first + 1:first + 3] and lines[first + 3].startswith("目标2：")
    assert "目标1：目标1" not in text and "指标1：指标1" not in text
    quality = next(i for i, line in enumerate(lines) if "指标1：质量甲" in line)
    # The merged 产出目标/质量指标 cells beside it print between the two lines in pdftotext's layout.
    assert any(line.endswith("质量乙") for line in lines[quality + 1:quality + 5])


def test_the_docx_prints_the_number_once_and_each_line_as_a_paragraph(seeded):
    stored_with_prefix_and_break(seeded)

    document = docx.Document(io.BytesIO(report_docx_bytes(seeded)))

    paragraphs = [p.text for table in document.tables for row in table.rows for cell in row.cells
                  for p in cell.paragraphs]
    index = paragraphs.index("目标1：第一行 <b>粗</b>")
    assert paragraphs[index + 1] == "第二行"
    assert not any(p.startswith("目标1：目标") for p in paragraphs)
    assert "指标1：质量甲" in paragraphs and "质量乙" in paragraphs
