"""Background work of the one-stop process; each task calls one service."""

from __future__ import annotations

from django_tasks import task

from motcua.workflow import sweeps


@task()
def sweep_deadlines() -> dict[str, int]:
    return sweeps.sweep_deadlines()
