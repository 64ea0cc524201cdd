"""The print layout's rules as data: label breaking, merged columns and long cells cut into rows."""
import pytest

from reports.layout import CHUNK_CHARS, Cell, Chunk, capacity, label_lines, merged_column, text_chunks, text_width


@pytest.mark.parametrize(("label", "width", "lines"), [
    # The lone characters: each now breaks into even lines.
    ("重点支出安排率", 14, ["重点支出", "安排率"]),
    ("公共财政拨款", 13.33, ["公共财", "政拨款"]),
    ("公务用车运维费", 16, ["公务用车", "运维费"]),
    ("纳入专户管理的非税收入拨款", 13.33, ["纳入专户管", "理的非税", "收入拨款"]),
    ("整体支出绩效定性目标及实施计划完成情况", 14, ["整体支出绩", "效定性目标", "及实施计划", "完成情况"]),
    ("机构名称", 20, ["机构名称"]),
])
def test_label_lines_leave_no_character_alone(label, width, lines):
    assert label_lines(label, width) == lines


def test_first_level_label_prints_its_points_on_a_line_of_their_own():
    assert label_lines("投  入（15分）", 10, 9, points_line=True) == ["投  入", "（15分）"]
    assert label_lines("预算配置（15分）", 11, 9) == ["预算配置", "（15分）"]


def test_label_lines_never_start_a_line_with_closing_punctuation():
    for width in (12, 14, 16, 20):
        for line in label_lines("部门（单位）整体支出绩效情况，含“三公”经费。", width)[1:]:
            assert line[0] not in "）。，”"


@pytest.mark.parametrize("width", [10, 13.33, 14, 18, 20])
def test_every_line_fits_its_column(width):
    text = "年度部门（单位）总体运行情况及取得的成绩ABC 123"
    room = capacity(width)

    lines = label_lines(text, width)

    assert "".join(lines) == text
    assert all(text_width(line) <= room for line in lines)
    assert all(len(line.strip()) > 1 for line in lines)


def test_merged_column_prints_a_run_once_and_marks_continuations_and_open_cells():
    cells = merged_column([("a", ["甲"]), ("a", ["甲"]), ("b", ["乙"]), ("a", ["甲"])], repeat=lambda _l: ["（同上）"])

    assert cells == [Cell(["甲"], open=True), Cell(["（同上）"], cont=True), Cell(["乙"]), Cell(["甲"])]


def test_text_chunks_pack_paragraphs_and_cut_a_long_one_at_sentence_ends():
    sentence = "一" * 99 + "。"
    paragraphs = ["短段落。", sentence * 5, "尾。"]

    chunks = text_chunks(paragraphs)

    assert "".join(p for c in chunks for p in c.paragraphs) == "".join(paragraphs)
    assert all(sum(len(p) for p in c.paragraphs) <= CHUNK_CHARS for c in chunks)
    assert [c.joins for c in chunks] == [False, True, True]
    assert chunks[1].paragraphs[0].endswith("。") and chunks[0].paragraphs[0] == "短段落。"


def test_a_sentence_longer_than_a_chunk_is_cut_where_it_must():
    chunks = text_chunks(["字" * (CHUNK_CHARS * 2 + 10)])

    assert [sum(len(p) for p in c.paragraphs) for c in chunks] == [CHUNK_CHARS, CHUNK_CHARS, 10]


def test_no_text_is_one_empty_chunk():
    assert text_chunks([]) == [Chunk()]
