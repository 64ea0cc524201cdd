"""Why a 评分表 row asks to be checked: the one rule the editor's check page, the reviewer's page and
the stored ScoreEntry.flagged all use (pure: plain values in, messages out).

A row is flagged when its 自评得分 is above the exact suggested score, or when it is a 效益 row whose
category the 定量目标 declare 无 (no target, or every target and result 无 or blank) while it scores
more than 0.
"""
from django.utils.translation import gettext as _

from reports.enums import Category
from scoring.rules import fmt

NONE_WORDS = frozenset({"", "无", "/", "-", "—", "没有"})


def is_none_text(text):
    """Whether a 绩效目标 / 完成情况 text says there is nothing (无, blank, a dash)."""
    return (text or "").strip().rstrip("。") in NONE_WORDS


def declared_none(pairs):
    """A 效益 category is declared 无 when each of its (target, actual) pairs is 无 or blank (or it has none)."""
    return all(is_none_text(target) and is_none_text(actual) for target, actual in pairs)


def flag_reasons(*, self_score, suggestion=None, category=None, none_declared=False):
    """The reasons (a tuple of sentences, empty when none) to check a row scored `self_score`.

    `suggestion` is the exact suggested score (None when the rule gives none), `category` the row's
    效益 category if any, `none_declared` whether the 定量目标 declare that category 无.
    """
    if self_score is None:
        return ()
    reasons = []
    if suggestion is not None and self_score > suggestion:
        reasons.append(_("自评得分%(self)s分高于建议得分%(suggested)s分。") % {
            "self": fmt(self_score), "suggested": fmt(suggestion),
        })
    if category and self_score > 0 and none_declared:
        reasons.append(_("定量目标中%(category)s填报为“无”，自评得分却为%(self)s分。") % {
            "category": Category(category).label, "self": fmt(self_score),
        })
    return tuple(reasons)
