"""Time and peak memory of a report's PDF: through the app, and WeasyPrint alone on the same HTML.

Run from the project root:  .venv/bin/python benchmarks/pdf.py [--warm 7] [--report demo|maximal|both]

Two reports: the demo (the seed, 9 pages) and the maximal report (reports/data/maximal_report.json: every
list at its limit and every text at its limit, reports.limits), imported over the demo's content.
For each it migrates a throwaway SQLite database, loads the demo (`manage.py load_demo`) and measures:
  app         GET /reports/<pk>/pdf/ through Django's test client as the demo clerk: middleware,
              permission checks, the queries, the context (reports.rendering), the template,
              WeasyPrint with our URL fetcher and the label fix-up after layout (reports.pdf);
  weasyprint  weasyprint.HTML(string=<the same HTML>).write_pdf() with the same fetcher and nothing
              else.
Cold = the first render in a fresh process (fonts and caches loading), with that process's peak RSS
(each mode in its own process). Warm = the median of --warm renders in one process, the two modes
interleaved so that the machine's noise hits both alike. Overhead = median over rounds of
(app / weasyprint) − 1, and the same from the fastest render of each.
"""
import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalsite.test_settings")


def setup_django(db_path):
    os.environ["DJANGO_SQLITE_PATH"] = str(db_path)
    import django

    django.setup()


# Warm renders of the maximal report per mode (it takes seconds each).
MAXIMAL_WARM = 3


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Renderers:
    """The two ways of producing the demo report's PDF, sharing one HTML."""

    def __init__(self):
        from django.test import Client
        from django.urls import reverse

        from accounts.models import User
        from reports.models import Report
        from reports.pdf import report_pdf_html

        report = Report.objects.select_related("evaluation_year", "department").get(
            evaluation_year__year=2021, department__code="106019"
        )
        User.objects.filter(username="clerk").update(must_change_password=False)
        self.client = Client()
        self.client.force_login(User.objects.get(username="clerk"), backend="django.contrib.auth.backends.ModelBackend")
        self.url = reverse("report_pdf", args=[report.pk])
        self.html = report_pdf_html(report)

    def app(self):
        response = self.client.get(self.url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), response.status_code
        return response.content

    def weasyprint(self):
        from weasyprint import HTML

        from reports.pdf import BASE_URL, StaticFilesURLFetcher

        return HTML(string=self.html, base_url=BASE_URL, url_fetcher=StaticFilesURLFetcher()).write_pdf()


def child(mode, db_path):
    """One cold render in this fresh process: its time and the process's peak RSS, as JSON."""
    setup_django(db_path)
    renderers = Renderers()
    before = peak_rss_mib()
    start, cpu_start = time.perf_counter(), time.process_time()
    pdf = getattr(renderers, mode)()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_before": before, "rss_peak": peak_rss_mib(),
                      "bytes": len(pdf)}))


def prepare(db_path, report):
    setup_django(db_path)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    if report == "maximal":
        from reports.interchange import report_import
        from reports.maximal import MAXIMAL_FILE

        report_import(document=json.loads(MAXIMAL_FILE.read_text(encoding="utf-8")))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=15, help="warm renders per mode of the demo (default 15)")
    parser.add_argument("--report", choices=["demo", "maximal", "both"], default="both")
    parser.add_argument("--child", choices=["app", "weasyprint"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db)
        return
    reports = ["demo", "maximal"] if args.report == "both" else [args.report]
    for index, report in enumerate(reports):
        if index:
            print()
        # Each report in its own process: Django is set up once per process, on that report's database.
        if len(reports) > 1:
            subprocess.run([sys.executable, __file__, "--report", report, "--warm", str(args.warm)], check=True, cwd=ROOT)
        else:
            measure(report, args.warm if report == "demo" else min(args.warm, MAXIMAL_WARM))


def measure(report, rounds):
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        prepare(db_path, report)
        cold = {}
        for mode in ("app", "weasyprint"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--db", str(db_path)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            ).stdout
            cold[mode] = json.loads(out.strip().splitlines()[-1])

        renderers = Renderers()
        renderers.app()
        renderers.weasyprint()  # both warm before measuring
        warm = {"app": [], "weasyprint": []}
        cpu = {"app": [], "weasyprint": []}
        pdfs = {}
        for _round in range(rounds):
            for mode in ("app", "weasyprint"):
                start, cpu_start = time.perf_counter(), time.process_time()
                pdfs[mode] = getattr(renderers, mode)()
                warm[mode].append(time.perf_counter() - start)
                cpu[mode].append(time.process_time() - cpu_start)

    median = {mode: statistics.median(times) for mode, times in warm.items()}
    cpu_median = {mode: statistics.median(times) for mode, times in cpu.items()}
    # Each round renders both back to back: the median of the per-round ratios cancels most noise.
    overhead = statistics.median(a / w for a, w in zip(warm["app"], warm["weasyprint"], strict=True)) - 1
    cpu_overhead = cpu_median["app"] / cpu_median["weasyprint"] - 1
    pages = len(pypdf.PdfReader(io.BytesIO(pdfs["app"])).pages)
    title = "Demo report" if report == "demo" else "Maximal report"
    print(f"{title} PDF: {pages} pages, {len(pdfs['app']) // 1024} KiB; {rounds} warm renders per mode\n")
    print("| mode | cold wall / CPU (s) | peak RSS, cold process (MiB) | warm median wall (s) | warm min–max wall (s) "
          "| warm median CPU (s) |")
    print("|---|---|---|---|---|---|")
    for mode in ("app", "weasyprint"):
        c = cold[mode]
        print(f"| {mode} | {c['seconds']:.2f} / {c['cpu']:.2f} "
              f"| {c['rss_peak']:.0f} (+{c['rss_peak'] - c['rss_before']:.0f} for the render) "
              f"| {median[mode]:.3f} | {min(warm[mode]):.3f}–{max(warm[mode]):.3f} | {cpu_median[mode]:.3f} |")
    print(f"\nOverhead of the app over WeasyPrint alone (median of per-round ratios): {overhead:+.1%} (target < 10%)")
    print(f"Overhead by the fastest warm renders: {min(warm['app']) / min(warm['weasyprint']) - 1:+.1%}")
    print(f"Overhead by CPU time (warm medians; least affected by other processes): {cpu_overhead:+.1%}")
    if report == "demo":
        print(f"Warm render through the app: {median['app']:.3f} s (target < 1.5 s)")
    else:
        print(f"Cold render through the app: {cold['app']['seconds']:.2f} s, peak RSS {cold['app']['rss_peak']:.0f} MiB "
              "(targets < 10 s, < 600 MiB)")


if __name__ == "__main__":
    main()
