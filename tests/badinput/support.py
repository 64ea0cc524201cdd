"""The catalogue of bad input and helpers shared by the bad-input tests."""
import re

from django.forms import BaseFormSet

# What people paste or attackers send into a text box. Each is refused with a Chinese message
# or stored and shown exactly as typed (escaped).
TEXTS = {
    "html_script": "<b>粗</b><script>alert('x')</script>&amp;\"'",
    "formula": "=1+1",
    "at_formula": "@SUM(A1:A9)",
    "sql": "'; DROP TABLE reports_report; --",
    "emoji_ext_b": "表情😀👍🏽 扩展B𠀀𪚥",
    "rtl_override": "正常\u202eabc\u202c文字",
    "control": "a\x01b\x07c\x0bd\x1be\x7ff",
    "fullwidth": "１２３．４５ＡＢＣ",
    "nul": "前\x00后",
    "long": "长" * 20000,
}
# Text refused by every text field: NUL cannot be stored in PostgreSQL text.
REFUSED_TEXTS = {"nul"}

# What must never be taken for a number.
NUMBERS = {
    "negative": "-1",
    "huge": "99999999999999999999",
    "nan": "NaN",
    "infinity": "Infinity",
    "minus_infinity": "-Infinity",
    "exponent": "1e5",
    "three_decimals": "1.234",
    "text": "十二",
    "letters": "abc",
    "nul": "1\x00",
    "control": "1\x07",
    "emoji": "😀",
    "ext_b": "𠀀",
    "rtl_override": "\u202e12",
    "html": "<b>1</b>",
    "formula": "=1+1",
    "sql": "1; DROP TABLE reports_report; --",
    "long": "1" * 20000,
}

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{5,}")
NAMES = re.compile(r"Excel|Infinity")  # product names and echoed input, not English sentences


def is_chinese(message):
    """A message a Chinese reader understands: Chinese characters, no English sentence."""
    message = str(message)
    return bool(CJK.search(message)) and not ENGLISH_WORD.search(NAMES.sub("", message))


def posted_errors(section):
    """{posted field name: [messages]} of a bound editor section, plus "__all__" for the rest."""
    errors = {"__all__": []}
    for _name, _title, part in section.part_list():
        forms = part.forms if isinstance(part, BaseFormSet) else [part]
        if isinstance(part, BaseFormSet):
            errors["__all__"] += [str(m) for m in part.non_form_errors()]
        for form in forms:
            for field, messages in form.errors.items():
                key = "__all__" if field == "__all__" else form.add_prefix(field)
                errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors
