"""Property: any report within the limits (reports.limits) prints, with every text, headers on every page, and no
page holding only a heading.

`make test` runs 50 examples of reports whose lists and texts range from empty to moderate; with
`-m pdf_long` (PDF_LONG_EXAMPLES, default 200) texts and lists range up to their limits. The maximal report
itself is rendered in test_pdf_layout.py.
"""
import os
import random

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.enums import Category
from reports.interchange import document_blank, report_import
from reports.limits import (
    LIST_LIMITS,
    NARRATIVE_LIMIT,
    NARRATIVE_LONG,
    NARRATIVE_LONG_LIMIT,
    NARRATIVE_TOTAL_LIMIT,
    QUANTITATIVE_PER_CATEGORY,
    text_limit,
)
from reports.narrative import OUTLINE
from reports.pdf import html_to_document, report_pdf_html
from scoring.services import rubric_get_or_create_default, year_create
from tests.reports.pdf_checks import heading_only_pages, page_texts, pages_missing_header, squeeze

pytestmark = [pytest.mark.django_db, pytest.mark.db_agnostic]  # layout only: SQLite run (docs/testing.md)

# Characters of real reports: common hanzi, Chinese punctuation, digits, Latin letters, spaces and line breaks.
ALPHABET = ("围绕区委政府中心工作及时宣传报道经济文化社会生态文明建设大事全年发稿篇省级市级主流党媒严格控制预算"
            "三公经费支出做到不超标完善机关财务制度加强专项资金管理提高使用效益融媒体现有人数在职编制退休借调临聘"
            "，。；、：（）“”《》%·" "0123456789" "ABCxyz" "   ")


def narrative_headings(doc):
    """The titles of the 综述's sections that hold text (and of the headings over them): a page of those alone
    would be a heading cut off from its text. An empty section's title is the form's content."""
    titles, groups = [], []
    for key, depth, number, title in OUTLINE:
        groups = [g for g in groups if g[0] < depth]
        if doc["narrative"].get(key, "").strip():
            titles.extend(t for _d, t in groups)
            titles.append(f"{number}{title}")
            groups = []
        else:
            groups.append((depth, f"{number}{title}"))
    return titles


class Texts:
    """Makes texts of a drawn length, each starting with a tag no other text holds (to find it in the PDF)."""

    def __init__(self, rng):
        self.rng, self.count, self.tagged = rng, 0, []

    def __call__(self, length, *, lines=True, table=None, required=False):
        self.count += 1
        tag = f"Q{self.count}Z"
        if required:
            # A required text is never empty, however long its tag has grown (Q100Z is five characters).
            length = max(length, len(tag))
        if length < len(tag):
            return ""
        body = []
        for _ in range(length - len(tag)):
            char = self.rng.choice(ALPHABET)
            if lines and self.rng.random() < 0.01:
                char = "\n"
            body.append(char)
        text = tag + "".join(body)
        self.tagged.append((text, table))
        return text


def lengths(limit, cap):
    """A text's length: often empty or short, sometimes up to `cap` (the limit itself in the long run)."""
    cap = min(limit, cap)
    return st.one_of(st.just(0), st.integers(0, 20), st.integers(0, cap), st.just(cap))


def counts(limit, cap):
    cap = min(limit, cap)
    return st.one_of(st.just(0), st.integers(0, cap), st.just(cap))


@st.composite
def documents(draw, *, text_cap, list_cap):
    """An interchange document within the limits, and the texts it holds as (text, table)."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    make = Texts(rng)
    doc = document_blank(year=2021, code="900001", name="属性测试单位")

    def text(model, field, table=None, lines=True):
        return make(draw(lengths(text_limit(model, field), text_cap)), table=table, lines=lines)

    for name in ("evaluation_method", "evaluation_body"):
        doc["cover"][name] = text("Report", name, lines=False) or "部门（单位）评价组"
    doc["cover"]["issuer"] = text("Report", "issuer", lines=False)
    for name in ("contact_name", "contact_phone", "functions", "achievements"):
        doc["overview"][name] = text("Report", name, lines=name in ("functions", "achievements"))
    doc["tasks"] = [make(draw(lengths(text_limit("Task", "text"), text_cap)), required=True)
                    for _ in range(draw(counts(LIST_LIMITS["tasks"], list_cap)))]
    for key in ("income", "expenditure", "three_public", "fixed_assets"):
        rows = []
        for _ in range(draw(counts(LIST_LIMITS[key], list_cap))):
            row = blank_row(key)
            row["org_name"] = make(draw(lengths(text_limit("TableRow", "org_name"), text_cap)), required=True,
                                   table=key, lines=False)
            rows.append(row)
        doc[key] = rows
    doc["qualitative_goals"] = [
        {"target": make(draw(lengths(text_limit("QualitativeGoal", "target"), text_cap)), required=True, table="qualitative_goals"),
         "actual": rng.choice(["已完成", "", None]) or text("QualitativeGoal", "actual", table="qualitative_goals")}
        for _ in range(draw(counts(LIST_LIMITS["qualitative_goals"], list_cap)))
    ]
    quantitative = []
    left = LIST_LIMITS["quantitative"]
    for category in Category:
        for _ in range(min(left, draw(counts(QUANTITATIVE_PER_CATEGORY, max(1, list_cap // 2))))):
            quantitative.append({
                "category": category.value,
                "target": make(draw(lengths(text_limit("QuantitativeIndicator", "target"), text_cap)), required=True,
                               table="quantitative"),
                "actual": text("QuantitativeIndicator", "actual", table="quantitative"),
            })
            left -= 1
    doc["quantitative"] = quantitative
    doc["evaluators"] = [
        {"name": make(draw(lengths(text_limit("Evaluator", "name"), text_cap)), required=True, table="evaluators", lines=False),
         "title": text("Evaluator", "title", table="evaluators", lines=False),
         "unit": text("Evaluator", "unit", table="evaluators", lines=False)}
        for _ in range(draw(counts(LIST_LIMITS["evaluators"], list_cap)))
    ]
    for name in ("leader_name", "dept_head_name", "finance_head_name", "filler_name", "filler_phone"):
        doc["signoff"][name] = text("Report", name, lines=False)
    for name in ("dept_opinion", "finance_opinion"):
        doc["signoff"][name] = text("Report", name)
    total = 0
    for name in doc["narrative"]:
        limit = NARRATIVE_LONG_LIMIT if name in NARRATIVE_LONG else NARRATIVE_LIMIT
        length = min(draw(lengths(limit, text_cap)), NARRATIVE_TOTAL_LIMIT - total)
        doc["narrative"][name] = make(length)
        total += len(doc["narrative"][name])
    for row in doc["scores"]:
        row["deduction_reason"] = text("ScoreEntry", "deduction_reason", table="rubric")
    return doc, make.tagged


def blank_row(key):
    from reports.interchange.fields import TABLES

    columns = next(money for name, _model, _rel, money in TABLES if name == key)
    return {"org_name": "", **dict.fromkeys(columns)}


@pytest.fixture
def year():
    return year_create(year=2021, rubric=rubric_get_or_create_default())


def check_prints(doc, tagged):
    with transaction.atomic():
        report = report_import(document=doc)
        document = html_to_document(report_pdf_html(report))
        pdf = document.write_pdf()
        transaction.set_rollback(True)
    pages = page_texts(pdf)
    everything = "".join(pages)
    for label in ("职能职责概述", "年度主要工作内容", "年度部门（单位）总体运行情况及取得的成绩"):
        everything = everything.replace(f"{label}（续）", "")
    missing = [text[:20] for text, _table in tagged if squeeze(text) not in everything]
    assert missing == []
    by_table = {}
    for text, table in tagged:
        if table:
            by_table.setdefault(table, []).append(text[:text.index("Z") + 1])
    for table, tags in by_table.items():
        assert pages_missing_header(pages, table, tags) == [], table
    assert heading_only_pages(pages, narrative_headings(doc)) == []


@settings(max_examples=50, deadline=None, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(case=documents(text_cap=300, list_cap=4))
def test_any_moderate_report_prints_every_text_under_repeated_headers(year, case):
    check_prints(*case)


@pytest.fixture
def long_run(request):
    if "pdf_long" not in (request.config.option.markexpr or ""):
        pytest.skip("the long run of the PDF property: pytest -m pdf_long")


@pytest.mark.pdf_long
@settings(max_examples=int(os.environ.get("PDF_LONG_EXAMPLES", "200")), deadline=None, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(case=documents(text_cap=10**6, list_cap=10**6))
def test_any_report_within_the_limits_prints_every_text_under_repeated_headers(long_run, year, case):
    check_prints(*case)
