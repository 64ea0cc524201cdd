"""The year's blank form (空白表) as PDF and DOCX: the rubric, rows to write in, lines for names and dates."""
import io
from urllib.parse import quote

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx.oxml.ns import qn
from docx.shared import Mm

from reports.views.output import DOCX_TYPE
from tests.reports.docx_checks import docx_text
from tests.reports.pdf_checks import page_texts
from tests.reports.test_docx import RUBRIC_HEADER, inserted
from tests.reports.test_output_views import login
from tests.reports.test_pdf import RUBRIC_ROWS

pytestmark = pytest.mark.django_db
NAME = "2021年度部门（单位）整体支出绩效自评报告（空白表）"
LINE = "_" * 16


@pytest.fixture(scope="module")
def blank(django_db_setup, django_db_blocker):
    """The 2021 blank form as PDF and DOCX through the views, made once for the module."""
    from django.db import transaction
    from django.test import Client

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        client = Client()
        login(client, "clerk")
        made = {kind: client.get(reverse(f"blank_form_{kind}", args=[2021])) for kind in ("pdf", "docx")}
        transaction.set_rollback(True)
    return made


@pytest.mark.db_agnostic
def test_blank_form_downloads_are_named_for_the_year(blank):
    assert [(r.status_code, r["Content-Type"]) for r in blank.values()] == [(200, "application/pdf"), (200, DOCX_TYPE)]
    assert blank["pdf"]["Content-Disposition"] == (
        f"attachment; filename=\"blank-form-2021.pdf\"; filename*=UTF-8''{quote(NAME + '.pdf')}")
    assert blank["docx"]["Content-Disposition"] == (
        f"attachment; filename=\"blank-form-2021.docx\"; filename*=UTF-8''{quote(NAME + '.docx')}")


@pytest.mark.db_agnostic
def test_blank_form_prints_the_years_rubric_and_lines_for_names_and_dates(blank):
    text = "".join(page_texts(blank["pdf"].content))

    position, missing = text.find("部门整体支出绩效评价评分表"), []
    for label in (row[2] for row in RUBRIC_ROWS):  # every 三级 row of the rubric, in order
        found = text.find(label, position)
        missing += [label] if found < 0 else []
        position = max(position, found)

    assert missing == []
    assert text.endswith("总分100")
    for signed in (f"评价组组长（签字）：{LINE}年月日", f"部门（单位）负责人（签章）：{LINE}年月日",
                   f"财政部门归口业务科室负责人（签章）：{LINE}年月日", f"填报人（签名）：{LINE}联系电话：{LINE}"):
        assert signed in text
    assert "98" not in text and "孟庆红" not in text  # nothing of the demo report


@pytest.mark.db_agnostic
def test_blank_docx_has_the_pdfs_text_and_rows_at_least_nine_millimetres_tall(blank):
    document = docx.Document(io.BytesIO(blank["docx"].content))
    pdf = "".join(page_texts(blank["pdf"].content))

    body_rows = [tr for table in document.tables[1:] for tr in table._tbl.tr_lst
                 if tr.trPr is None or tr.trPr.find(qn("w:tblHeader")) is None]
    heights = {tr.trPr.find(qn("w:trHeight")).get(qn("w:val")) if tr.trPr is not None
               and tr.trPr.find(qn("w:trHeight")) is not None else None for tr in body_rows}

    assert None not in heights and min(int(h) for h in heights) >= Mm(9).twips
    extra = inserted(docx_text(blank["docx"].content), pdf)
    assert extra is not None and all(e.startswith(("整体支出", "一级指标", "姓名")) or e == RUBRIC_HEADER for e in extra)


def test_the_home_page_links_the_years_blank_form(client):
    call_command("load_demo", stdout=io.StringIO())
    login(client, "clerk")

    html = client.get(reverse("home")).content.decode()

    assert (f'空白表：<a href="{reverse("blank_form_pdf", args=[2021])}">PDF</a> · '
            f'<a href="{reverse("blank_form_docx", args=[2021])}">Word</a>') in html


def test_an_unknown_year_has_no_blank_form(client):
    call_command("load_demo", stdout=io.StringIO())
    login(client, "clerk")

    assert client.get(reverse("blank_form_pdf", args=[1999])).status_code == 404
