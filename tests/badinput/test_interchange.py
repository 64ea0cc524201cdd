"""Bad values in the JSON interchange document: a Chinese problem naming its path, or imported exactly."""
import copy
import math

import pytest

from reports.demo import seed_document
from reports.interchange import document_problems, report_export, report_import
from tests.badinput.support import NUMBERS, TEXTS, is_chinese

pytestmark = pytest.mark.django_db

# (path, max_length or None) of text values, one of each kind of section.
TEXT_PATHS = [
    (("cover", "issuer"), 30), (("overview", "contact_name"), 30), (("overview", "functions"), 1500),
    (("tasks", 0), 200), (("income", 0, "org_name"), 30), (("qualitative_goals", 0, "target"), 200),
    (("evaluators", 0, "name"), 20), (("signoff", "dept_opinion"), 500), (("narrative", "problems"), 4000),
    (("scores", 0, "deduction_reason"), 100),
]
NUMBER_PATHS = [
    ("overview", "staff_quota"), ("income", 0, "total"), ("base_data", "satisfaction"),
    ("base_data", "special_fund_count"), ("scores", 0, "self_score"),
]
JSON_NUMBERS = {"nan": math.nan, "infinity": math.inf, "float": 1e5, "huge": 10**30, "negative": -1, "bool": True,
                "list": [1], "object": {"a": 1}}


def document(changes):
    doc = copy.deepcopy(seed_document())
    doc["department"] = {"code": "990001", "name": "坏数据测试单位"}
    for path, value in changes.items():
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return doc


def dotted(path):
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def foreign(problems, value):
    """Problems whose message (after the JSON path, without the echoed value) is not Chinese."""
    return [p for p in problems if not is_chinese(p.split("：", 1)[-1].replace(str(value), ""))]


def get(doc, path):
    for step in path:
        doc = doc[step]
    return doc


@pytest.mark.parametrize("label", list(TEXTS))
def test_text_is_imported_exactly_or_refused_in_chinese_at_its_path(label):
    value = TEXTS[label]
    refused = [p for p, limit in TEXT_PATHS if label == "nul" or (limit is not None and len(value) > limit)]
    doc = document({p: value for p, _limit in TEXT_PATHS})
    expected = [dotted(p) for p in refused]

    problems = document_problems(doc)

    assert foreign(problems, value) == []
    assert sorted({problem.split("：", 1)[0] for problem in problems}) == sorted(expected)
    if not refused:
        exported = report_export(report_import(document=doc))
        assert {p: get(exported, p) for p, _limit in TEXT_PATHS} == {p: value for p, _limit in TEXT_PATHS}


@pytest.mark.parametrize("value", [*NUMBERS.values(), *JSON_NUMBERS.values()], ids=[*NUMBERS, *JSON_NUMBERS])
def test_a_bad_number_is_refused_in_chinese_at_every_path(value):
    doc = document(dict.fromkeys(NUMBER_PATHS, value))

    problems = document_problems(doc)

    assert foreign(problems, value) == []
    paths = {problem.split("：", 1)[0] for problem in problems}
    assert {dotted(p) for p in NUMBER_PATHS} <= paths
