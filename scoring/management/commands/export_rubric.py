"""python manage.py export_rubric (--year 2021 | --name 评分表名称 | --template framework_2013) OUT.xlsx"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scoring.models import EvaluationYear, Rubric
from scoring.services import RUBRIC_TEMPLATES, rubric_export_sheet, rubric_get_or_create_template


class Command(BaseCommand):
    help = "Write a rubric (a year's, one by name, or a template) to an .xlsx sheet that import_rubric reads back."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--year", type=int, help="the rubric of this 评价年度")
        which.add_argument("--name", help="the rubric of this name")
        which.add_argument("--template", choices=sorted(RUBRIC_TEMPLATES), help="a template rubric")
        parser.add_argument("path", help="the .xlsx file to write")

    def handle(self, *args, path, year=None, name=None, template=None, **options):
        if template:
            rubric = rubric_get_or_create_template(template)
        elif year is not None:
            found = EvaluationYear.objects.select_related("rubric").filter(year=year).first()
            if found is None:
                raise CommandError(_("没有%(year)s年度。") % {"year": year})
            rubric = found.rubric
        else:
            rubric = Rubric.objects.filter(name=name).first()
            if rubric is None:
                raise CommandError(_("没有名为“%(name)s”的评分表。") % {"name": name})
        Path(path).write_bytes(rubric_export_sheet(rubric))
        self.stdout.write(_("已将评分表“%(name)s”（%(rows)s行）写入 %(path)s") % {
            "name": rubric.name, "rows": rubric.indicators.count(), "path": path,
        })
