"""Reading a rendered report back page by page: the checks the layout tests share."""
import io
import re

import pypdf

FOOTER = re.compile(r"第\d+页共\d+页")
DIGEST = re.compile(r"审定内容摘要（SHA-256）：[0-9a-f]{64}")

# Every table's header row as the PDF text prints it (squeezed), with the texts that only it holds.
HEADERS = {
    "income": "机构名称收入合计其中：上年结转公共财政拨款政府基金拨款纳入专户管理的非税收入拨款其他收入",
    "expenditure": "机构名称支出合计其中：结余基本支出其中：项目支出当年结余累计结余人员支出公用支出",
    "three_public": "机构名称三公经费合计其中：公务接待费公务用车运维费公务用车购置费因公出国费",
    "fixed_assets": "机构名称固定资产合计其中：其他在用固定资产出租固定资产",
    "qualitative_goals": "整体支出绩效定性目标及实施计划完成情况预期目标实际完成",
    "quantitative": "整体支出绩效定量目标及实施计划完成情况评价内容绩效目标完成情况",
    "evaluators": "姓名职务/职称单位签字",
    "rubric": "一级指标二级指标三级指标评分标准分值自评得分",
}
HEADINGS = (
    "一、部门（单位）基本概况", "二、部门（单位）收支情况", "年度收入情况（万元）", "部门（单位）年度支出和结余情况（万元）",
    "三、部门（单位）整体支出绩效自评情况", "四、评价人员", "五、评价报告综述（文字部分）", "部门整体支出绩效评价评分表",
)


def squeeze(text):
    return re.sub(r"\s+", "", text)


def page_texts(pdf):
    """Each page's text, white space removed, without the page footer and the digest."""
    pages = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        text = squeeze(page.extract_text())
        pages.append(DIGEST.sub("", FOOTER.sub("", text)))
    return pages


def pages_holding(pages, texts):
    """The indexes of the pages that hold any of `texts` (squeezed, at least a few characters of each)."""
    probes = [squeeze(t)[:12] for t in texts if squeeze(t)]
    return sorted({i for i, page in enumerate(pages) for probe in probes if probe in page})


def pages_missing_header(pages, table, texts):
    """The pages that hold some of a table's `texts` but not its header row."""
    header = HEADERS[table]
    return [i + 1 for i in pages_holding(pages, texts) if header not in pages[i]]


def heading_only_pages(pages, narrative_titles=()):
    """Pages holding nothing but headings, header rows and 合计/score figures."""
    lonely = []
    for number, text in enumerate(pages, start=1):
        rest = text
        for piece in sorted((*HEADINGS, *HEADERS.values(), *narrative_titles), key=len, reverse=True):
            rest = rest.replace(piece, "")
        rest = re.sub(r"合计|总分|[\d.,\-]+", "", rest)
        if number > 1 and not rest:
            lonely.append(number)
    return lonely


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def tables_without_header(document):
    """(page number, table classes) of every table fragment laid out without its header row."""
    from weasyprint.formatting_structure import boxes

    missing = []
    for number, page in enumerate(document.pages, start=1):
        for box in _walk(page._page_box):
            if not isinstance(box, boxes.TableBox) or box.element is None:
                continue
            if box.element.find("thead") is None:
                continue
            groups = [g for g in box.children if isinstance(g, boxes.TableRowGroupBox)]
            if not any(g.is_header for g in groups):
                missing.append((number, box.element.get("class")))
    return missing
