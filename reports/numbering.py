"""The numbers the form prints before 绩效目标 (目标1：, 指标2：) and the ones a clerk types (pure: no ORM).

The print numbers the goals itself (reports.rendering.numbered), so a number typed or pasted at the
start of a goal — "目标1：", "指标２:", "1.", "1、", "（1）", "一、", "①" — is taken off on save and
again before printing, and the goal prints its number once. A bare number ("1." …) is left alone
when another line of the text starts with one too: the goal then holds a list of its own.
"""
import re

_SPACE = r"[\s\u3000]*"
_NUMBER = r"(?:[0-9０-９]+|[一二三四五六七八九十]+)"
# After the number: a colon or 、, a full stop that does not start a decimal ("1.5倍" keeps its 1.5), or a bracket.
_AFTER = r"(?:[:：、]|[.．](?![0-9０-９])|[)）])"
_WORD_PREFIX = re.compile(
    rf"^{_SPACE}(?:目标|指标){_SPACE}{_NUMBER}{_SPACE}(?:[:：、]|[.．](?![0-9０-９])|(?=[\s\u3000])|$){_SPACE}"
)
_BARE_PREFIX = re.compile(
    rf"^{_SPACE}(?:[（(]{_SPACE}{_NUMBER}{_SPACE}[）)]|{_NUMBER}{_SPACE}{_AFTER}|[\u2460-\u2473]){_SPACE}"
)


def strip_number(text):
    """`text` without the number typed before it (see the module's doc); other text stays as it was."""
    if not text:
        return text
    rest = text
    for _attempt in range(3):  # "目标1：（1）…" carries two
        match = _WORD_PREFIX.match(rest)
        if match is None:
            others = rest.split("\n")[1:]
            match = _BARE_PREFIX.match(rest)
            if match is not None and any(_BARE_PREFIX.match(line) for line in others):
                match = None
        if match is None or match.end() == 0:
            break
        rest = rest[match.end():]
    return rest
