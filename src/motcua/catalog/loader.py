"""Load the catalog (rule sets, fields, agencies, procedures) from YAML files; see docs/catalog-authoring.md.

A run checks every file first and reports every problem as "file:line: what is wrong"; if there is any,
nothing is written. Otherwise everything is written in one transaction. Running it again with the same
files changes nothing; procedures are never deleted (set `is_active: false` to withdraw one).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog import eform, services, steps
from motcua.catalog.models import Agency, Component, DocumentType, Field, Procedure

ACCEPTED_FORMATS = ("pdf", "jpg", "jpeg", "png", "xml")
TOP_LEVEL_KEYS = ("rule_sets", "fields", "document_types", "agencies", "procedures")
RULE_SET_KEYS = ("code", "name", "effective_from", "params")
FIELD_KEYS = ("code", "name")
DOCUMENT_TYPE_KEYS = ("code", "name", "validity_months")
AGENCY_KEYS = (
    "code", "name", "level", "parent", "province_code", "one_stop_name", "one_stop_address", "phone", "email",
)  # fmt: skip
PROCEDURE_KEYS = (
    "code", "name", "field", "agencies", "online_level", "processing_days", "same_day_cutoff", "description",
    "applicants", "result_type", "legal_basis", "eform", "workflow", "popularity", "is_active", "fees",
    "components",
)  # fmt: skip
FEE_KEYS = ("name", "amount", "note")
COMPONENT_KEYS = (
    "code", "name", "required", "copies", "accepted_formats", "max_size_mb", "signature_requirement",
    "document_type", "note", "satisfied_by",
)  # fmt: skip
PROCEDURE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-]*$")
COMPONENT_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
Path_ = tuple[str | int, ...]


class CatalogError(Exception):
    """The catalog files have problems; nothing was loaded. `problems` lists them as "file:line: …"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadReport:
    files: list[str]
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def summary(self) -> str:
        names = {
            "rule_set": _("bộ quy tắc"),
            "field": _("lĩnh vực"),
            "document_type": _("loại giấy tờ"),
            "agency": _("cơ quan"),
            "procedure": _("thủ tục"),
        }
        lines = [_("Đã đọc %(count)s tệp.") % {"count": len(self.files)}]
        for kind, name in names.items():
            counter = self.counts.get(kind, Counter())
            lines.append(
                _("%(name)s: %(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi.")
                % {
                    "name": name.capitalize(),
                    "created": counter["created"],
                    "updated": counter["updated"],
                    "unchanged": counter["unchanged"],
                }
            )
        return "\n".join(lines)


def load_catalog(paths: Iterable[str | Path], *, actor: Any = None) -> LoadReport:
    """Check, then load, the YAML files at `paths` (files, or folders of *.yaml). Raises CatalogError."""
    problems: list[str] = []
    files = _collect_files(paths, problems)
    catalog = _Catalog(problems)
    for path in files:
        catalog.read_file(path)
    catalog.cross_check()
    if problems:
        raise CatalogError(problems)
    report = LoadReport(files=[str(p) for p in files])
    with transaction.atomic():
        catalog.write(report, actor=actor)
        if problems:  # found while writing (a dropped component still in use): roll everything back
            raise CatalogError(problems)
    return report


# --------------------------------------------------------------------------------------------------
# Files and line numbers


def _collect_files(paths: Iterable[str | Path], problems: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                problems.append(_("%(path)s: thư mục không có tệp .yaml nào.") % {"path": path})
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(_("%(path)s: không tìm thấy tệp hoặc thư mục này.") % {"path": path})
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


@dataclass
class _Source:
    name: str
    lines: dict[Path_, int]

    def line(self, path: Path_) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def _parse(path: Path, problems: list[str]) -> tuple[Any, _Source] | None:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(_("%(file)s:1: tệp phải được lưu với bảng mã UTF-8.") % {"file": name})
        return None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = "; ".join(str(part) for part in (error.context, error.problem) if part)
        problems.append(
            _(
                "%(file)s:%(line)s: lỗi cú pháp YAML ở cột %(column)s (%(detail)s). "
                "Hãy kiểm tra thụt lề, dấu hai chấm và dấu nháy."
            )
            % {
                "file": name,
                "line": mark.line + 1 if mark else 1,
                "column": mark.column + 1 if mark else 1,
                "detail": detail,
            }
        )
        return None
    except (yaml.YAMLError, ValueError) as error:  # e.g. a date such as 2025-13-45
        problems.append(_("%(file)s:1: YAML không đọc được: %(detail)s.") % {"file": name, "detail": error})
        return None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _map_lines(node, (), lines, problems, name)
    return data, _Source(name=name, lines=lines)


def _map_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], problems: list[str], name: str) -> None:
    """Record the line of every mapping key and sequence item; flag keys repeated in one mapping."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    _(
                        "%(file)s:%(line)s: khóa “%(key)s” lặp lại trong cùng một bảng "
                        "(đã có ở dòng %(first)s)."
                    )
                    % {"file": name, "line": line, "key": key, "first": seen[key]}
                )
            seen.setdefault(key, line)
            lines[(*path, key)] = line
            _map_lines(value_node, (*path, key), lines, problems, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*path, index), lines, problems, name)


def _format_key(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _jsonable(value: Any) -> Any:
    """YAML dates inside JSON data (e-form bounds, rule-set params) become ISO strings."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------------
# Reading one mapping with its problems


class _Reader:
    """Reads one YAML mapping (an agency, a procedure, a component…), recording each problem with its line."""

    def __init__(
        self, catalog: _Catalog, source: _Source, path: Path_, subject: str, data: Any, prefix: Path_ = ()
    ) -> None:
        self.catalog, self.source, self.path, self.subject, self.prefix = (
            catalog,
            source,
            path,
            subject,
            prefix,
        )
        self.data = data if isinstance(data, Mapping) else {}
        self.ok = isinstance(data, Mapping)
        if not self.ok:
            self.problem((), _("phải là một bảng các khóa (key: giá trị)."))

    def problem(self, key: Path_, message: str) -> None:
        where = _format_key((*self.prefix, *key))
        subject = f"{self.subject}, {where}" if where else self.subject
        line = self.source.line((*self.path, *key))
        self.catalog.problems.append(f"{self.source.name}:{line}: {subject}: {message}")
        self.ok = False

    def child(self, key: Path_, data: Any) -> _Reader:
        return _Reader(
            self.catalog, self.source, (*self.path, *key), self.subject, data, (*self.prefix, *key)
        )

    def only(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                self.problem(
                    (key,),
                    _("khóa này không dùng ở đây (viết sai?). Các khóa dùng được: %(allowed)s.")
                    % {"allowed": ", ".join(allowed)},
                )

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problem((key,), _("thiếu “%(key)s”.") % {"key": key})
            return ""
        if isinstance(value, float):
            self.problem(
                (key,),
                _(
                    "“%(key)s” bị YAML đọc thành số %(value)s; hãy đặt trong dấu nháy, "
                    'ví dụ %(key)s: "1.001193".'
                )
                % {"key": key, "value": value},
            )
            return ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.problem((key,), _("“%(key)s” phải là chữ.") % {"key": key})
            return ""
        text = str(value).strip()
        if max_length and len(text) > max_length:
            self.problem(
                (key,),
                _("“%(key)s” dài %(count)s ký tự, tối đa %(max)s.")
                % {"key": key, "count": len(text), "max": max_length},
            )
        return text

    def integer(self, key: str, *, default: int, minimum: int = 0, maximum: int | None = None) -> int:
        value = self.data.get(key, default)
        if isinstance(value, float):
            self.problem(
                (key,),
                _(
                    "“%(key)s” phải là số nguyên, viết liền không có dấu chấm "
                    "(YAML đọc 200.000 thành 200,0); "
                    "ví dụ %(key)s: 200000."
                )
                % {"key": key},
            )
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem((key,), _("“%(key)s” phải là số nguyên.") % {"key": key})
            return default
        if value < minimum or (maximum is not None and value > maximum):
            bounds = {"key": key, "min": minimum, "max": maximum, "value": value}
            if maximum is None:
                self.problem((key,), _("“%(key)s” phải từ %(min)s trở lên (đang là %(value)s).") % bounds)
            else:
                self.problem((key,), _("“%(key)s” phải từ %(min)s đến %(max)s (đang là %(value)s).") % bounds)
            return default
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problem((key,), _("“%(key)s” phải là true hoặc false.") % {"key": key})
            return default
        return value

    def choice(self, key: str, options: Iterable[str], *, default: str | None = None) -> str:
        options = tuple(options)
        value = self.data.get(key, default)
        if value is None:
            self.problem(
                (key,),
                _("thiếu “%(key)s”; dùng một trong: %(options)s.")
                % {"key": key, "options": ", ".join(options)},
            )
            return options[0]
        if value not in options:
            self.problem(
                (key,),
                _("“%(key)s” là “%(value)s”, phải là một trong: %(options)s.")
                % {"key": key, "value": value, "options": ", ".join(options)},
            )
            return default or options[0]
        return str(value)

    def date(self, key: str) -> datetime.date | None:
        value = self.data.get(key)
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem((key,), _("“%(key)s” phải là một ngày dạng 2025-07-01.") % {"key": key})
        return None

    def time_of_day(self, key: str) -> datetime.time | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str) and (match := TIME_OF_DAY.match(value.strip())):
            return datetime.time(int(match.group(1)), int(match.group(2)))
        if isinstance(value, int) and not isinstance(value, bool):
            hint = _("YAML đọc giờ không có dấu nháy thành số; ")
        else:
            hint = ""
        self.problem(
            (key,),
            hint + _('“%(key)s” phải là giờ:phút trong dấu nháy, ví dụ %(key)s: "15:00".') % {"key": key},
        )
        return None

    def items(self, key: str) -> list[tuple[int, Any]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(
                (key,), _("“%(key)s” phải là một danh sách (mỗi mục bắt đầu bằng “- ”).") % {"key": key}
            )
            return []
        return list(enumerate(value))


# --------------------------------------------------------------------------------------------------
# The whole run


@dataclass
class _Entry:
    kind: str
    code: str
    source: _Source
    path: Path_
    values: dict[str, Any]
    subject: str


class _Catalog:
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.entries: dict[str, dict[str, _Entry]] = {
            kind: {} for kind in ("rule_set", "field", "document_type", "agency", "procedure")
        }

    # ---- reading

    def read_file(self, path: Path) -> None:
        parsed = _parse(path, self.problems)
        if parsed is None:
            return
        data, source = parsed
        if data is None:
            return
        if not isinstance(data, Mapping):
            self.problems.append(
                _("%(file)s:1: tệp phải là một bảng với các khóa: %(keys)s.")
                % {"file": source.name, "keys": ", ".join(TOP_LEVEL_KEYS)}
            )
            return
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                self.problems.append(
                    _("%(file)s:%(line)s: khóa “%(key)s” không dùng ở đầu tệp. Các khóa dùng được: %(keys)s.")
                    % {
                        "file": source.name,
                        "line": source.line((key,)),
                        "key": key,
                        "keys": ", ".join(TOP_LEVEL_KEYS),
                    }
                )
        readers = {
            "rule_sets": ("rule_set", _("bộ quy tắc"), self._read_rule_set),
            "fields": ("field", _("lĩnh vực"), self._read_field),
            "document_types": ("document_type", _("loại giấy tờ"), self._read_document_type),
            "agencies": ("agency", _("cơ quan"), self._read_agency),
            "procedures": ("procedure", _("thủ tục"), self._read_procedure),
        }
        for top, (kind, noun, read) in readers.items():
            section = data.get(top)
            if section is None:
                continue
            if not isinstance(section, list):
                self.problems.append(
                    _("%(file)s:%(line)s: “%(key)s” phải là một danh sách (mỗi mục bắt đầu bằng “- ”).")
                    % {"file": source.name, "line": source.line((top,)), "key": top}
                )
                continue
            for index, item in enumerate(section):
                code = item.get("code") if isinstance(item, Mapping) else None
                shown = code if isinstance(code, str) and code else f"#{index + 1}"
                subject = f"{noun} {shown}"
                reader = _Reader(self, source, (top, index), subject, item)
                if not reader.ok:
                    continue
                values = read(reader)
                # Kept even with problems, so that its references are checked too: every problem at once.
                if not values or not values["code"]:
                    continue
                self._add(kind, _Entry(kind, values["code"], source, (top, index), values, subject))

    def _add(self, kind: str, entry: _Entry) -> None:
        first = self.entries[kind].get(entry.code)
        if first is not None:
            self.problems.append(
                _("%(file)s:%(line)s: %(subject)s: mã này đã được khai ở %(first_file)s:%(first_line)s.")
                % {
                    "file": entry.source.name,
                    "line": entry.source.line(entry.path),
                    "subject": entry.subject,
                    "first_file": first.source.name,
                    "first_line": first.source.line(first.path),
                }
            )
            return
        self.entries[kind][entry.code] = entry

    def _read_rule_set(self, r: _Reader) -> dict[str, Any] | None:
        r.only(RULE_SET_KEYS)
        code = r.text("code", required=True, max_length=40)
        name = r.text("name", required=True, max_length=255)
        effective_from = r.date("effective_from")
        params = r.data.get("params", {})
        if not isinstance(params, Mapping):
            r.problem(("params",), _("“params” phải là một bảng tham số."))
            params = {}
        params = _jsonable(params)
        check_hours = params.get("check_hours")
        if check_hours is not None and (
            isinstance(check_hours, bool) or not isinstance(check_hours, int) or check_hours <= 0
        ):
            r.problem(("params", "check_hours"), _("“check_hours” phải là số giờ làm việc, số nguyên dương."))
        cutoff = params.get("same_day_cutoff")
        if cutoff is not None and not (isinstance(cutoff, str) and TIME_OF_DAY.match(cutoff)):
            r.problem(
                ("params", "same_day_cutoff"),
                _('“same_day_cutoff” phải là giờ:phút trong dấu nháy, ví dụ "15:00".'),
            )
        code_format = params.get("dossier_code_format")
        if code_format is not None and not (isinstance(code_format, str) and "{seq" in code_format):
            r.problem(
                ("params", "dossier_code_format"),
                _('“dossier_code_format” phải có {seq…}, ví dụ "{agency}-{yymmdd}-{seq:04d}".'),
            )
        return {"code": code, "name": name, "effective_from": effective_from, "params": params}

    def _read_field(self, r: _Reader) -> dict[str, Any] | None:
        r.only(FIELD_KEYS)
        return {
            "code": r.text("code", required=True, max_length=40),
            "name": r.text("name", required=True, max_length=255),
        }

    def _read_document_type(self, r: _Reader) -> dict[str, Any] | None:
        r.only(DOCUMENT_TYPE_KEYS)
        code = r.text("code", required=True, max_length=60)
        if code and not COMPONENT_CODE.match(code):
            r.problem(
                ("code",),
                _(
                    "mã loại giấy tờ chỉ gồm chữ không dấu, số, gạch dưới, gạch ngang (ví dụ giay_chung_sinh)."
                ),
            )
        months = r.integer("validity_months", default=0, minimum=0, maximum=1200)
        return {
            "code": code,
            "name": r.text("name", required=True, max_length=255),
            "validity_months": months or None,
        }

    def _read_agency(self, r: _Reader) -> dict[str, Any] | None:
        r.only(AGENCY_KEYS)
        values: dict[str, Any] = {
            "code": r.text("code", required=True, max_length=40),
            "name": r.text("name", required=True, max_length=255),
            "level": r.choice("level", Agency.Level.values),
            "parent": r.text("parent", max_length=40) or None,
            "one_stop_name": r.text("one_stop_name", required=True, max_length=255),
            "one_stop_address": r.text("one_stop_address", max_length=255),
            "phone": "",
            "email": r.text("email", max_length=254),
            "province_code": None,
        }
        if r.data.get("province_code") is not None:
            province_code = r.integer("province_code", default=0, minimum=1)
            if province_code and province_code not in dict(eform.provinces()):
                r.problem(
                    ("province_code",),
                    _("không có tỉnh, thành phố mã %(code)s trong danh mục 34 tỉnh, thành phố hiện hành.")
                    % {"code": province_code},
                )
            values["province_code"] = province_code or None
        phone = r.text("phone", max_length=32)
        if phone:
            try:
                values["phone"] = eform.normalise_phone(phone)
            except ValidationError as error:
                r.problem(("phone",), " ".join(error.messages))
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                r.problem(("email",), _("“email” không đúng dạng địa chỉ thư điện tử."))
        if values["parent"] and values["parent"] == values["code"]:
            r.problem(("parent",), _("một cơ quan không thể là cấp trên của chính nó."))
        return values

    def _read_procedure(self, r: _Reader) -> dict[str, Any] | None:
        r.only(PROCEDURE_KEYS)
        code = r.text("code", required=True, max_length=20)
        if code and not PROCEDURE_CODE.match(code):
            r.problem(("code",), _("mã thủ tục chỉ gồm chữ, số, dấu chấm, gạch ngang, ví dụ “1.001193”."))
        values: dict[str, Any] = {
            "code": code,
            "name": r.text("name", required=True, max_length=500),
            "field": r.text("field", required=True, max_length=40),
            "agencies": [],
            "online_level": r.choice("online_level", Procedure.OnlineLevel.values),
            "processing_days": r.integer("processing_days", default=0, maximum=32767),
            "same_day_cutoff": r.time_of_day("same_day_cutoff"),
            "description": r.text("description"),
            "applicants": r.text("applicants"),
            "result_type": r.text("result_type", required=True, max_length=500),
            "legal_basis": r.text("legal_basis", required=True),
            "popularity": r.integer("popularity", default=0, maximum=2**31 - 1),
            "is_active": r.boolean("is_active", default=True),
        }
        if "processing_days" not in r.data:
            r.problem(("processing_days",), _("thiếu “processing_days” (số ngày làm việc; 0 là trong ngày)."))
        if values["same_day_cutoff"] is not None and values["processing_days"] != 0:
            r.problem(
                ("same_day_cutoff",),
                _("“same_day_cutoff” chỉ dùng cho thủ tục giải quyết trong ngày (processing_days: 0)."),
            )
        agencies = r.data.get("agencies")
        if not isinstance(agencies, list) or not agencies:
            r.problem(("agencies",), _("“agencies” phải là danh sách mã cơ quan thực hiện, ít nhất một mã."))
        else:
            for index, agency in enumerate(agencies):
                if not isinstance(agency, str) or not agency.strip():
                    r.problem(("agencies", index), _("mỗi cơ quan là một mã, ví dụ “000.00.31.H26”."))
                elif agency in values["agencies"]:
                    r.problem(("agencies", index), _("cơ quan “%(code)s” bị lặp.") % {"code": agency})
                else:
                    values["agencies"].append(agency.strip())
        schema = _jsonable(r.data.get("eform") or {})
        for path, message in eform.schema_problems(schema):
            r.problem(("eform", *path), message)
        values["eform_schema"] = schema
        # A wrong processing_days has its own problem already; a sum checked against it would mislead.
        raw_days = r.data.get("processing_days")
        days_ok = type(raw_days) is int and raw_days == values["processing_days"]
        workflow, workflow_problems = steps.clean_workflow(
            r.data.get("workflow"), processing_days=values["processing_days"] if days_ok else None
        )
        for path, message in workflow_problems:
            r.problem(("workflow", *path), message)
        if workflow:  # only then: the source hash of a procedure without one stays what it was
            values["workflow"] = workflow
        values["fees"] = [self._read_fee(r.child(("fees", i), item)) for i, item in r.items("fees")]
        components = [
            self._read_component(r.child(("components", i), item)) for i, item in r.items("components")
        ]
        seen: set[str] = set()
        for index, component in enumerate(components):
            if component["code"] in seen:
                r.problem(
                    ("components", index, "code"),
                    _("mã thành phần “%(code)s” bị lặp.") % {"code": component["code"]},
                )
            seen.add(component["code"])
        values["components"] = components
        return values

    def _read_fee(self, r: _Reader) -> services.FeeSpec:
        r.only(FEE_KEYS)
        if "amount" not in r.data:
            r.problem(("amount",), _("thiếu “amount” (số tiền, đồng; 0 nếu miễn)."))
        return {
            "name": r.text("name", required=True, max_length=255),
            "amount": r.integer("amount", default=0, maximum=2**31 - 1),
            "note": r.text("note"),
        }

    def _read_component(self, r: _Reader) -> services.ComponentSpec:
        r.only(COMPONENT_KEYS)
        code = r.text("code", required=True, max_length=60)
        if code and not COMPONENT_CODE.match(code):
            r.problem(
                ("code",),
                _("mã thành phần chỉ gồm chữ không dấu, số, gạch dưới, gạch ngang (ví dụ to_khai)."),
            )
        formats = r.data.get("accepted_formats", ["pdf", "jpg", "png"])
        if not isinstance(formats, list) or not formats:
            r.problem(
                ("accepted_formats",), _("“accepted_formats” phải là danh sách, ví dụ [pdf, jpg, png].")
            )
            formats = ["pdf"]
        normalised: list[str] = []
        for index, item in enumerate(formats):
            text = str(item).strip().lower().lstrip(".")
            if text not in ACCEPTED_FORMATS:
                r.problem(
                    ("accepted_formats", index),
                    _("định dạng “%(format)s” không hỗ trợ; dùng: %(formats)s.")
                    % {"format": item, "formats": ", ".join(ACCEPTED_FORMATS)},
                )
            elif text not in normalised:
                normalised.append(text)
        cap_mb = max(1, settings.MOTCUA_MAX_UPLOAD_BYTES // (1024 * 1024))
        return {
            "code": code,
            "name": r.text("name", required=True, max_length=500),
            "required": r.boolean("required", default=True),
            "copies": r.integer("copies", default=1, minimum=1, maximum=100),
            "accepted_formats": normalised,
            "max_size_mb": r.integer("max_size_mb", default=min(10, cap_mb), minimum=1, maximum=cap_mb),
            "signature_requirement": r.choice(
                "signature_requirement", Component.Signature.values, default=Component.Signature.NONE
            ),
            "document_type": r.text("document_type", max_length=60),
            "note": r.text("note"),
            "satisfied_by": self._satisfied_by(r),
        }

    def _satisfied_by(self, r: _Reader) -> str:
        """A connector whose database replaces the document (R-ONCE-2), or ""."""
        from motcua.connectors.registry import registry

        name = r.text("satisfied_by", max_length=40)
        if name and name not in registry:
            r.problem(
                ("satisfied_by",),
                _("“satisfied_by”: không có nguồn dữ liệu “%(name)s”. Các nguồn dùng được: %(known)s.")
                % {"name": name, "known": ", ".join(registry.names())},
            )
            return ""
        return name

    # ---- references between entries, in the files or already in the database

    def cross_check(self) -> None:
        agencies = self.entries["agency"]
        known_agencies = set(agencies) | set(
            Agency.objects.filter(code__in=self._referenced_agency_codes()).values_list("code", flat=True)
        )
        fields = self.entries["field"]
        wanted_fields = {e.values["field"] for e in self.entries["procedure"].values()}
        known_fields = set(fields) | set(
            Field.objects.filter(code__in=wanted_fields).values_list("code", flat=True)
        )
        wanted_types = {
            c["document_type"]
            for e in self.entries["procedure"].values()
            for c in e.values["components"]
            if c.get("document_type")
        }
        known_types = set(self.entries["document_type"]) | set(
            DocumentType.objects.filter(code__in=wanted_types).values_list("code", flat=True)
        )
        for entry in agencies.values():
            parent = entry.values["parent"]
            if parent and parent not in known_agencies:
                self._problem(
                    entry,
                    ("parent",),
                    _("cơ quan cấp trên “%(code)s” không có trong danh mục.") % {"code": parent},
                )
        for entry in self._agencies_in_cycle():
            self._problem(
                entry, ("parent",), _("các cơ quan là cấp trên của nhau thành vòng; hãy sửa “parent”.")
            )
        for entry in self.entries["procedure"].values():
            if entry.values["field"] not in known_fields:
                self._problem(
                    entry,
                    ("field",),
                    _("lĩnh vực “%(code)s” không có; hãy khai nó trong “fields”.")
                    % {"code": entry.values["field"]},
                )
            for index, component in enumerate(entry.values["components"]):
                document_type = component.get("document_type")
                if document_type and document_type not in known_types:
                    self._problem(
                        entry,
                        ("components", index, "document_type"),
                        _("loại giấy tờ “%(code)s” không có; hãy khai nó trong “document_types”.")
                        % {"code": document_type},
                    )
            for index, code in enumerate(entry.values["agencies"]):
                if code not in known_agencies:
                    self._problem(
                        entry,
                        ("agencies", index),
                        _("cơ quan “%(code)s” không có; hãy khai nó trong “agencies”.") % {"code": code},
                    )

    def _referenced_agency_codes(self) -> set[str]:
        codes = {e.values["parent"] for e in self.entries["agency"].values() if e.values["parent"]}
        for entry in self.entries["procedure"].values():
            codes.update(entry.values["agencies"])
        return codes

    def _agencies_in_cycle(self) -> list[_Entry]:
        agencies = self.entries["agency"]
        in_cycle = []
        for entry in agencies.values():
            seen, current = {entry.code}, entry.values["parent"]
            while current in agencies:
                if current == entry.code:
                    in_cycle.append(entry)
                    break
                if current in seen:
                    break
                seen.add(current)
                current = agencies[current].values["parent"]
        return in_cycle

    def _problem(self, entry: _Entry, key: Path_, message: str) -> None:
        where = _format_key(key)
        line = entry.source.line((*entry.path, *key))
        self.problems.append(f"{entry.source.name}:{line}: {entry.subject}, {where}: {message}")

    # ---- writing (inside the run's transaction)

    def write(self, report: LoadReport, *, actor: Any) -> None:
        for entry in self.entries["rule_set"].values():
            _rule_set, outcome = services.rule_set_upsert(**entry.values, actor=actor)
            report.count("rule_set", outcome)
        fields = {}
        for entry in self.entries["field"].values():
            fields[entry.code], outcome = services.field_upsert(**entry.values, actor=actor)
            report.count("field", outcome)
        for entry in self.entries["document_type"].values():
            _document_type, outcome = services.document_type_upsert(**entry.values, actor=actor)
            report.count("document_type", outcome)
        agencies: dict[str, Agency] = {}
        for entry in self._agencies_parents_first():
            values = dict(entry.values)
            parent_code = values.pop("parent")
            parent = agencies.get(parent_code) or (
                Agency.objects.get(code=parent_code) if parent_code else None
            )
            agencies[entry.code], outcome = services.agency_upsert(**values, parent=parent, actor=actor)
            report.count("agency", outcome)
        for entry in self.entries["procedure"].values():
            values = dict(entry.values)
            field = fields.get(values["field"]) or Field.objects.get(code=values["field"])
            procedure_agencies = [agencies.get(c) or Agency.objects.get(code=c) for c in values["agencies"]]
            values["source_hash"] = _source_hash(values, field.name, [a.name for a in procedure_agencies])
            values["field"], values["agencies"] = field, procedure_agencies
            try:
                _procedure, outcome = services.procedure_upsert(**values, actor=actor)
            except services.ComponentInUse as error:
                self._problem(
                    entry,
                    ("components",),
                    _(
                        "không thể bỏ thành phần %(codes)s vì đã có hồ sơ nộp kèm giấy tờ này. "
                        "Hãy giữ lại thành phần (có thể đặt required: false)."
                    )
                    % {"codes": ", ".join(f"“{c}”" for c in error.component_codes)},
                )
                continue
            report.count("procedure", outcome)

    def _agencies_parents_first(self) -> list[_Entry]:
        pending = dict(self.entries["agency"])
        ordered: list[_Entry] = []
        while pending:
            ready = [e for e in pending.values() if e.values["parent"] not in pending] or list(
                pending.values()
            )
            for entry in ready:
                ordered.append(entry)
                del pending[entry.code]
        return ordered


def _source_hash(values: Mapping[str, Any], field_name: str, agency_names: list[str]) -> str:
    """What a procedure row is made from: its YAML values plus the names that go into its search text."""
    content = {"values": values, "field_name": field_name, "agency_names": agency_names}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
