import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from targets.interchange import declaration_export, declaration_read
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
