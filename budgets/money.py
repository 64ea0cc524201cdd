"""Money in 万元 with two decimals, and rates, always as Decimal and rounded half up."""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MONEY_MAX_DIGITS = 14


def quantize(value, places=CENT):
    """Round a Decimal half up to `places` (two decimals by default); None stays None."""
    if value is None:
        return None
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def total(values):
    """Sum the entered values, blank (None) counting as nothing; None when nothing was entered."""
    entered = [v for v in values if v is not None]
    if not entered:
        return None
    return sum(entered, Decimal("0"))


def fmt_money(value):
    """The form's print: blank for None, otherwise two decimals (0 prints 0)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == 0:
        return "0"
    return f"{quantize(value):f}"
