"""`run_sync`: pyHanko's coroutines run to completion from sync code, even where a loop already runs."""

import asyncio

import pytest

from motcua.signatures.aio import run_sync
from motcua.signatures.testing import call_in_running_loop


async def answer(value):
    await asyncio.sleep(0)
    return value


async def fail():
    raise ValueError("broken token")


def test_run_sync_from_plain_code():
    assert run_sync(answer(42)) == 42


def test_run_sync_inside_a_running_loop():
    def caller():
        refused = answer("refused")
        with pytest.raises(RuntimeError):
            asyncio.run(refused)  # what the engine used to do
        refused.close()
        return run_sync(answer("ok"))

    assert call_in_running_loop(caller) == "ok"


def test_run_sync_hands_the_coroutines_exception_back_to_the_caller():
    with pytest.raises(ValueError, match="broken token"):
        call_in_running_loop(lambda: run_sync(fail()))
    with pytest.raises(ValueError, match="broken token"):
        run_sync(fail())
