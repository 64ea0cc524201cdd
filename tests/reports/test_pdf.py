"""The PDF of the demo report (the seed), read back as text and fonts; the URL fetcher's wall."""
import io
import re
import subprocess
from types import SimpleNamespace

import pypdf
import pytest
from django.core.management import call_command
from django.db import transaction
from pypdf.generic import ContentStream

from accounts.models import User
from reports.demo import seed_document
from reports.enums import Status
from reports.models import Narrative, Report
from reports.pdf import (
    BASE_URL,
    StaticFilesURLFetcher,
    html_to_pdf,
    report_archive_pdf,
    report_pdf_bytes,
    report_pdf_filename,
    report_render_pdf,
)
from reports.workflow import move


def squeeze(text):
    return re.sub(r"\s+", "", text)


def page_texts(pdf):
    return [squeeze(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def demo_report():
    return Report.objects.select_related("evaluation_year", "department").get(
        evaluation_year__year=2021, department__code="106019"
    )


@pytest.fixture(scope="module")
def demo_pdf(django_db_setup, django_db_blocker):
    """The demo report's PDF, rendered once for the module; the data is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        pdf = report_render_pdf(report=demo_report())
        transaction.set_rollback(True)
    return pdf


def seed_in_form_order():
    """Every label, figure and text of the seed, in the order the form prints them."""
    doc = seed_document()
    overview, narrative = doc["overview"], doc["narrative"]
    return [
        "附件2-1", "岳阳楼区2021年度部门（单位）整体支出", "绩效评价自评报告",
        "部门（单位）名称：", "岳阳市岳阳楼区融媒体中心", "预算编码：", "106019",
        "评价方式：", "部门（单位）绩效自评", "评价机构：", "部门（单位）评价组", "报告日期：", "2022年5月9日",
        "岳阳楼区财政局（制）",
        "一、部门（单位）基本概况",
        "联系人", "孟庆红", "联络电话", "8245359", "人员编制", "13人", "实有人数", "23人",
        "职能职责概述", *overview["functions"].splitlines(),
        "年度主要工作内容",
        "任务1：负责全区新闻报道计划的制定实施，组织协调全区重大新闻宣传报道；",
        "任务2：负责全区通联工作，抓好通讯员队伍建设；",
        "任务3：围绕区委、区政府中心工作，及时宣传报道区内经济、政治、文化、社会和生态文明建设中的大事；",
        "任务4：采编审发区内十大宣传平台的稿件；",
        "任务5：接待上级新闻单位来访，配合做好新闻采访工作。",
        "年度部门（单位）总体运行情况及取得的成绩", *overview["achievements"].splitlines(),
        "二、部门（单位）收支情况",
        "年度收入情况（万元）", "机构名称", "收入合计", "其中：", "上年结转", "公共财政拨款", "政府基金拨款",
        "纳入专户管理的非税收入拨款", "其他收入", "岳阳市岳阳楼区融媒体中心", "260.48", "260.48",
        "部门（单位）年度支出和结余情况（万元）", "机构名称", "支出合计", "其中：", "结余", "基本支出", "其中：",
        "项目支出", "当年结余", "累计结余", "人员支出", "公用支出",
        "岳阳市岳阳楼区融媒体中心", "260.48", "260.48", "143.46", "117.02",
        "机构名称", "三公经费合计", "其中：", "公务接待费", "公务用车运维费", "公务用车购置费", "因公出国费",
        "岳阳市岳阳楼区融媒体中心", "2.81", "2.81",
        "机构名称", "固定资产合计", "其中：", "其他", "在用固定资产", "出租固定资产",
        "岳阳市岳阳楼区融媒体中心", "92.43", "92.43", "0",
        "三、部门（单位）整体支出绩效自评情况",
        "整体支出绩效定性目标及实施计划完成情况", "预期目标", "实际完成",
        "目标1：负责全区新闻报道计划的制定实施，组织协调全区重大新闻宣传报道；", "已完成",
        "目标2：负责全区通联工作，抓好通讯员队伍建设；",
        "目标3：围绕区委、区政府中心工作，及时宣传报道区内经济、政治、文化、社会和生态文明建设中的大事；",
        "目标4：采编审发区内十大宣传平台的稿件；",
        "目标5：接待上级新闻单位来访，配合做好新闻采访工作。",
        "整体支出绩效定量目标及实施计划完成情况", "评价内容", "绩效目标", "完成情况",
        "产出目标", "（部门工作实绩，包含上级部门和区委区政府布置的重点工作、实事任务等，根据部门实际进行调整细化）",
        "质量指标",
        "指标1：《城市旧貌换新颜，提升百姓幸福感》《老小区变身新家园》在人民日报要闻版刊发；"
        "《岳阳楼区：小区改造“让幸福来敲门”》被新华社采用。", "已完成",
        "指标2：成为全国第一个上线“学习强国”实播中国栏目的区县级媒体", "已完成",
        "数量指标", "指标1：在中央级主流党媒发稿 129篇", "已完成", "指标2：省级主流党媒发稿364篇", "已完成",
        "指标3：市级主流党媒发稿387条", "已完成", "指标4：区级平台共发稿4366篇", "已完成",
        "指标5：策划创作新媒体作品200余个", "已完成",
        "时效指标", "及时进行区内宣传报道", "已完成",
        "成本指标", "严格控制预算，严格控制“三公”经费支出，做到预算支出不超标", "已完成",
        "效益目标", "（预期实现的效益）", "社会效益",
        "1、反电诈宣传微视频《指尖陷阱》，荣获湖南省第六届网络原创视听节目大赛“网络视听专题节目”二等奖；",
        "2、城市内湖保护公益宣传片《以水映城》获全国守护美丽呵护全国短视频公益大赛优秀奖；",
        "3、获得《红网手机报》建设工作先进单位、县级融媒体中心建设工作先进单位等荣誉称号。", "98%",
        "经济效益", "无", "无", "生态效益", "无", "无",
        "社会公众或服务对象满意度", "正面宣传多角度、多平台推出社会反响良好", "98%",
        "绩效自评综合得分", "98分", "评价等次", "优秀",
        "四、评价人员", "姓名", "职务/职称", "单位", "签字", "吴鹏翔", "主任", "融媒体中心", "李磊", "副主任", "融媒体中心",
        "评价组组长（签字）：", "年月日",
        "部门（单位）意见：", "部门（单位）负责人（签章）：", "年月日",
        "财政部门归口业务科室意见：", "财政部门归口业务科室负责人（签章）：", "年月日",
        "填报人（签名）：孟庆红", "联系电话：8245359",
        "五、评价报告综述（文字部分）",
        "一、部门（单位）概况", narrative["overview"],
        "（一）部门（单位）基本情况", "融媒体中心现有人数23人。其中：在职全额编制12人，退休3人，借调临聘人员8人。",
        "（二）部门（单位）整体支出规模、使用方向和主要内容、涉及范围等", narrative["expenditure_scope"],
        "二、部门（单位）整体支出管理及使用情况", "（一）基本支出", narrative["basic_expenditure"],
        "（二）专项支出", "1.专项资金安排落实、总投入等情况分析", narrative["special_allocation"],
        "2.专项资金实际使用情况分析", narrative["special_usage"],
        "3.专项资金管理情况分析", narrative["special_management"],
        "三、部门（单位）专项组织实施情况", "（一）专项组织情况分析", narrative["special_organization"],
        "（二）专项管理情况分析", narrative["special_oversight"],
        "四、部门（单位）整体支出绩效情况", *narrative["performance"].splitlines(),
        "五、存在的主要问题", "主要存在问题财务管理方面的内部制度需进一步完善，成本有待进一步降低。",
        "六、改进措施和有关建议", "一是进一步完善机关财务制度。",
        "部门整体支出绩效评价评分表",
        "一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分", "扣分原因和其他说明",
        *RUBRIC_ROWS_IN_ORDER,
        "总分", "100", "98",
    ]


# (一级/二级 where they start, 三级, the start of 评分标准, 分值, 自评得分) for the seed's 25 rows.
RUBRIC_ROWS = [
    ("投入（15分）", "预算配置（15分）", "财政供养人员控制率", "以100%为标准。在职人员控制率≦100%，计5分；", "5", "5"),
    ("", "", "“三公经费”变动率", "“三公经费”变动率≦0,计5分；", "5", "5"),
    ("", "", "重点支出安排率", "重点支出安排率≥90%，计5分；", "5", "5"),
    ("过程（40分）", "预算执行（15分）", "预算调整率", "预算调整率=0，计3分；", "3", "3"),
    ("", "", "支付进度", "春节前下达全部专项资金的50%；", "3", "3"),
    ("", "", "资金结余", "无结余，3分；有结余，但不超过上年结转，2分；结余超过上年结转，不得分。", "3", "2"),
    ("", "", "“三公经费”控制率", "以100%为标准。三公经费控制率≦100%，计6分；", "6", "6"),
    ("", "预算管理（15分）", "管理制度健全性", "①已制定或具有预算资金管理办法", "3", "3"),
    ("", "", "资金使用合规性", "①支出符合国家财经法规和财务管理制度规定", "3", "3"),
    ("", "", "预决算信息公开性和完善性", "①按规定内容公开预决算信息，1分；", "3", "3"),
    ("", "", "政府采购执行率", "政府采购执行率等于100%的，得3分；", "3", "3"),
    ("", "", "公务卡刷卡率", "公务卡刷卡率达50％以上的，得3分。", "3", "2"),
    ("", "资产管理（10分）", "管理制度健全性", "①已制定或具有资产管理制度", "3", "3"),
    ("", "", "资产管理安全性", "①资产保存完整；", "4", "4"),
    ("", "", "固定资产利用率", "每低于100%一个百分点扣0.1分，扣完为止。", "3", "3"),
    ("产出（25分）", "职责履行（25分）", "推进全面小康建设指标任务完成情况",
     "此项指标根据区综合绩效考核领导小组办公室2018年对各部门的部门工作实绩考核分数折算考核内容设置。", "5", "5"),
    ("", "", "建设湖南新增极目标任务完成情况", "", "7", "7"),
    ("", "", "《政府工作报告》目标任务完成情况", "", "5", "5"),
    ("", "", "省市区民生实事完成情况", "", "2", "2"),
    ("", "", "省市区重点工程和重大项目建设完成情况", "", "2", "2"),
    ("", "", "其他工作实绩指标完成情况", "", "4", "4"),
    ("效果（20分）", "履职效益（20分）", "经济效益", "此三项指标为设置部门整体支出绩效评价指标时必须考虑的共性要素。",
     "15", "5"),
    ("", "", "社会效益", "", "", "5"),
    ("", "", "生态效益", "", "", "5"),
    ("", "", "社会公众或服务对象满意度", "95%（含）以上计5分；", "5", "5"),
]
RUBRIC_ROWS_IN_ORDER = [cell for row in RUBRIC_ROWS for cell in row if cell]


@pytest.mark.db_agnostic
def test_demo_pdf_prints_every_seed_figure_label_and_text_in_form_order(demo_pdf):
    text = "".join(page_texts(demo_pdf))
    position = 0
    missing = []

    for expected in seed_in_form_order():
        found = text.find(squeeze(expected), position)
        if found < 0:
            missing.append(expected)
        else:
            position = found + len(squeeze(expected))

    assert missing == []


@pytest.mark.db_agnostic
def test_demo_pdf_rubric_ends_with_the_totals(demo_pdf):
    text = "".join(page_texts(demo_pdf))

    assert (len(RUBRIC_ROWS), sum(int(r[4]) for r in RUBRIC_ROWS if r[4]), sum(int(r[5]) for r in RUBRIC_ROWS)) == (
        25, 100, 98,
    )
    assert text.endswith("生态效益5社会公众或服务对象满意度95%（含）以上计5分；85%（含）-95%，计3分；"
                         "75%（含）-85%，计1分；低于75%计0分。55总分10098第9页共9页")


@pytest.mark.db_agnostic
def test_demo_pdf_repeats_the_rubric_header_and_first_level_cell_after_a_page_break(demo_pdf):
    pages = page_texts(demo_pdf)
    header = "一级指标二级指标三级指标评分标准分值自评得分扣分原因和其他说明"

    rubric_pages = [text for text in pages if header in text]

    assert len(rubric_pages) == 2
    assert [text.count("过程（40分）") for text in rubric_pages] == [1, 1]  # hidden where the cell continues
    # A 二级 group split by the page break: its 一级 and 二级 labels are repeated on the next page.
    assert rubric_pages[1].startswith(header + "过程（40分）预算管理（15分）公务卡刷卡率")


@pytest.mark.db_agnostic
def test_demo_pdf_numbers_pages_after_the_cover(demo_pdf):
    pages = page_texts(demo_pdf)

    assert len(pages) == 9
    assert "页" not in pages[0]
    assert [re.search(r"第(\d+)页共(\d+)页", text).groups() for text in pages[1:]] == [
        (str(n), "9") for n in range(2, 10)
    ]


@pytest.mark.db_agnostic
def test_demo_pdf_draws_every_glyph_from_embedded_noto_cjk_subsets(demo_pdf, tmp_path):
    path = tmp_path / "demo.pdf"
    path.write_bytes(demo_pdf)

    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]

    fonts = [line.split() for line in lines]
    assert sorted(re.sub(r"^[A-Z]{6}\+", "", f[0]) for f in fonts) == [
        "Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold",
    ]
    assert all(re.match(r"^[A-Z]{6}\+", f[0]) for f in fonts)  # subsets
    assert [(f[-5], f[-4], f[-3]) for f in fonts] == [("yes", "yes", "yes")] * len(fonts)  # emb, sub, uni


@pytest.mark.db_agnostic
def test_demo_pdf_shows_no_missing_glyph(demo_pdf):
    reader = pypdf.PdfReader(io.BytesIO(demo_pdf))
    glyphs = 0
    notdef = 0

    for page in reader.pages:
        content = ContentStream(page.get_contents(), reader)
        for operands, operator in content.operations:
            if operator == b"Tj":
                strings = [operands[0]]
            elif operator == b"TJ":
                strings = [item for item in operands[0] if not isinstance(item, int | float)]
            else:
                continue
            for string in strings:
                data = bytes(string.original_bytes if hasattr(string, "original_bytes") else string)
                ids = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
                glyphs += len(ids)
                notdef += ids.count(0)

    assert glyphs >= len("".join(page_texts(demo_pdf))) > 6000  # every printed character is a drawn glyph
    assert notdef == 0


# --- The fetcher ----------------------------------------------------------------------------
HOSTILE = '<img src="file:///etc/passwd"><script>alert(1)</script><link href="http://127.0.0.1:9/x">'


@pytest.mark.django_db
def test_markup_in_a_narrative_prints_as_text_and_fetches_nothing():
    call_command("load_demo", stdout=io.StringIO())
    report = demo_report()
    Narrative.objects.filter(report=report).update(problems=HOSTILE)
    fetcher = StaticFilesURLFetcher()

    pdf = report_render_pdf(report=report, fetcher=fetcher)

    assert squeeze(HOSTILE) in "".join(page_texts(pdf))
    assert fetcher.refused == []
    assert fetcher.fetched == [f"{BASE_URL}static/app/report.css", f"{BASE_URL}static/app/pdf.css"]


def test_fetcher_refuses_every_url_that_is_not_a_static_file():
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="http://127.0.0.1:9/x">'
        '<link rel="stylesheet" href="/static/app/pdf.css"></head><body>'
        '<img src="file:///etc/passwd"><img src="/static/../../../../etc/passwd">'
        '<img src="https://evalsite.invalid/media/approved/x.pdf"><img src="data:image/png;base64,AAAA">'
        "<p>正文</p></body></html>"
    )
    fetcher = StaticFilesURLFetcher()

    pdf = html_to_pdf(html, fetcher=fetcher)

    assert pdf.startswith(b"%PDF")
    assert fetcher.fetched == [f"{BASE_URL}static/app/pdf.css"]
    assert sorted(fetcher.refused) == sorted([
        "http://127.0.0.1:9/x", "file:///etc/passwd", f"{BASE_URL}etc/passwd",
        f"{BASE_URL}media/approved/x.pdf", "data:image/png;base64,AAAA",
    ])


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://127.0.0.1:9/x", "https://example.com/static/app/pdf.css",
    f"{BASE_URL}static/app/missing.css", f"{BASE_URL}static/%2e%2e/evalsite/settings.py",
    f"{BASE_URL}static/app/pdf.css?x=1", f"{BASE_URL}static/app//pdf.css",
])
def test_fetcher_refuses_and_logs(url, caplog):
    fetcher = StaticFilesURLFetcher()

    with pytest.raises(ValueError):
        fetcher.fetch(url)

    assert fetcher.refused == [url]
    assert caplog.messages == [f"PDF: refused to fetch {url}"]


def test_fetcher_serves_static_css_with_its_type():
    response = StaticFilesURLFetcher().fetch(f"{BASE_URL}static/app/pdf.css")

    assert response.content_type == "text/css"
    assert response.read().startswith(b"/* The PDF of")


# --- Footer digest and the archive ----------------------------------------------------------
def approve(report):
    """Move the demo report through the real workflow with the demo users."""
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "head", "reviewer"])}
    report = move(report, Status.DEPT_REVIEW, by=users["clerk"])
    report = move(report, Status.FINANCE_REVIEW, by=users["head"])
    return move(report, Status.APPROVED, by=users["reviewer"], comment="同意")


@pytest.mark.django_db
def test_approved_digest_is_printed_in_the_footer_of_every_page_after_the_cover():
    call_command("load_demo", stdout=io.StringIO())
    digest = "ab12" * 16
    Report.objects.filter(pk=demo_report().pk).update(approved_digest=digest)

    pages = page_texts(report_render_pdf(report=demo_report()))

    assert [digest in text for text in pages] == [False] + [True] * (len(pages) - 1)


@pytest.mark.django_db
def test_approved_report_pdf_is_archived_once_and_served_from_the_archive(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    report = approve(demo_report())

    archived = report_archive_pdf(report=report)
    name = archived.approved_pdf.name
    stored = (tmp_path / name).read_bytes()
    again = report_archive_pdf(report=Report.objects.get(pk=report.pk))

    assert report.status == Status.APPROVED
    assert name == f"approved/{report.approved_at.year}/report-{report.pk}-{name.rsplit('-', 1)[1]}"
    assert again.approved_pdf.name == name
    assert list(tmp_path.rglob("*.pdf")) == [tmp_path / name]
    assert report_pdf_bytes(Report.objects.get(pk=report.pk)) == stored
    assert "同意" in "".join(page_texts(stored))


@pytest.mark.django_db
def test_first_download_of_an_approved_report_archives_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    report = approve(demo_report())

    first = report_pdf_bytes(Report.objects.get(pk=report.pk))
    second = report_pdf_bytes(Report.objects.get(pk=report.pk))

    assert first == second
    assert Report.objects.get(pk=report.pk).approved_pdf.read() == first


@pytest.mark.parametrize(("name", "filename"), [
    ("岳阳市岳阳楼区融媒体中心", "2021年度岳阳市岳阳楼区融媒体中心整体支出绩效自评报告.pdf"),
    ('岳阳/楼区:"档案"馆', "2021年度岳阳楼区档案馆整体支出绩效自评报告.pdf"),
])
def test_pdf_filename_names_year_and_department(name, filename):
    report = SimpleNamespace(evaluation_year=SimpleNamespace(year=2021), department=SimpleNamespace(name=name, code="1"))

    assert report_pdf_filename(report) == filename
