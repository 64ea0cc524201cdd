from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.interchange import document_dumps, report_export
from reports.models import Report


class Command(BaseCommand):
    help = "将一个部门某年度的自评报告导出为 JSON 交换文档（格式见 docs/report-format.md）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="评价年度，如 2021")
        parser.add_argument("--code", required=True, help="部门预算编码，如 106019")
        parser.add_argument("--out", help="输出文件；省略时写到标准输出")

    def handle(self, *args, year, code, out=None, **options):
        report = Report.objects.filter(evaluation_year__year=year, department__code=code).first()
        if report is None:
            raise CommandError(f"未找到{year}年度预算编码为{code}的报告。")
        text = document_dumps(report_export(report))
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stderr.write(f"已导出到 {out}")
        else:
            self.stdout.write(text, ending="")
