"""`run_sync`: pyHanko's coroutines run to completion from sync code, even where a loop already runs."""

import asyncio

import pytest

from motcua.signatures.aio import run_sync


async def answer(value):
    await asyncio.sleep(0)
    return value


async def fail():
    raise ValueError("broken token")


def test_run_sync_without_a_running_loop():
    assert run_sync(answer(42)) == 42


def test_run_sync_inside_a_running_loop_uses_a_worker_thread():
    async def caller():
        return run_sync(answer("ok"))  # asyncio.run would refuse here

    assert asyncio.run(caller()) == "ok"


def test_run_sync_hands_the_coroutines_exception_back_to_the_caller():
    async def caller():
        return run_sync(fail())

    with pytest.raises(ValueError, match="broken token"):
        asyncio.run(caller())
    with pytest.raises(ValueError, match="broken token"):
        run_sync(fail())
