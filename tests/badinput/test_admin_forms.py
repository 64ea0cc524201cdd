"""Bad input in the admin's open-year form and department import: Chinese errors, nothing half-written."""
import io
import os

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from departments.models import Department
from evalsite.text import visible
from reports.demo import demo_load
from scoring.grades import DEFAULT_GRADE_BANDS
from scoring.models import EvaluationYear, GradeBand
from scoring.services import rubric_get_or_create_default
from tests.badinput.support import NUMBERS, TEXTS, is_chinese
from tests.reports.editor_support import MODEL_BACKEND

pytestmark = pytest.mark.django_db
DATES = ["2022-13-45", "0000-01-01", "99999-01-01", "1e5", "NaN", "2023-05-31\x00", "=TODAY()", "😀", "1" * 20000]


@pytest.fixture
def admin_client(client):
    demo_load()
    client.force_login(User.objects.get(username="admin"), backend=MODEL_BACKEND)
    return client


def year_data(**changes):
    data = {"year": "2022", "rubric": str(rubric_get_or_create_default().pk), "deadline": "2023-05-31",
            "bands-TOTAL_FORMS": str(len(DEFAULT_GRADE_BANDS)), "bands-INITIAL_FORMS": "0",
            "bands-MIN_NUM_FORMS": "0", "bands-MAX_NUM_FORMS": "1000"}
    for i, (label, minimum) in enumerate(DEFAULT_GRADE_BANDS):
        data.update({f"bands-{i}-label": label, f"bands-{i}-min_score": f"{minimum}"})
    return {**data, **changes}


def all_errors(response):
    errors = [str(m) for messages in response.context["form"].errors.values() for m in messages]
    bands = response.context["bands"]
    errors += [str(m) for form_errors in bands.errors for messages in form_errors.values() for m in messages]
    return errors + [str(m) for m in bands.non_form_errors()]


def assert_no_year(response):
    assert response.status_code == 200
    errors = all_errors(response)
    assert errors and [m for m in errors if not is_chinese(m)] == []
    assert EvaluationYear.objects.filter(year=2022).exists() is False


@pytest.mark.parametrize("field", ["year", "bands-3-min_score"])
@pytest.mark.parametrize("label", list(NUMBERS))
def test_a_bad_number_does_not_open_a_year(admin_client, field, label):
    response = admin_client.post(reverse("manage_year_open"), year_data(**{field: NUMBERS[label]}))

    assert_no_year(response)


@pytest.mark.parametrize("value", DATES)
def test_a_bad_deadline_does_not_open_a_year(admin_client, value):
    response = admin_client.post(reverse("manage_year_open"), year_data(deadline=value))

    assert_no_year(response)


@pytest.mark.parametrize("label", list(TEXTS))
def test_a_band_label_is_stored_exactly_or_refused_in_chinese(admin_client, label):
    value = TEXTS[label]

    response = admin_client.post(reverse("manage_year_open"), year_data(**{"bands-0-label": value}))

    if response.status_code == 302:
        assert GradeBand.objects.filter(evaluation_year__year=2022, min_score=90).get().label == value
    else:
        assert_no_year(response)


def workbook_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["预算编码", "部门名称", "上级预算编码", "归口业务科室"])
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"  # text as typed, never a formula
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


@pytest.mark.parametrize("content", [b"", b"not a workbook", os.urandom(3 * 1024 * 1024), b"PK\x03\x04" + b"\x00" * 100],
                         ids=["empty", "text", "3mb-random", "broken-zip"])
def test_an_unreadable_upload_gets_a_chinese_problem(admin_client, content):
    upload = SimpleUploadedFile("部门.xlsx", content)

    response = admin_client.post(reverse("manage_department_import"), {"file": upload, "action": "import"})

    assert response.status_code == 200
    result, form = response.context["result"], response.context["form"]
    shown = [str(p) for p in (result.problems if result else [])] + [str(m) for ms in form.errors.values() for m in ms]
    assert shown and [m for m in shown if not is_chinese(m)] == []


def test_an_upload_over_5_mb_is_refused_in_chinese(admin_client):
    upload = SimpleUploadedFile("部门.xlsx", b"x" * (5 * 1024 * 1024 + 1))

    response = admin_client.post(reverse("manage_department_import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["文件不能超过5MB。"]


@pytest.mark.parametrize("label", [label for label in TEXTS if label not in ("nul", "control")])
def test_department_names_are_imported_exactly_or_refused_in_chinese(admin_client, label):
    value = TEXTS[label]
    upload = SimpleUploadedFile("部门.xlsx", workbook_bytes([["990001", value, "", "行政政法科"]]))

    response = admin_client.post(reverse("manage_department_import"), {"file": upload, "action": "import"})

    if response.status_code == 302:
        # Exactly as typed, less the bidi and invisible characters the importer strips (evalsite.text.visible).
        assert Department.objects.get(code="990001").name == visible(value)
    else:
        assert response.status_code == 200
        problems = [str(p) for p in response.context["result"].problems]
        assert problems and [m for m in problems if not is_chinese(m)] == []
        assert Department.objects.filter(code="990001").exists() is False
