import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from targets.interchange import declaration_export, declaration_read
from targets.models import Declaration
from tests.reports.editor_support import login

pytestmark = pytest.mark.django_db


def test_the_declaration_prints_as_its_own_form(client, people, declaration):
    login(client, people.head)

    response = client.get(reverse("declaration_pdf", args=[declaration.pk]))

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert response["Content-Type"] == "application/pdf"
    assert "2021年度部门整体支出绩效目标申报表" in text
    assert "中央级主流党媒发稿" in text and "≥ 129 篇" in text and "260.48" in text


def test_the_json_export_reads_back_to_the_same_content(client, people, declaration):
    login(client, people.clerk)

    document = json.loads(client.get(reverse("declaration_json", args=[declaration.pk])).content)

    assert document == declaration_export(declaration)
    assert declaration_read(document)["indicators"][1] == {
        "category": "cost", "direction": "le", "name": "三公经费支出", "value": Decimal("2.81"), "unit": "万元",
        "qualitative_value": "",
    }


def test_a_bad_document_lists_every_problem():
    document = {"format": "evalsite-targets", "tasks": "x", "indicators": [{"category": "?", "direction": "ge",
                                                                            "name": "n" * 201, "value": "abc"}]}

    with pytest.raises(ValidationError) as excinfo:
        declaration_read(document)

    assert excinfo.value.message_dict == {
        "tasks": ["应为列表。"], "indicators[0].name": ["不能超过200个字。"], "indicators[0].value": ["不是数字。"],
        "indicators[0].category": ["未知的指标类别。"],
    }


def _upload(document):
    body = document if isinstance(document, bytes) else json.dumps(document, ensure_ascii=False).encode()
    return SimpleUploadedFile("targets.json", body, content_type="application/json")


def test_an_exported_declaration_imports_into_another_draft(client, people, declaration):
    document = declaration_export(declaration)
    other = Declaration.objects.create(department=people.department, year=2022)
    login(client, people.clerk)

    response = client.post(reverse("declaration_import", args=[other.pk]), {"document": _upload(document)})

    assert response.status_code == 302
    other = Declaration.objects.get(pk=other.pk)
    assert {**declaration_export(other), "year": 2021} == document
    assert other.revision == 2
    assert Declaration.objects.get(pk=declaration.pk).indicators.count() == 3


def test_a_bad_import_lists_every_problem_in_chinese_and_writes_nothing(client, people, declaration):
    document = declaration_export(declaration)
    document["indicators"][0]["value"] = None
    document["indicators"][2]["qualitative_value"] = ""
    document["budget"]["budget_fund"] = "-1"
    login(client, people.clerk)

    response = client.post(reverse("declaration_import", args=[declaration.pk]), {"document": _upload(document)},
                           follow=True)

    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "未导入，文件有以下问题：", "budget.budget_fund：金额不能为负数。", "indicators[0].value：请填写指标值（数字）。",
        "indicators[2].qualitative_value：定性指标请填写定性指标值，如“显著提升”。",
    ]
    assert declaration.indicators.get(name="中央级主流党媒发稿").value == Decimal(129)


@pytest.mark.parametrize(("body", "message"), [
    (b"\xff\xfe", "文件不是有效的JSON（UTF-8）。"),
    (b"[1, 2]", "format：不是绩效目标申报文件。"),
    (b"{\"format\": \"evalsite-report\"}", "format：不是绩效目标申报文件。"),
])
def test_a_file_that_is_not_a_declaration_is_refused_with_a_reason(client, people, declaration, body, message):
    login(client, people.clerk)

    response = client.post(reverse("declaration_import", args=[declaration.pk]), {"document": _upload(body)},
                           follow=True)

    assert [str(m) for m in response.context["messages"]][1:] == [message]


def test_only_the_clerk_of_a_draft_imports(client, people, declaration):
    login(client, people.head)

    response = client.post(reverse("declaration_import", args=[declaration.pk]),
                           {"document": _upload(declaration_export(declaration))})

    assert response.status_code == 403
