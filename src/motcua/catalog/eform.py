"""The e-form engine: a procedure's form is a schema (a dict kept in Procedure.eform_schema).

    {"fields": [{"key": "ho_ten", "type": "text", "label": "Họ và tên", "required": true}, ...]}

A field has `key`, `type` and `label`, and may have `required`, `help`, `choices` ([{value, label}]),
`min`/`max` (integer, decimal, date; a date bound may be "today"), `min_length`/`max_length` (text,
textarea), `min_items`/`max_items` (group, multichoice), `visible_when` ({"field": key, "equals": v} or
{"field": key, "in": [...]}, pointing to a field declared above it, at the same level or, inside a group,
at the top level), `fields` (the sub-fields of a group), `prefill` (where a top-level field's value comes from:
"identity.full_name" from the applicant's account, "population.permanent_residence" or "business.name" from
a state database through motcua.connectors; the field is then filled in and not editable) and, for citizen_id, `birth_date_field` (a date field at the same level whose year
must match the year encoded in the number).

`validate_schema` checks an author's schema; `validate_form` checks an applicant's answers and returns
every problem at once, keyed by field path ("ho_ten", "thanh_vien.0.so_dinh_danh", "dia_chi.commune").
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.vn import mst
from vietnam_provinces import Province, Ward

from motcua.catalog.text import fold

FIELD_TYPES = (
    "text",
    "textarea",
    "integer",
    "decimal",
    "date",
    "choice",
    "multichoice",
    "boolean",
    "email",
    "phone",
    "citizen_id",
    "tax_code",
    "enterprise_code",  # the same check as tax_code: one number, two names in the law
    "address",
    "group",
)
FIELD_ATTRIBUTES = frozenset(
    {
        "key", "type", "label", "required", "help", "choices", "min", "max", "min_length", "max_length",
        "visible_when", "fields", "min_items", "max_items", "prefill", "birth_date_field",
    }
)  # fmt: skip
DEFAULT_MAX_LENGTH = {"text": 255, "textarea": 5000}
STREET_MAX_LENGTH = 255
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

# Birthplace codes that open a 12-digit personal identification number (Circular 07/2016/TT-BCA, amended
# by Circular 59/2021/TT-BCA): the 63 provinces as they were before the July 2025 merger. Numbers already
# issued keep them, so they stay valid whatever the current list of provinces.
CITIZEN_ID_PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
    "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip

_TRUE_WORDS = frozenset({"true", "on", "1", "yes", "y", "co", "có"})
_FALSE_WORDS = frozenset({"false", "off", "0", "no", "n", "khong", "không"})
_EMPTY_DISPLAY = "—"
_INVALID = object()  # what a cleaner returns for an answer it refused (None is a valid "no answer")


# --------------------------------------------------------------------------------------------------
# Results


@dataclass
class FormResult:
    """What validate_form found: the cleaned (JSON-serialisable) answers and every problem by field path."""

    cleaned: dict[str, Any]
    errors: dict[str, list[str]]

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class DisplayField:
    """One answer as a person reads it; a group carries its items, each a tuple of DisplayFields."""

    key: str
    path: str
    label: str
    value: str
    items: tuple[tuple[DisplayField, ...], ...] = field(default=())


# --------------------------------------------------------------------------------------------------
# Validators usable on their own (they raise django.core.exceptions.ValidationError in Vietnamese)


def validate_citizen_id(value: Any, *, label: str | None = None) -> str:
    """Return the 12-digit personal identification number, or raise ValidationError saying what is wrong."""
    label = label or _("Số định danh cá nhân")
    text = _scalar_text(value, label=label)
    compact = re.sub(r"[\s.\-]", "", text)
    if not re.fullmatch(r"[0-9]+", compact):
        raise ValidationError(
            _("%(label)s chỉ gồm chữ số (0–9). Bạn đã nhập “%(value)s”.")
            % {"label": label, "value": _shorten(text)}
        )
    if len(compact) != 12:
        raise ValidationError(
            _("%(label)s phải gồm đúng 12 chữ số. Bạn đã nhập %(count)s chữ số.")
            % {"label": label, "count": len(compact)}
        )
    if compact[:3] not in CITIZEN_ID_PROVINCES:
        raise ValidationError(
            _(
                "Ba chữ số đầu của %(label)s (%(code)s) không phải mã tỉnh, thành phố nơi đăng ký khai sinh. "
                "Hãy kiểm tra lại số in trên thẻ căn cước."
            )
            % {"label": _lower_first(label), "code": compact[:3]}
        )
    year = citizen_id_birth_year(compact)
    if year > timezone.localdate().year:
        raise ValidationError(
            _(
                "Chữ số thứ 4 đến thứ 6 của %(label)s cho năm sinh %(year)s, là năm chưa tới. "
                "Hãy kiểm tra lại số in trên thẻ căn cước."
            )
            % {"label": _lower_first(label), "year": year}
        )
    return compact


def citizen_id_birth_year(citizen_id: str) -> int:
    """The birth year encoded in a 12-digit number: digit 4 gives the century (0/1 = 1900s, 2/3 = 2000s…)."""
    century = 1900 + (int(citizen_id[3]) // 2) * 100
    return century + int(citizen_id[4:6])


def normalise_phone(value: Any, *, label: str | None = None) -> str:
    """Return a Vietnamese phone number as 0xxxxxxxxx (mobile) or 02xxxxxxxxx (landline); +84 becomes 0."""
    label = label or _("Số điện thoại")
    text = _scalar_text(value, label=label)
    compact = re.sub(r"[\s.\-()]", "", text)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("0084"):
        compact = "0" + compact[4:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    if not re.fullmatch(r"[0-9]+", compact):
        raise ValidationError(
            _("%(label)s chỉ gồm chữ số, có thể bắt đầu bằng +84. Bạn đã nhập “%(value)s”.")
            % {"label": label, "value": _shorten(text)}
        )
    if re.fullmatch(r"0[35789][0-9]{8}", compact) or re.fullmatch(r"02[0-9]{9}", compact):
        return compact
    raise ValidationError(
        _(
            "%(label)s không đúng. Số di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 "
            "(ví dụ 0912345678); số cố định gồm 11 chữ số, bắt đầu bằng 02 (ví dụ 02438253536). "
            "Bạn đã nhập “%(value)s”."
        )
        % {"label": label, "value": _shorten(text)}
    )


def validate_enterprise_code(value: Any, *, label: str | None = None) -> str:
    """Return an enterprise / tax code (10 or 13 digits, check digit verified) without separators."""
    label = label or _("Mã số doanh nghiệp, mã số thuế")
    text = _scalar_text(value, label=label)
    compact = mst.compact(text)
    if not re.fullmatch(r"[0-9]+", compact):
        raise ValidationError(
            _(
                "%(label)s chỉ gồm chữ số; chi nhánh có thêm 3 số sau dấu gạch ngang (ví dụ 0100109106-001). "
                "Bạn đã nhập “%(value)s”."
            )
            % {"label": label, "value": _shorten(text)}
        )
    try:
        return mst.validate(compact)
    except stdnum_exceptions.InvalidLength:
        message = _(
            "%(label)s phải gồm 10 chữ số, hoặc 13 chữ số với chi nhánh, đơn vị phụ thuộc "
            "(ví dụ 0100109106 hoặc 0100109106-001). Bạn đã nhập %(count)s chữ số."
        ) % {"label": label, "count": len(compact)}
    except stdnum_exceptions.InvalidChecksum:
        message = _(
            "%(label)s “%(value)s” có chữ số kiểm tra (chữ số thứ 10) không khớp. "
            "Hãy soát lại từng chữ số theo giấy chứng nhận đăng ký."
        ) % {"label": label, "value": _shorten(text)}
    except stdnum_exceptions.ValidationError:
        message = _(
            "%(label)s “%(value)s” không phải một mã đã cấp (7 chữ số giữa hoặc 3 chữ số chi nhánh "
            "không được toàn số 0). Hãy soát lại theo giấy chứng nhận đăng ký."
        ) % {"label": label, "value": _shorten(text)}
    raise ValidationError(message)


# --------------------------------------------------------------------------------------------------
# The address widget's lists (the post-July-2025 list: 34 provinces and their communes)


@functools.cache
def provinces() -> list[tuple[int, str]]:
    """Every current province and centrally-run city as (code, name), in the official code order."""
    return sorted((int(p.code), p.name) for p in Province.iter_all())


@functools.cache
def communes(province_code: int) -> list[tuple[int, str]]:
    """The communes, wards and special zones of a province as (code, name), alphabetical; [] if unknown."""
    found = [(int(w.code), w.name) for w in Ward.iter_by_province(province_code)]  # type: ignore[arg-type]
    return sorted(found, key=lambda item: fold(item[1]))


def _province_name(code: int) -> str | None:
    try:
        return Province.from_code(code).name  # type: ignore[arg-type]
    except ValueError:
        return None


def _ward(code: int) -> Ward | None:
    try:
        return Ward.from_code(code)  # type: ignore[arg-type]
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------
# Checking an author's schema


def schema_problems(schema: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Every problem in a schema as (path inside the schema, message); the loader maps paths to lines."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if schema is None or schema == {}:
        return problems
    if not isinstance(schema, Mapping):
        return [((), _("Tờ khai phải là một bảng có khóa “fields” (danh sách các trường)."))]
    for extra in sorted(set(schema) - {"fields"}, key=str):
        problems.append(
            ((extra,), _("Khóa “%(key)s” không dùng trong tờ khai; chỉ có “fields”.") % {"key": extra})
        )
    fields = schema.get("fields")
    if not isinstance(fields, list):
        problems.append((("fields",), _("“fields” phải là danh sách các trường của tờ khai.")))
        return problems
    _check_fields(fields, ("fields",), problems, outer=None)
    return problems


def validate_schema(schema: Any) -> list[str]:
    """Every problem in an author's schema, each as "fields[2].type: …" in Vietnamese; [] when it is good."""
    return [
        f"{_format_path(path)}: {message}" if path else message for path, message in schema_problems(schema)
    ]


def _check_fields(
    fields: list[Any],
    path: tuple[str | int, ...],
    problems: list[tuple[tuple[str | int, ...], str]],
    outer: Mapping[str, Mapping[str, Any]] | None,
) -> None:
    def problem(at: tuple[str | int, ...], message: str) -> None:
        problems.append((at, message))

    level_types = {
        f.get("key"): f.get("type")
        for f in fields
        if isinstance(f, Mapping) and isinstance(f.get("key"), str)
    }
    declared: dict[str, Mapping[str, Any]] = {}
    for index, spec in enumerate(fields):
        at = (*path, index)
        if not isinstance(spec, Mapping):
            problem(at, _("Mỗi trường phải là một bảng có key, type, label."))
            continue
        key = spec.get("key")
        name = key if isinstance(key, str) else "?"
        for attribute in sorted(set(spec) - FIELD_ATTRIBUTES, key=str):
            problem(
                (*at, attribute),
                _("Trường “%(key)s”: thuộc tính “%(attr)s” không có. Các thuộc tính dùng được: %(known)s.")
                % {"key": name, "attr": attribute, "known": ", ".join(sorted(FIELD_ATTRIBUTES))},
            )
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            problem(
                (*at, "key"),
                _(
                    "Trường thứ %(n)s: “key” phải là chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng "
                    "chữ cái, tối đa 60 ký tự (ví dụ ho_ten). Đang là “%(key)s”."
                )
                % {"n": index + 1, "key": key},
            )
        elif key in declared:
            problem(
                (*at, "key"),
                _("Trường “%(key)s” bị khai báo hai lần; mỗi key chỉ dùng một lần.") % {"key": key},
            )
        kind = spec.get("type")
        if kind not in FIELD_TYPES:
            problem(
                (*at, "type"),
                _("Trường “%(key)s”: kiểu “%(type)s” không có. Dùng một trong: %(types)s.")
                % {"key": name, "type": kind, "types": ", ".join(FIELD_TYPES)},
            )
        label = spec.get("label")
        if not isinstance(label, str) or not label.strip():
            problem(
                (*at, "label"),
                _("Trường “%(key)s”: thiếu “label” (nhãn hiển thị cho người khai).") % {"key": name},
            )
        if "required" in spec and not isinstance(spec["required"], bool):
            problem(
                (*at, "required"), _("Trường “%(key)s”: “required” phải là true hoặc false.") % {"key": name}
            )
        for text_attr in ("help", "prefill"):
            if text_attr in spec and not isinstance(spec[text_attr], str):
                problem(
                    (*at, text_attr),
                    _("Trường “%(key)s”: “%(attr)s” phải là chữ.") % {"key": name, "attr": text_attr},
                )
        if isinstance(spec.get("prefill"), str) and (wrong := _prefill_problem(spec["prefill"])):
            problem((*at, "prefill"), _("Trường “%(key)s”: %(problem)s") % {"key": name, "problem": wrong})
        _check_type_attributes(spec, name, kind, at, problem, level_types)
        if "visible_when" in spec:
            _check_visible_when(spec["visible_when"], name, (*at, "visible_when"), problem, declared, outer)
        if kind == "group":
            sub = spec.get("fields")
            if outer is not None:
                problem((*at, "type"), _("Trường “%(key)s”: không đặt nhóm trong nhóm.") % {"key": name})
            elif not isinstance(sub, list) or not sub:
                problem(
                    (*at, "fields"),
                    _("Nhóm “%(key)s” cần danh sách “fields” có ít nhất một trường.") % {"key": name},
                )
            else:
                _check_fields(sub, (*at, "fields"), problems, outer=declared)
        elif "fields" in spec:
            problem((*at, "fields"), _("Trường “%(key)s”: chỉ kiểu group mới có “fields”.") % {"key": name})
        if isinstance(key, str) and key not in declared:
            declared[key] = spec


def _prefill_problem(source: str) -> str | None:
    """Why `prefill` names no known source: the account ("identity.*") or a connector ("population.*")."""
    from motcua.connectors.registry import prefill_problem  # late: the registry imports no e-form, but
    # dossiers' services do, and the registry's check reads their list of account attributes

    return prefill_problem(source)


def _check_type_attributes(
    spec: Mapping[str, Any],
    name: str,
    kind: Any,
    at: tuple[str | int, ...],
    problem: Any,
    level_types: Mapping[Any, Any],
) -> None:
    def only_for(attr: str, kinds: Iterable[str]) -> bool:
        if attr not in spec:
            return False
        if kind not in kinds:
            problem(
                (*at, attr),
                _("Trường “%(key)s”: “%(attr)s” chỉ dùng cho kiểu %(kinds)s.")
                % {"key": name, "attr": attr, "kinds": ", ".join(kinds)},
            )
            return False
        return True

    # choices
    if kind in ("choice", "multichoice"):
        _check_choices(spec.get("choices"), name, (*at, "choices"), problem)
    else:
        only_for("choices", ("choice", "multichoice"))

    # min / max
    bounds = {}
    for attr in ("min", "max"):
        if only_for(attr, ("integer", "decimal", "date")):
            bound = _schema_bound(kind, spec[attr])
            if bound is None:
                hint = _("một ngày dạng 2025-01-31 hoặc “today”") if kind == "date" else _("một số")
                problem(
                    (*at, attr),
                    _("Trường “%(key)s”: “%(attr)s” phải là %(hint)s.")
                    % {"key": name, "attr": attr, "hint": hint},
                )
            else:
                bounds[attr] = bound
    numeric = [b for b in bounds.values() if not isinstance(b, str)]
    if len(numeric) == 2 and numeric[0] > numeric[1]:
        problem((*at, "min"), _("Trường “%(key)s”: “min” lớn hơn “max”.") % {"key": name})

    # lengths and item counts
    for low, high, kinds in (
        ("min_length", "max_length", ("text", "textarea")),
        ("min_items", "max_items", ("group", "multichoice")),
    ):
        values = {}
        for attr in (low, high):
            if only_for(attr, kinds):
                value = spec[attr]
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    problem(
                        (*at, attr),
                        _("Trường “%(key)s”: “%(attr)s” phải là số nguyên không âm.")
                        % {"key": name, "attr": attr},
                    )
                else:
                    values[attr] = value
        if len(values) == 2 and values[low] > values[high]:
            problem(
                (*at, low),
                _("Trường “%(key)s”: “%(low)s” lớn hơn “%(high)s”.")
                % {"key": name, "low": low, "high": high},
            )

    # birth_date_field
    if only_for("birth_date_field", ("citizen_id",)):
        target = spec["birth_date_field"]
        if level_types.get(target) != "date":
            problem(
                (*at, "birth_date_field"),
                _("Trường “%(key)s”: “birth_date_field” phải là key của một trường kiểu date cùng cấp.")
                % {"key": name},
            )


def _check_choices(choices: Any, name: str, at: tuple[str | int, ...], problem: Any) -> None:
    if not isinstance(choices, list) or not choices:
        problem(
            at, _("Trường “%(key)s”: cần “choices”, danh sách các lựa chọn {value, label}.") % {"key": name}
        )
        return
    seen: set[str] = set()
    for index, choice in enumerate(choices):
        if not isinstance(choice, Mapping) or "value" not in choice or "label" not in choice:
            problem((*at, index), _("Trường “%(key)s”: mỗi lựa chọn cần “value” và “label”.") % {"key": name})
            continue
        for extra in sorted(set(choice) - {"value", "label"}, key=str):
            problem(
                (*at, index, extra),
                _(
                    "Trường “%(key)s”: lựa chọn có khóa lạ “%(extra)s”; nếu nhãn có dấu phẩy, "
                    "hãy đặt nhãn trong dấu nháy."
                )
                % {"key": name, "extra": extra},
            )
        value = choice["value"]
        if not isinstance(value, str | int | bool) or (isinstance(value, str) and not value.strip()):
            problem(
                (*at, index, "value"),
                _("Trường “%(key)s”: “value” của lựa chọn phải là chữ hoặc số.") % {"key": name},
            )
        elif _choice_token(value) in seen:
            problem(
                (*at, index, "value"),
                _("Trường “%(key)s”: lựa chọn “%(value)s” bị lặp.") % {"key": name, "value": value},
            )
        else:
            seen.add(_choice_token(value))
        if not isinstance(choice["label"], str) or not choice["label"].strip():
            problem(
                (*at, index, "label"),
                _("Trường “%(key)s”: “label” của lựa chọn phải là chữ.") % {"key": name},
            )


def _check_visible_when(
    condition: Any,
    name: str,
    at: tuple[str | int, ...],
    problem: Any,
    declared: Mapping[str, Mapping[str, Any]],
    outer: Mapping[str, Mapping[str, Any]] | None,
) -> None:
    if not isinstance(condition, Mapping) or "field" not in condition:
        problem(
            at,
            _("Trường “%(key)s”: “visible_when” cần {field: …, equals: …} hoặc {field: …, in: […]}.")
            % {"key": name},
        )
        return
    extra = set(condition) - {"field", "equals", "in"}
    if extra or ("equals" in condition) == ("in" in condition):
        problem(
            at,
            _("Trường “%(key)s”: “visible_when” có “field” và đúng một trong “equals” hoặc “in”.")
            % {"key": name},
        )
    if "in" in condition and not isinstance(condition["in"], list):
        problem((*at, "in"), _("Trường “%(key)s”: “in” phải là một danh sách giá trị.") % {"key": name})
    target = condition["field"]
    spec = declared.get(target) if isinstance(target, str) else None
    if spec is None and outer is not None and isinstance(target, str):
        spec = outer.get(target)
    if spec is None:
        problem(
            (*at, "field"),
            _(
                "Trường “%(key)s”: “visible_when” trỏ tới trường “%(target)s” không có ở phía trên "
                "(trường điều kiện phải được khai báo trước)."
            )
            % {"key": name, "target": target},
        )
    elif spec.get("type") == "group":
        problem(
            (*at, "field"), _("Trường “%(key)s”: “visible_when” không thể dựa vào một nhóm.") % {"key": name}
        )


def _schema_bound(kind: Any, value: Any) -> Any:
    if kind == "date":
        if value == "today":
            return "today"
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                return None
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value))


def _format_path(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --------------------------------------------------------------------------------------------------
# Checking an applicant's answers


def validate_form(schema: Mapping[str, Any], data: Any) -> FormResult:
    """Check answers against a schema; return cleaned values and every problem at once.

    `data` may be a dict from JSON or from an HTML form (a QueryDict is accepted; names such as
    "thanh_vien.0.ho_ten" or "dia_chi.province" are nested). Hidden fields are dropped and never required.
    """
    errors: dict[str, list[str]] = {}
    cleaned = _clean_level(_fields_of(schema), _as_nested(data), "", errors, outer=None)
    return FormResult(cleaned=cleaned, errors=errors)


def _fields_of(schema: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    fields = (schema or {}).get("fields") or []
    return [f for f in fields if isinstance(f, Mapping)]


def _as_nested(data: Any) -> dict[str, Any]:
    if hasattr(data, "lists"):  # a QueryDict: keep every value of a repeated name (multichoice checkboxes)
        data = {key: values[0] if len(values) == 1 else values for key, values in data.lists()}
    if not isinstance(data, Mapping):
        return {}
    nested: dict[str, Any] = {}
    for name, value in dict(data).items():
        if not isinstance(name, str) or "." not in name:
            nested.setdefault(name, value)
            continue
        parts = name.split(".")
        node = nested
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value
    return nested


def _clean_level(
    fields: list[Mapping[str, Any]],
    data: Mapping[str, Any],
    prefix: str,
    errors: dict[str, list[str]],
    outer: Mapping[str, Any] | None,
) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for spec in fields:
        key = spec.get("key")
        if not isinstance(key, str) or not _is_visible(spec, cleaned, outer):
            continue
        path = prefix + key
        raw = data.get(key) if isinstance(data, Mapping) else None
        kind = spec.get("type")
        if kind == "group":
            value = _clean_group(spec, raw, path, errors, cleaned)
        elif kind == "address":
            value = _clean_address(spec, raw, path, errors)
        else:
            value = _clean_scalar(spec, raw, path, errors)
        if value is not _INVALID:
            cleaned[key] = value
    _cross_check_birth_years(fields, cleaned, prefix, errors)
    return cleaned


def _clean_scalar(spec: Mapping[str, Any], raw: Any, path: str, errors: dict[str, list[str]]) -> Any:
    kind = spec.get("type")
    label = str(spec.get("label") or spec.get("key"))
    required = bool(spec.get("required"))
    if _is_empty(raw):
        if required:
            errors.setdefault(path, []).append(_required_message(kind, label))
            return _INVALID
        return _empty_value(kind)
    cleaner = _CLEANERS.get(kind)
    if cleaner is None:
        return _INVALID
    try:
        value = cleaner(spec, raw, label)
    except ValidationError as error:
        errors.setdefault(path, []).extend(error.messages)
        return _INVALID
    if kind == "boolean" and required and value is not True:
        errors.setdefault(path, []).append(_required_message(kind, label))
        return _INVALID
    return value


def _required_message(kind: Any, label: str) -> str:
    label = label.rstrip(" .")  # the sentence adds its own full stop
    if kind in ("choice", "multichoice"):
        return _("Vui lòng chọn %(label)s.") % {"label": _lower_first(label)}
    if kind == "boolean":
        return _("Vui lòng đánh dấu để xác nhận: %(label)s.") % {"label": label}
    return _("Vui lòng nhập %(label)s.") % {"label": _lower_first(label)}


def _empty_value(kind: Any) -> Any:
    if kind == "boolean":
        return False
    if kind in ("multichoice", "group"):
        return []
    return None


def _clean_text(spec: Mapping[str, Any], raw: Any, label: str) -> str:
    text = _scalar_text(raw, label=label)
    if spec.get("type") == "textarea":
        value = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    else:
        value = " ".join(text.split())
    low = spec.get("min_length")
    high = spec.get("max_length") or DEFAULT_MAX_LENGTH[str(spec.get("type"))]
    if low and len(value) < low:
        raise ValidationError(
            _("%(label)s cần ít nhất %(min)s ký tự. Bạn đã nhập %(count)s ký tự.")
            % {"label": label, "min": low, "count": len(value)}
        )
    if len(value) > high:
        raise ValidationError(
            _("%(label)s chỉ được tối đa %(max)s ký tự. Bạn đã nhập %(count)s ký tự; hãy rút gọn.")
            % {"label": label, "max": high, "count": len(value)}
        )
    return value


def _clean_integer(spec: Mapping[str, Any], raw: Any, label: str) -> int:
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        if re.fullmatch(r"[+-]?[0-9]{1,18}", text):
            value = int(text)
        elif re.fullmatch(r"[+-]?[0-9]{1,3}(\.[0-9]{3}){1,5}", text):  # 1.000.000, as Vietnamese write it
            value = int(text.replace(".", ""))
    if value is None:
        raise ValidationError(
            _("%(label)s phải là một số nguyên, ví dụ 3. Bạn đã nhập “%(value)s”.")
            % {"label": label, "value": _shorten(raw)}
        )
    _check_number_bounds(spec, Decimal(value), label)
    return value


def _clean_decimal(spec: Mapping[str, Any], raw: Any, label: str) -> str:
    value: Decimal | None = None
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        if "," in text:  # Vietnamese: 1.234,5 or 2,5
            text = text.replace(".", "").replace(",", ".")
        if re.fullmatch(r"[+-]?([0-9]{1,18}(\.[0-9]{0,10})?|\.[0-9]{1,10})", text):
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            _("%(label)s phải là một số, ví dụ 12,5. Bạn đã nhập “%(value)s”.")
            % {"label": label, "value": _shorten(raw)}
        )
    _check_number_bounds(spec, value, label)
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "+0") else text


def _check_number_bounds(spec: Mapping[str, Any], value: Decimal, label: str) -> None:
    low = _schema_bound(spec.get("type"), spec["min"]) if "min" in spec else None
    high = _schema_bound(spec.get("type"), spec["max"]) if "max" in spec else None
    if (low is not None and value < low) or (high is not None and value > high):
        shown = {
            "label": label,
            "value": _format_number(value),
            "min": _format_number(low),
            "max": _format_number(high),
        }
        if low is not None and high is not None:
            message = _("%(label)s phải trong khoảng từ %(min)s đến %(max)s. Bạn đã nhập %(value)s.")
        elif low is not None:
            message = _("%(label)s phải từ %(min)s trở lên. Bạn đã nhập %(value)s.")
        else:
            message = _("%(label)s không được lớn hơn %(max)s. Bạn đã nhập %(value)s.")
        raise ValidationError(message % shown)


def _clean_date(spec: Mapping[str, Any], raw: Any, label: str) -> str:
    value = _parse_date(raw)
    if value is None:
        raise ValidationError(
            _("%(label)s không đúng dạng ngày/tháng/năm, ví dụ 31/01/2025. Bạn đã nhập “%(value)s”.")
            % {"label": label, "value": _shorten(raw)}
        )
    if value is _INVALID:
        raise ValidationError(
            _("%(label)s: ngày “%(value)s” không có trên lịch. Hãy kiểm tra lại ngày và tháng.")
            % {"label": label, "value": _shorten(raw)}
        )
    assert isinstance(value, datetime.date)
    today = timezone.localdate()
    low = _resolve_date_bound(spec.get("min"), today)
    high = _resolve_date_bound(spec.get("max"), today)
    if high is not None and value > high:
        if spec.get("max") == "today":
            message = _("%(label)s không được là một ngày trong tương lai. Bạn đã nhập %(value)s.")
        else:
            message = _("%(label)s không được sau ngày %(max)s. Bạn đã nhập %(value)s.")
        raise ValidationError(message % {"label": label, "value": _dmy(value), "max": _dmy(high)})
    if low is not None and value < low:
        if spec.get("min") == "today":
            message = _("%(label)s không được là một ngày đã qua. Bạn đã nhập %(value)s.")
        else:
            message = _("%(label)s không được trước ngày %(min)s. Bạn đã nhập %(value)s.")
        raise ValidationError(message % {"label": label, "value": _dmy(value), "min": _dmy(low)})
    return value.isoformat()


def _parse_date(raw: Any) -> Any:
    """A date, None if the text is not a date at all, or _INVALID if it names a day that does not exist."""
    if isinstance(raw, datetime.datetime):
        return None
    if isinstance(raw, datetime.date):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if match := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text):
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})", text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return _INVALID


def _resolve_date_bound(bound: Any, today: datetime.date) -> datetime.date | None:
    if bound is None:
        return None
    resolved = _schema_bound("date", bound)
    if resolved == "today":
        return today
    return resolved if isinstance(resolved, datetime.date) else None


def _clean_choice(spec: Mapping[str, Any], raw: Any, label: str) -> Any:
    if isinstance(raw, list | tuple):
        if len(raw) != 1:
            raise ValidationError(_("%(label)s: chỉ chọn một mục.") % {"label": label})
        raw = raw[0]
    choice = _find_choice(spec, raw)
    if choice is None:
        raise ValidationError(_unknown_choice_message(spec, label, [raw]))
    return choice["value"]


def _clean_multichoice(spec: Mapping[str, Any], raw: Any, label: str) -> list[Any]:
    raws = list(raw) if isinstance(raw, list | tuple) else [raw]
    raws = [r for r in raws if not _is_empty(r)]
    values: list[Any] = []
    unknown: list[Any] = []
    for item in raws:
        choice = _find_choice(spec, item)
        if choice is None:
            unknown.append(item)
        elif choice["value"] not in values:
            values.append(choice["value"])
    if unknown:
        raise ValidationError(_unknown_choice_message(spec, label, unknown))
    _check_item_count(spec, len(values), label, chosen=True)
    return values


def _find_choice(spec: Mapping[str, Any], raw: Any) -> Mapping[str, Any] | None:
    if isinstance(raw, dict | list):
        return None
    token = _choice_token(raw)
    for choice in spec.get("choices") or []:
        if isinstance(choice, Mapping) and _choice_token(choice.get("value")) == token:
            return choice
    return None


def _choice_token(value: Any) -> str:
    return str(value).strip().lower()


def _unknown_choice_message(spec: Mapping[str, Any], label: str, values: list[Any]) -> str:
    options = ", ".join(str(c.get("label")) for c in spec.get("choices") or [] if isinstance(c, Mapping))
    return _("%(label)s: “%(value)s” không có trong danh sách. Hãy chọn một trong các mục: %(options)s.") % {
        "label": label,
        "value": ", ".join(_shorten(v) for v in values),
        "options": options,
    }


def _check_item_count(spec: Mapping[str, Any], count: int, label: str, *, chosen: bool) -> None:
    low = spec.get("min_items") or 0
    if spec.get("required") and not chosen:
        low = max(low, 1)
    high = spec.get("max_items")
    if count < low:
        message = (
            _("%(label)s: hãy chọn ít nhất %(min)s mục. Bạn đã chọn %(count)s.")
            if chosen
            else _("%(label)s: cần khai ít nhất %(min)s mục. Bạn mới khai %(count)s.")
        )
        raise ValidationError(message % {"label": label, "min": low, "count": count})
    if high is not None and count > high:
        message = (
            _("%(label)s: chỉ được chọn tối đa %(max)s mục. Bạn đã chọn %(count)s.")
            if chosen
            else _("%(label)s: chỉ được khai tối đa %(max)s mục. Bạn đã khai %(count)s; hãy bớt đi.")
        )
        raise ValidationError(message % {"label": label, "max": high, "count": count})


def _clean_boolean(spec: Mapping[str, Any], raw: Any, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, list | tuple) and raw:  # a hidden "off" plus a ticked "on" checkbox
        raw = raw[-1]
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise ValidationError(
        _("%(label)s: hãy chọn Có hoặc Không. Bạn đã gửi “%(value)s”.")
        % {"label": label, "value": _shorten(raw)}
    )


def _clean_email(spec: Mapping[str, Any], raw: Any, label: str) -> str:
    text = _scalar_text(raw, label=label).strip()
    try:
        EmailValidator()(text)
    except ValidationError:
        raise ValidationError(
            _(
                "%(label)s không đúng dạng địa chỉ thư điện tử, ví dụ ten@example.com. "
                "Bạn đã nhập “%(value)s”."
            )
            % {"label": label, "value": _shorten(text)}
        ) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _clean_phone(spec: Mapping[str, Any], raw: Any, label: str) -> str:
    return normalise_phone(raw, label=label)


def _clean_citizen_id(spec: Mapping[str, Any], raw: Any, label: str) -> str:
    return validate_citizen_id(raw, label=label)


def _clean_enterprise_code(spec: Mapping[str, Any], raw: Any, label: str) -> str:
    return validate_enterprise_code(raw, label=label)


_CLEANERS: dict[Any, Any] = {
    "text": _clean_text,
    "textarea": _clean_text,
    "integer": _clean_integer,
    "decimal": _clean_decimal,
    "date": _clean_date,
    "choice": _clean_choice,
    "multichoice": _clean_multichoice,
    "boolean": _clean_boolean,
    "email": _clean_email,
    "phone": _clean_phone,
    "citizen_id": _clean_citizen_id,
    "tax_code": _clean_enterprise_code,
    "enterprise_code": _clean_enterprise_code,
}


def _clean_address(spec: Mapping[str, Any], raw: Any, path: str, errors: dict[str, list[str]]) -> Any:
    label = str(spec.get("label") or spec.get("key"))
    if _is_empty(raw):
        if spec.get("required"):
            errors.setdefault(path, []).append(_required_message("address", label))
            return _INVALID
        return None
    if not isinstance(raw, Mapping):
        errors.setdefault(path, []).append(
            _("%(label)s cần chọn tỉnh, thành phố; xã, phường và nhập số nhà, đường.") % {"label": label}
        )
        return _INVALID

    def fail(part: str, message: str) -> None:
        errors.setdefault(f"{path}.{part}", []).append(message)

    names = {"label": _lower_first(label)}
    province_code = _code(raw.get("province"))
    province_name = None
    if _is_empty(raw.get("province")):
        fail("province", _("Vui lòng chọn tỉnh, thành phố của %(label)s.") % names)
    elif province_code is None or (province_name := _province_name(province_code)) is None:
        fail(
            "province",
            _(
                "Không có tỉnh, thành phố mã “%(code)s” trong danh mục 34 tỉnh, thành phố hiện hành "
                "(từ 01/7/2025). Hãy chọn lại trong danh sách."
            )
            % {"code": _shorten(raw.get("province"))},
        )
    commune_code = _code(raw.get("commune"))
    ward = None
    if _is_empty(raw.get("commune")):
        fail("commune", _("Vui lòng chọn xã, phường, đặc khu của %(label)s.") % names)
    elif commune_code is None or (ward := _ward(commune_code)) is None:
        fail(
            "commune",
            _("Không có xã, phường mã “%(code)s” trong danh mục hiện hành. Hãy chọn lại trong danh sách.")
            % {"code": _shorten(raw.get("commune"))},
        )
    elif province_name is not None and int(ward.province_code) != province_code:
        fail(
            "commune",
            _("%(commune)s không thuộc %(province)s. Hãy chọn lại xã, phường sau khi chọn tỉnh, thành phố.")
            % {"commune": ward.name, "province": province_name},
        )
    street = raw.get("street")
    street_text = " ".join(str(street).split()) if isinstance(street, str | int) else ""
    if not street_text:
        fail("street", _("Vui lòng nhập số nhà, đường phố, thôn, tổ dân phố của %(label)s.") % names)
    elif len(street_text) > STREET_MAX_LENGTH:
        fail(
            "street",
            _("Số nhà, đường phố chỉ được tối đa %(max)s ký tự. Bạn đã nhập %(count)s ký tự.")
            % {"max": STREET_MAX_LENGTH, "count": len(street_text)},
        )
    if any(key.startswith(path + ".") for key in errors):
        return _INVALID
    assert ward is not None
    return {
        "province": province_code,
        "province_name": province_name,
        "commune": commune_code,
        "commune_name": ward.name,
        "street": street_text,
    }


def _code(raw: Any) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"\s*[0-9]{1,6}\s*", raw):
        return int(raw)
    return None


def _clean_group(
    spec: Mapping[str, Any],
    raw: Any,
    path: str,
    errors: dict[str, list[str]],
    outer: Mapping[str, Any],
) -> Any:
    label = str(spec.get("label") or spec.get("key"))
    if raw is None or raw == "":
        entries: list[tuple[int, Any]] = []
    elif isinstance(raw, list | tuple):
        entries = list(enumerate(raw))
    elif isinstance(raw, Mapping) and all(
        isinstance(k, str) and re.fullmatch(r"[0-9]{1,6}", k) for k in raw
    ):  # from HTML names
        entries = sorted(((int(k), v) for k, v in raw.items()), key=lambda entry: entry[0])
    else:
        errors.setdefault(path, []).append(_("%(label)s phải là một danh sách.") % {"label": label})
        return _INVALID
    sub_fields = [f for f in spec.get("fields") or [] if isinstance(f, Mapping)]
    items: list[dict[str, Any]] = []
    failed = False
    for index, item in entries:
        if _is_empty(item):  # a spare blank row of the HTML form
            continue
        item_path = f"{path}.{index}"
        if not isinstance(item, Mapping):
            errors.setdefault(item_path, []).append(
                _("Mục thứ %(n)s của %(label)s không hợp lệ.") % {"n": index + 1, "label": label}
            )
            failed = True
            continue
        before = len(errors)
        items.append(_clean_level(sub_fields, item, item_path + ".", errors, outer=outer))
        failed = failed or len(errors) > before
    try:
        _check_item_count(spec, len(items), label, chosen=False)
    except ValidationError as error:
        errors.setdefault(path, []).extend(error.messages)
        return _INVALID
    return _INVALID if failed else items


def _cross_check_birth_years(
    fields: list[Mapping[str, Any]], cleaned: dict[str, Any], prefix: str, errors: dict[str, list[str]]
) -> None:
    for spec in fields:
        key, date_key = spec.get("key"), spec.get("birth_date_field")
        if spec.get("type") != "citizen_id" or not isinstance(key, str) or not isinstance(date_key, str):
            continue
        number, birth_date = cleaned.get(key), cleaned.get(date_key)
        if not number or not birth_date:
            continue
        year = citizen_id_birth_year(number)
        born = datetime.date.fromisoformat(birth_date)
        if year != born.year:
            errors.setdefault(prefix + key, []).append(
                _(
                    "Năm sinh trong %(label)s (%(year)s) không khớp với ngày sinh đã khai (%(born)s). "
                    "Hãy kiểm tra lại một trong hai."
                )
                % {"label": _lower_first(str(spec.get("label"))), "year": year, "born": _dmy(born)}
            )
            del cleaned[key]


def _is_visible(spec: Mapping[str, Any], answers: Mapping[str, Any], outer: Mapping[str, Any] | None) -> bool:
    condition = spec.get("visible_when")
    if not isinstance(condition, Mapping):
        return True
    target = str(condition.get("field"))
    if target in answers:
        value = answers[target]
    elif outer is not None and target in outer:
        value = outer[target]
    else:
        return False  # the field it depends on is hidden or not answered correctly
    expected = [condition["equals"]] if "equals" in condition else list(condition.get("in") or [])
    values = value if isinstance(value, list) else [value]
    return any(v is not None and _choice_token(v) == _choice_token(e) for v in values for e in expected)


def _is_empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return all(_is_empty(item) for item in raw)
    if isinstance(raw, Mapping):
        return all(_is_empty(item) for item in raw.values())
    return False


# --------------------------------------------------------------------------------------------------
# Showing answers ("check your answers", the receipt)


def fields_for_display(schema: Mapping[str, Any], data: Mapping[str, Any] | None) -> list[DisplayField]:
    """Label and human-readable value of every visible field of cleaned answers, in the form's order."""
    return _display_level(_fields_of(schema), data or {}, "", outer=None)


def _display_level(
    fields: list[Mapping[str, Any]], data: Mapping[str, Any], prefix: str, outer: Mapping[str, Any] | None
) -> list[DisplayField]:
    shown: list[DisplayField] = []
    for spec in fields:
        key = spec.get("key")
        if not isinstance(key, str) or not _is_visible(spec, data, outer):
            continue
        path, label, value = prefix + key, str(spec.get("label") or key), data.get(key)
        if spec.get("type") == "group":
            sub_fields = [f for f in spec.get("fields") or [] if isinstance(f, Mapping)]
            listed = value if isinstance(value, list | tuple) else []  # a draft may hold any JSON here
            entries = [item for item in listed if isinstance(item, Mapping)]
            items = tuple(
                tuple(_display_level(sub_fields, item, f"{path}.{index}.", data))
                for index, item in enumerate(entries)
            )
            summary = _("%(count)s mục") % {"count": len(items)} if items else _EMPTY_DISPLAY
            shown.append(DisplayField(key=key, path=path, label=label, value=summary, items=items))
        else:
            shown.append(DisplayField(key=key, path=path, label=label, value=_human(spec, value)))
    return shown


def _human(spec: Mapping[str, Any], value: Any) -> str:
    kind = spec.get("type")
    if kind == "boolean":
        return _("Có") if value is True else _("Không")
    if value is None or value == "" or value == []:
        return _EMPTY_DISPLAY
    if kind == "choice":
        choice = _find_choice(spec, value)
        return str(choice["label"]) if choice else str(value)
    if kind == "multichoice":
        labels = []
        for item in value if isinstance(value, list) else [value]:
            choice = _find_choice(spec, item)
            labels.append(str(choice["label"]) if choice else str(item))
        return ", ".join(labels)
    if kind == "date":
        parsed = _parse_date(value)
        return _dmy(parsed) if isinstance(parsed, datetime.date) else str(value)
    if kind in ("integer", "decimal"):
        try:
            return _format_number(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if kind in ("tax_code", "enterprise_code"):
        return mst.format(str(value))
    if kind == "address" and isinstance(value, Mapping):
        return _address_text(value)
    return str(value)


def address_text(value: Mapping[str, Any]) -> str:
    """An address value as one line: "12 Phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội"."""
    return _address_text(value)


def _address_text(value: Mapping[str, Any]) -> str:
    commune = value.get("commune_name")
    if not commune and (ward := _ward(_code(value.get("commune")) or -1)) is not None:
        commune = ward.name
    province = value.get("province_name") or _province_name(_code(value.get("province")) or -1)
    return ", ".join(str(part) for part in (value.get("street"), commune, province) if part)


# --------------------------------------------------------------------------------------------------
# Small helpers


def _scalar_text(value: Any, *, label: str | None = None) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise ValidationError(
        _("%(label)s phải là một giá trị chữ hoặc số.") % {"label": label or _("Giá trị")},
    )


def _shorten(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lower_first(label: str) -> str:
    """ "Họ và tên" reads "họ và tên" inside a sentence; "CCCD" stays as it is."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _dmy(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _format_number(value: Decimal | None) -> str:
    """1234567.5 -> "1.234.567,5" (Vietnamese grouping)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + fraction if fraction else "")
