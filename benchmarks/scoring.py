"""How long scoring the seed report's 25 rubric rows takes, in-process.

Run from the project root:  .venv/bin/python benchmarks/scoring.py [--repeat 2000]

It creates a throwaway in-memory SQLite database, loads the demo (`manage.py load_demo`) and
prints the median time per call of:
  evaluate        the pure rules over the gathered figures (the part that must stay under 5 ms),
  report_evaluate gathering the figures from the database, then evaluate,
  report_score    the same plus storing suggestions, traces and flags in one transaction (after the
                  first call nothing changes, so this measures the check, not the writes).
"""
import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsite.test_settings")

import django  # noqa: E402 (Django is set up once the path and settings are in place)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from reports.models import Report  # noqa: E402
from scoring.evaluate import evaluate, report_evaluate, report_score  # noqa: E402
from scoring.inputs import report_entries, report_figures  # noqa: E402
from scoring.services import rubric_nodes_from_db  # noqa: E402


def per_call_ms(function, repeat, rounds=7):
    """Median over `rounds` of the mean time of `repeat` calls, in milliseconds."""
    samples = []
    for _round in range(rounds):
        start = time.perf_counter()
        for _call in range(repeat):
            function()
        samples.append((time.perf_counter() - start) * 1000 / repeat)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000, help="calls per round of the pure evaluation")
    options = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        call_command("load_demo", stdout=io.StringIO())
        report = Report.objects.select_related("evaluation_year__rubric", "department").get(
            evaluation_year__year=2021, department__code="106019"
        )
        nodes = rubric_nodes_from_db(report.evaluation_year.rubric)
        figures, entries = report_figures(report), report_entries(report)
        bands = [(b.label, b.min_score) for b in report.evaluation_year.grade_bands.all()]
        sheet = evaluate(nodes, figures, entries, bands)
        assert len(sheet.rows) == 25 and sheet.grade == "优秀", "the seed report should score 25 rows, 优秀"

        pure = per_call_ms(lambda: evaluate(nodes, figures, entries, bands), options.repeat)
        gathered = per_call_ms(lambda: report_evaluate(report), max(options.repeat // 20, 10))
        stored = per_call_ms(lambda: report_score(report=report), max(options.repeat // 40, 5))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"seed report 106019 (2021): {len(sheet.rows)} rows, total {sheet.self_total:f}, {sheet.grade}")
    print(f"evaluate (pure rules, 25 rows):        {pure:.3f} ms per report  (target < 5 ms)")
    print(f"report_evaluate (DB reads + rules):    {gathered:.3f} ms per report")
    print(f"report_score (reads + rules + writes): {stored:.3f} ms per report")


if __name__ == "__main__":
    main()
