"""Run background jobs: django-tasks-db's worker plus a heartbeat, so that the jobs of a worker that died
are started again by the others (jobs.services.jobs_recover). Run any number of these, on any machine that
shares the database and the file store; stop one with SIGTERM (it finishes its current task first)."""
import os
import socket
import threading

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands import db_worker

from jobs.chores import chores_run
from jobs.services import jobs_recover, worker_beat, worker_gone


class Heartbeat(threading.Thread):
    """Every JOBS_HEARTBEAT_SECONDS: say this worker is alive, recover the jobs of silent ones and run the
    periodic chores that are due (jobs.chores: audit anchor, idle sessions, kept input)."""

    def __init__(self, worker_id):
        super().__init__(name="jobs-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.is_set():
                try:
                    worker_beat(self.worker_id, host=socket.gethostname(), pid=os.getpid())
                    jobs_recover()
                    chores_run()
                except Exception:  # noqa: BLE001 (a locked SQLite file or a lost connection: try again next beat)
                    db_worker.logger.exception("Worker heartbeat failed")
                self.stopped.wait(settings.JOBS_HEARTBEAT_SECONDS)
        finally:
            connection.close()


def lower_priority(niceness):
    """Add `niceness` to this process's (JOBS_WORKER_NICE): its jobs then take the cores the app servers leave.
    Not the idle class (SCHED_IDLE): a worker starved outright would miss its heartbeat and be taken for dead."""
    if niceness > 0:
        os.nice(niceness)


class Command(db_worker.Command):
    help = "Run background jobs (django-tasks-db worker with a heartbeat and recovery of dead workers' jobs)"

    def handle(self, *args, **options):
        options.setdefault("worker_id", db_worker.get_random_string(32))
        lower_priority(settings.JOBS_WORKER_NICE)
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stopped.set()
            heartbeat.join(timeout=5)
            worker_gone(options["worker_id"])
