"""Prepare a migrated motcua database (demo catalog loaded) for bench/submit.py.

Creates the benchmark citizen and its API token, picks the procedure to submit (the simplest active one
whose only required component takes a PDF, unless --procedure names one), builds e-form answers that
the procedure's own validator accepts, and prints one JSON object on its last line:

    {"token": ..., "procedure": ..., "agency": ..., "component": ..., "form_data": {...}, ...}

Run by submit.py with the benchmark's environment (DATABASE_URL, MOTCUA_VAR_DIR, ...), from the repo root.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from decimal import Decimal
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from motcua.catalog import eform  # noqa: E402
from motcua.catalog.models import Procedure  # noqa: E402
from motcua.identity.services import citizen_create  # noqa: E402

CITIZEN = {
    "citizen_id": "001090012345",  # Hà Nội, born 1990: matches date_of_birth
    "full_name": "Nguyễn Văn An",
    "date_of_birth": dt.date(1990, 5, 17),
    "phone": "0912345678",
    "email": "an.nguyen@example.vn",
}
PASSWORD = "bench-Mat-khau-2025"


def _bound(value: Any) -> dt.date | None:
    if value == "today":
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _date(spec: dict) -> str:
    low, high = _bound(spec.get("min")), _bound(spec.get("max"))
    day = CITIZEN["date_of_birth"]
    if low and day < low:
        day = low + dt.timedelta(days=7) if not high or low + dt.timedelta(days=7) <= high else low
    if high and day > high:
        day = high
    return day.isoformat()


def _number(spec: dict, kind: str) -> Any:
    low = Decimal(str(spec["min"])) if "min" in spec else Decimal(1)
    high = Decimal(str(spec["max"])) if "max" in spec else None
    value = max(low, Decimal(1)) if high is None else min(max(low, Decimal(1)), high)
    return int(value) if kind == "integer" else str(value)


def _text(spec: dict, default: str) -> str:
    text = default
    while len(text) < int(spec.get("min_length", 0)):
        text += " " + default
    return text[: int(spec.get("max_length", eform.DEFAULT_MAX_LENGTH.get(spec.get("type"), 255)))]


def _address() -> dict:
    province, _name = eform.provinces()[0]
    commune, _name = eform.communes(province)[0]
    return {"province": province, "commune": commune, "street": "Số 12 phố Tràng Tiền"}


def answer(spec: dict) -> Any:
    """A plausible, valid answer to one e-form field."""
    kind = spec.get("type")
    prefill = str(spec.get("prefill", ""))
    if prefill.startswith("identity.") and prefill.removeprefix("identity.") in CITIZEN:
        value = CITIZEN[prefill.removeprefix("identity.")]
        return value.isoformat() if isinstance(value, dt.date) else value
    if kind == "group":
        count = max(int(spec.get("min_items", 0)), 1)
        return [fill(spec.get("fields") or []) for _ in range(count)]
    if kind == "choice":
        return spec["choices"][0]["value"]
    if kind == "multichoice":
        return [c["value"] for c in spec["choices"][: max(int(spec.get("min_items", 1)), 1)]]
    simple = {
        "text": lambda: _text(spec, CITIZEN["full_name"]),
        "textarea": lambda: _text(spec, "Đề nghị cơ quan giải quyết hồ sơ theo quy định."),
        "integer": lambda: _number(spec, "integer"),
        "decimal": lambda: _number(spec, "decimal"),
        "date": lambda: _date(spec),
        "boolean": lambda: True,
        "email": lambda: CITIZEN["email"],
        "phone": lambda: CITIZEN["phone"],
        "citizen_id": lambda: CITIZEN["citizen_id"],
        "tax_code": lambda: "0100109106",
        "enterprise_code": lambda: "0100109106",
        "address": _address,
    }
    return simple[kind]()


def fill(fields: list[dict], *, required_only: bool = False) -> dict:
    return {f["key"]: answer(f) for f in fields if f.get("required") or not required_only}


def valid_answers(procedure: Procedure) -> dict | None:
    """Answers to every field if the validator accepts them, else to the required ones only, else None."""
    fields = procedure.eform_schema.get("fields", [])
    for required_only in (False, True):
        try:
            data = fill(fields, required_only=required_only)
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        if eform.validate_form(procedure.eform_schema, data).is_valid:
            return data
    return None


def pick(code: str | None) -> tuple[Procedure, Any, Any, dict]:
    """The simplest procedure with exactly one required component, a PDF one, that we can answer."""
    procedures = Procedure.objects.filter(is_active=True).prefetch_related("components", "agencies")
    if code:
        procedures = procedures.filter(code=code)
    ranked = []
    for procedure in procedures:
        components = list(procedure.components.all())
        required = [c for c in components if c.required]
        agencies = list(procedure.agencies.all())
        if len(required) != 1 or not agencies:
            continue
        component = required[0]
        formats = [str(f).lower() for f in component.accepted_formats]
        if "pdf" not in formats or component.max_size_mb < 2 or component.signature_requirement != "none":
            continue
        simplicity = (
            procedure.online_level != Procedure.OnlineLevel.FULL,
            len(components),
            len(json.dumps(procedure.eform_schema)),
            procedure.code,
        )
        ranked.append((simplicity, procedure, component, agencies[0]))
    for _simplicity, procedure, component, agency in sorted(ranked, key=lambda item: item[0]):
        data = valid_answers(procedure)
        if data is not None:
            return procedure, component, agency, data
    wanted = f"procedure {code}" if code else "an active procedure"
    raise SystemExit(
        f"no usable {wanted}: need exactly one required component that accepts PDF (>= 2 MB, no signature)"
        " and an e-form this script can answer validly"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--procedure", help="procedure code to submit (default: the simplest usable one)")
    args = parser.parse_args()
    procedure, component, agency, form_data = pick(args.procedure)
    user = citizen_create(**CITIZEN, password=PASSWORD)
    token = Token.objects.create(user=user)
    print(
        json.dumps(
            {
                "token": token.key,
                "procedure": procedure.code,
                "procedure_name": procedure.name,
                "agency": agency.code,
                "component": component.code,
                "form_data": form_data,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
