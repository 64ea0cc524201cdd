"""A job worker yields the cores to the app servers it shares a machine with (JOBS_WORKER_NICE)."""
import os

from django.conf import settings

from jobs.management.commands.jobs_worker import lower_priority


def niceness_after(niceness):
    """This process's niceness once a forked copy of it has called lower_priority(niceness)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            lower_priority(niceness)
            os.write(write, str(os.getpriority(os.PRIO_PROCESS, 0)).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        return int(pipe.read())


def test_a_worker_lowers_its_priority_by_the_setting_and_zero_keeps_it():
    start = os.getpriority(os.PRIO_PROCESS, 0)

    assert settings.JOBS_WORKER_NICE == 10
    assert (niceness_after(10), niceness_after(0)) == (min(start + 10, 19), start)
