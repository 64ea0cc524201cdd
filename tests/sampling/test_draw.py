"""The arithmetic of 抽评 and panels: sample sizes, the seeded draw, means and trimmed means by hand."""
from decimal import Decimal

import pytest

from sampling.draw import draw_sample, panel_score, round_half_up, sample_size, trimmed


@pytest.mark.parametrize(("population", "share", "size"), [
    (12, "20", 2),    # 2.4 → 2
    (13, "20", 3),    # 2.6 → 3
    (12, "12.5", 2),  # 1.5 → 2: half up, not to even
    (10, "25", 3),    # 2.5 → 3
    (5, "20", 1),
    (3, "1", 0),      # 0.03 → 0
    (7, "100", 7),
])
def test_a_share_rounds_half_up_to_whole_reports(population, share, size):
    assert sample_size(population, share=Decimal(share)) == size


def test_a_count_is_at_most_the_population():
    assert (sample_size(10, count=3), sample_size(2, count=3)) == (3, 2)


def test_the_same_seed_draws_the_same_sample_whatever_the_order_of_the_candidates():
    candidates = list(range(101, 131))

    first = draw_sample(candidates, seed=20211231, size=5)
    again = draw_sample(list(reversed(candidates)), seed=20211231, size=5)

    assert first == again
    assert first == sorted(first) and len(set(first)) == 5 and set(first) <= set(candidates)


def test_the_draw_is_random_sample_over_the_ascending_ids():
    import random

    assert draw_sample([5, 3, 9, 1, 7], seed=42, size=2) == sorted(random.Random(42).sample([1, 3, 5, 7, 9], 2))


def test_different_seeds_draw_different_samples():
    candidates = list(range(1, 201))

    samples = {tuple(draw_sample(candidates, seed=seed, size=10)) for seed in range(20)}

    assert len(samples) == 20


def test_a_trimmed_mean_leaves_out_one_highest_and_one_lowest_total():
    totals = [Decimal("88"), Decimal("92.5"), Decimal("79"), Decimal("95"), Decimal("90")]

    # By hand: without 79 and 95, (88 + 92.5 + 90) / 3 = 270.5 / 3 = 90.1666… → 90.17
    assert panel_score(totals, trim=True) == Decimal("90.17")
    # The plain mean: 444.5 / 5 = 88.90
    assert panel_score(totals, trim=False) == Decimal("88.90")


def test_trimming_leaves_out_only_one_of_equal_extremes():
    assert trimmed([Decimal(80), Decimal(90), Decimal(80), Decimal(90)]) == [Decimal(80), Decimal(90)]
    assert panel_score([Decimal(80), Decimal(80), Decimal(80)], trim=True) == Decimal("80.00")


def test_panel_scores_round_half_up_to_two_places():
    # (90.00 + 90.01) / 2 = 90.005 → 90.01 (rounding to even would give 90.00)
    assert panel_score([Decimal("90.00"), Decimal("90.01")], trim=False) == Decimal("90.01")
    assert round_half_up(Decimal("2.345")) == Decimal("2.35")


def test_a_trimmed_mean_needs_three_totals():
    with pytest.raises(ValueError, match="至少需要3名专家"):
        panel_score([Decimal(80), Decimal(90)], trim=True)


def test_no_totals_no_score():
    assert panel_score([], trim=False) is None
