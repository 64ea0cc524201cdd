"""评价等次 from a total, by the year's grade bands (pure, no ORM)."""
from decimal import Decimal

DEFAULT_GRADE_BANDS = (("优秀", Decimal("90")), ("良好", Decimal("80")), ("中", Decimal("60")), ("差", Decimal("0")))


def grade_for(total, bands):
    """The label of the highest band whose minimum the total reaches; None for no total."""
    if total is None:
        return None
    for label, minimum in sorted(bands, key=lambda band: band[1], reverse=True):
        if total >= minimum:
            return label
    return None


def score_totals(scores, bands):
    """The 评分表 totals from (自评得分, 复核得分) pairs, each None when blank.

    self_total sums the 自评得分 (None when none is entered); review_total, once any 复核得分 exists,
    sums 复核得分 where set and 自评得分 elsewhere; grade goes by the reviewed total when there is one.
    Returns (self_total, review_total, grade).
    """
    scores = list(scores)
    entered = [own for own, _review in scores if own is not None]
    self_total = sum(entered, Decimal(0)) if entered else None
    review_total = None
    if any(review is not None for _own, review in scores):
        review_total = sum(
            (review if review is not None else (own or Decimal(0)) for own, review in scores), Decimal(0)
        )
    final = review_total if review_total is not None else self_total
    return self_total, review_total, grade_for(final, bands)
