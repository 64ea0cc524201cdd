from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.interchange import report_import
from reports.interchange.jsontext import document_loads


class Command(BaseCommand):
    help = "从 JSON 交换文档导入一个自评报告；文档有任何问题时全部拒绝，不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON 文件（格式见 docs/report-format.md）")

    def handle(self, *args, file, **options):
        try:
            document = document_loads(Path(file).read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件 {file}。") from error
        except OSError as error:
            raise CommandError(f"无法读取文件 {file}。") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"文件 {file} 不是 UTF-8 编码的文本。") from error
        except ValidationError as error:
            raise CommandError(f"文件 {file} {error.messages[0]}") from error
        try:
            report = report_import(document=document, username="manage.py import_report")
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(f"  {message}")
            raise CommandError(f"导入被拒绝：共{len(error.messages)}个问题，未写入任何数据。") from error
        self.stdout.write(f"已导入：{report}（{report.get_status_display()}）")
