"""Reading an interchange document's JSON text safely: every hostile input is a Chinese error, never a traceback.

Python's json module recurses once per nesting level (100,000 levels is a RecursionError), hands a 5,001-digit
number to int() (past 4,300 digits a ValueError), accepts NaN and Infinity, and turns "\\ud800" into a lone
surrogate that no database can store. `document_loads` refuses all of these before they reach the importer.
"""
import json
import math
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32  # the format nests five levels deep; bounded well below Python's recursion limit
MAX_NUMBER_CHARACTERS = 30
STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
BRACKET = re.compile(r"[\[\]{}]")
SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    pass


def _number(text):
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise _Refused(_("数字过长（%(count)s位）；金额应写成带两位小数的字符串。") % {"count": len(text)})
    return text


def _int(text):
    return int(_number(text))


def _float(text):
    number = float(_number(text))
    if math.isinf(number):
        raise _Refused(_("数字“%(text)s”超出范围。") % {"text": text})
    return number


def _constant(name):
    raise _Refused(_("不允许 %(name)s：JSON 中的数字必须是有限值。") % {"name": name})


def _depth(text):
    depth = deepest = 0
    for match in BRACKET.finditer(STRING.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                return deepest
    return deepest


def _surrogate_path(value, path="$"):
    """Where a lone surrogate sits in the loaded document (keys and values), or None."""
    if isinstance(value, str):
        return path if SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if SURROGATE.search(key):
                return f"{path}.{key.encode('utf-8', 'backslashreplace').decode()}"
            found = _surrogate_path(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _surrogate_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


def document_loads(text):
    """The JSON value of `text`; ValidationError with one Chinese sentence for anything this system will not read."""
    if len(text) > MAX_BYTES:
        raise ValidationError(_("文件过大（超过%(max)sMB）。") % {"max": MAX_BYTES // (1024 * 1024)})
    if _depth(text) > MAX_DEPTH:
        raise ValidationError(_("JSON 嵌套过深（超过%(max)s层），不是本系统的交换文档。") % {"max": MAX_DEPTH})
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _Refused as error:
        raise ValidationError(str(error)) from error
    except json.JSONDecodeError as error:
        raise ValidationError(_("不是有效的 JSON（第%(line)s行第%(column)s列附近有语法错误）。") % {
            "line": error.lineno, "column": error.colno}) from error
    except (RecursionError, ValueError) as error:
        raise ValidationError(_("不是有效的 JSON。")) from error
    where = _surrogate_path(value)
    if where:
        raise ValidationError(_("%(path)s 含有不成对的代理字符（如 \\ud800），不是有效的 Unicode 文本。") % {"path": where})
    return value
