"""The dossier of the one-stop process: submitted through the real submission path (root conftest's `submit`),
taken to its result by Ba Đình's receptionist, specialist and leader (root conftest)."""

from __future__ import annotations

import pytest


@pytest.fixture
def submitted(submit, procedure):
    return submit(procedure)
