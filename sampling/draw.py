"""The arithmetic of 抽评 and expert panels, pure (no ORM): sample sizes, the seeded draw, panel scores.

The draw is reproducible by construction: the candidates are the report ids in ascending order and
random.Random(seed).sample picks from that list, so the same seed over the same candidates gives the
same sample on any machine and any Python 3 (Random's Mersenne Twister and sample() are stable).
"""
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def round_half_up(value, places=CENT):
    """`value` (a Decimal) rounded half up: 2.345 → 2.35, 2.5 → 3 with places=1."""
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def sample_size(population, *, count=None, share=None):
    """How many of `population` candidates to draw: `count` (at most all of them), or `share` percent
    of them rounded half up to a whole report (20 % of 12 = 2.4 → 2; of 13 = 2.6 → 3; of 5 = 1.0 → 1)."""
    if count is not None:
        return min(int(count), population)
    size = round_half_up(Decimal(population) * Decimal(share) / 100, Decimal(1))
    return min(int(size), population)


def draw_sample(candidates, *, seed, size):
    """`size` ids drawn from `candidates` with random.Random(seed), in ascending order.

    The candidates are sorted first, so the order they come in never changes the sample.
    """
    ordered = sorted(candidates)
    return sorted(random.Random(seed).sample(ordered, size))


def trimmed(totals):
    """The totals a trimmed mean averages: sorted, the single lowest and single highest left out
    (one of each even when several experts gave the same score). Needs at least three totals."""
    if len(totals) < 3:
        raise ValueError(_("去掉最高分和最低分至少需要3名专家。"))
    return sorted(totals)[1:-1]


def panel_score(totals, *, trim):
    """The panel's score from the experts' totals: their mean, or with `trim` the mean of trimmed(totals),
    rounded half up to 2 places. None without totals."""
    totals = [Decimal(t) for t in totals]
    if not totals:
        return None
    kept = trimmed(totals) if trim else totals
    return round_half_up(sum(kept, Decimal(0)) / len(kept))
