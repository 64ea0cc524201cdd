"""gunicorn settings for `make serve` and production (docs/deployment.md). Environment variables override."""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: about two per core. Long work never runs in a request (jobs run in jobs_worker processes),
# so the timeout only has to cover the slowest page or a PDF download (a render takes about a second).
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle a worker after this many requests (with jitter, so they do not all restart at once): bounds any
# slow growth of a worker's memory (WeasyPrint's caches after many PDFs).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
