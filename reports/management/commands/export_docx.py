"""python manage.py export_docx --year 2021 --code 106019 --out report.docx"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.docx import report_docx_bytes
from reports.models import Report


class Command(BaseCommand):
    help = "导出一份自评报告的Word文档（.docx，与PDF同一版式）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="评价年度，如 2021")
        parser.add_argument("--code", required=True, help="部门（单位）预算编码，如 106019")
        parser.add_argument("--out", required=True, help="输出文件路径")

    def handle(self, *args, year, code, out, **options):
        report = (
            Report.objects.select_related("evaluation_year", "department")
            .filter(evaluation_year__year=year, department__code=code).first()
        )
        if report is None:
            raise CommandError(f"没有找到{year}年度预算编码为{code}的报告。")
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"输出目录不存在：{target.parent}")
        content = report_docx_bytes(report)
        target.write_bytes(content)
        self.stdout.write(f"已导出 {target}（{len(content) // 1024} KiB）")
