import pytest

from audit.exporters import _text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("clerk", "clerk"), ("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("a=b", "a=b"), ("", "")],
)
def test_text_cells_cannot_become_spreadsheet_formulas(value, expected):
    assert _text(value) == expected
