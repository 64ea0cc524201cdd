"""python manage.py import_rubric IN.xlsx [--name 评分表名称] [--dry-run]"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scoring.services import rubric_import_sheet


class Command(BaseCommand):
    help = ("Create a new rubric from an .xlsx sheet (export_rubric's layout). Every problem is listed by row; "
            "a sheet with any problem, or a --dry-run, writes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file to read")
        parser.add_argument("--name", help="the new rubric's name (default: the sheet's 评分表名称)")
        parser.add_argument("--dry-run", action="store_true", help="only check the sheet")

    def handle(self, *args, path, name=None, dry_run=False, **options):
        try:
            with open(path, "rb") as file:
                result = rubric_import_sheet(file=file, name=name, dry_run=dry_run)
        except OSError as error:
            raise CommandError(_("无法读取 %(path)s：%(error)s") % {"path": path, "error": error.strerror}) from None
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(_("评分表有%(count)s处问题，未导入。") % {"count": len(result.problems)})
        if dry_run:
            self.stdout.write(_("检查通过：评分表“%(name)s”共%(rows)s行，未写入（--dry-run）。") % {
                "name": result.name, "rows": len(result.nodes),
            })
        else:
            self.stdout.write(_("已导入评分表“%(name)s”，共%(rows)s行。") % {"name": result.rubric.name, "rows": len(result.nodes)})
