"""The e-form on the page: schema fields bound to a draft's data, and the posted form turned back into data.

Paths name a value inside the form data with dots: "full_name", "address.commune", "children.0.name".
The same path is the input's `name`; its `id` is "f-" + the path with dots as dashes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import ProhibitNullCharactersValidator
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import eform
from motcua.portal.templatetags.portal import day

MAX_GROUP_ITEMS = 50  # never trust a posted index beyond this
ADDRESS_PARTS = ("province", "commune", "street")
MULTILINE = {"textarea"}
INPUT_TYPES = {"email": "email", "phone": "tel", "date": "date"}
INPUT_MODES = {"integer": "numeric", "citizen_id": "numeric", "decimal": "decimal"}
SHORT_INPUTS = {"integer", "decimal", "date", "citizen_id", "tax_code", "enterprise_code", "phone"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PROVINCE_CODE = re.compile(r"[0-9]{1,3}")  # ASCII digits only: "²" and "٣" are digits to str.isdigit()


def input_id(path: str) -> str:
    return "f-" + path.replace(".", "-")


@dataclass
class BoundField:
    spec: dict[str, Any]
    path: str
    value: Any
    errors: list[str] = field(default_factory=list)
    prefilled: bool = False
    source: str = ""  # where a prefilled value comes from: "identity" or a connector ("population")
    condition: str = ""  # "Chỉ điền nếu …", shown when JavaScript cannot hide the field
    when_name: str = ""  # the input that controls visibility (for the small script)
    when_values: str = ""  # JSON list of the values that show this field
    items: list[list[BoundField]] = field(default_factory=list)  # groups: one list per item
    can_add: bool = False
    existing: int = 0  # groups: items saved so far (the rest is one blank item)
    sub_errors: dict[str, list[str]] = field(default_factory=dict)  # address parts
    provinces: list[tuple[str, str]] = field(default_factory=list)
    communes: list[tuple[str, str]] = field(default_factory=list)
    request_note: str = ""  # a supplement request's guidance for this field (R-SUP-1)

    @property
    def key(self) -> str:
        return self.spec["key"]

    @property
    def type(self) -> str:
        return self.spec.get("type", "text")

    @property
    def label(self) -> str:
        return self.spec.get("label") or self.key

    @property
    def help(self) -> str:
        return self.spec.get("help", "")

    @property
    def required(self) -> bool:
        return bool(self.spec.get("required"))

    @property
    def input_type(self) -> str:
        if self.type == "date" and self.text and not ISO_DATE.fullmatch(self.text):
            return "text"  # keep what was typed where the browser has no date picker
        return INPUT_TYPES.get(self.type, "text")

    @property
    def inputmode(self) -> str:
        return INPUT_MODES.get(self.type, "")

    @property
    def short(self) -> bool:
        return self.type in SHORT_INPUTS

    @property
    def id(self) -> str:
        return input_id(self.path)

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the first input of the field."""
        if self.type == "address":
            return input_id(f"{self.path}.province")
        return self.id

    @property
    def all_errors(self) -> list[str]:
        return self.errors + [m for messages in self.sub_errors.values() for m in messages]

    @property
    def choices(self) -> list[dict[str, str]]:
        return [
            {"value": str(c.get("value")), "label": c.get("label", c.get("value"))}
            for c in self.spec.get("choices", [])
        ]

    @property
    def selected(self) -> list[str]:
        if isinstance(self.value, list):
            return [str(v) for v in self.value]
        return [] if self.value in (None, "") else [str(self.value)]

    @property
    def text(self) -> str:
        """The value as it goes back into a text input."""
        if self.value is None or isinstance(self.value, (dict, list)):
            return ""
        return str(self.value)

    @property
    def part(self) -> dict[str, str]:
        return self.value if isinstance(self.value, dict) else {}

    @property
    def display(self) -> str:
        """The value as read-only text (prefilled fields)."""
        if self.type == "date":
            return day(self.value)
        if self.type == "address":
            return eform.address_text(self.part)
        labels = {c["value"]: c["label"] for c in self.choices}
        return ", ".join(labels.get(v, v) for v in self.selected)

    @property
    def hint_range(self) -> str:
        low, high = self.spec.get("min"), self.spec.get("max")
        if self.type == "date":
            return " ".join(filter(None, (_date_bound(low, after=True), _date_bound(high, after=False))))
        if low is not None and high is not None:
            return _("Từ %(min)s đến %(max)s.") % {"min": low, "max": high}
        if low is not None:
            return _("Ít nhất %(min)s.") % {"min": low}
        if high is not None:
            return _("Nhiều nhất %(max)s.") % {"max": high}
        return ""

    @property
    def describedby(self) -> str:
        ids = []
        if self.request_note:
            ids.append(self.id + "-note")
        if self.help or self.hint_range:
            ids.append(self.id + "-hint")
        if self.condition:
            ids.append(self.id + "-when")
        if self.errors:
            ids.append(self.id + "-error")
        return " ".join(ids)


def _date_bound(bound: Any, *, after: bool) -> str:
    if bound is None:
        return ""
    if bound == "today":
        return _("Không được là ngày đã qua.") if after else _("Không được là ngày trong tương lai.")
    template = _("Từ ngày %(day)s trở đi.") if after else _("Không sau ngày %(day)s.")
    return template % {"day": day(str(bound))}


def _is_blank(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_is_blank(v) for v in value.values())
    if isinstance(value, list):
        return all(_is_blank(v) for v in value)
    return value is None or value is False or value == ""


def _condition(spec: dict, siblings: list[dict], prefix: str, top: list[dict]) -> tuple[str, str, str]:
    """The "Chỉ điền nếu …" hint, and the controlling input's name and values for the script."""
    when = spec.get("visible_when")
    if not isinstance(when, dict) or not when.get("field"):
        return "", "", ""
    controller = next((s for s in siblings if s.get("key") == when["field"]), None)
    if controller is None:  # inside a group, a condition may name a top-level field
        controller = next((s for s in top if s.get("key") == when["field"]), {"key": when["field"]})
        prefix = ""
    values = when["in"] if isinstance(when.get("in"), list) else [when.get("equals")]
    label = controller.get("label", controller["key"])
    if controller.get("type") == "boolean":
        shown = ["true" if v else "" for v in values]
        template = (
            _("Chỉ điền nếu bạn đã đánh dấu “%(field)s”.")
            if values[0]
            else _("Chỉ điền nếu bạn không đánh dấu “%(field)s”.")
        )
        hint = template % {"field": label}
    else:
        labels = {str(c.get("value")).lower(): c.get("label") for c in controller.get("choices", [])}
        shown = [str(v).lower() for v in values]
        hint = _("Chỉ điền nếu “%(field)s” là %(values)s.") % {
            "field": label,
            "values": _(" hoặc ").join(f"“{labels.get(v, v)}”" for v in shown),
        }
    return hint, prefix + controller["key"], json.dumps(shown)


def bind(
    schema: dict,
    data: dict[str, Any],
    *,
    errors: dict[str, list[str]] | None = None,
    prefilled: dict[str, str] | None = None,
) -> list[BoundField]:
    """The fields of `schema` with the values of `data` and the messages of `errors` (keyed by path).

    A message whose path names no input (a whole group item, say) goes to the closest field above it.
    """
    errors = errors or {}
    top = schema.get("fields", [])
    fields = _bind_level(top, data or {}, errors, prefilled or {}, prefix="", top=top)
    by_path = {bf.path: bf for bf in flatten(fields)}
    for path, messages in errors.items():
        if path in by_path:
            continue
        parent = path.rpartition(".")[0]
        if parent in by_path and by_path[parent].type == "address":
            continue  # shown beside that part of the address
        while parent and parent not in by_path:
            parent = parent.rpartition(".")[0]
        if parent:
            by_path[parent].errors.extend(messages)
    return fields


def _bind_level(
    specs: list[dict], data: dict, errors: dict, prefilled: dict, *, prefix: str, top: list[dict]
) -> list[BoundField]:
    bound = []
    for spec in specs:
        key = spec.get("key")
        if not key:
            continue
        path = prefix + key
        value = data.get(key) if isinstance(data, dict) else None
        condition, when_name, when_values = _condition(spec, specs, prefix, top)
        bf = BoundField(
            spec=spec,
            path=path,
            value=value,
            errors=list(errors.get(path, [])),
            prefilled=not prefix and key in prefilled,
            source=str(prefilled.get(key, "")) if not prefix else "",
            condition=condition,
            when_name=when_name,
            when_values=when_values,
        )
        if bf.type == "group":
            _bind_group(bf, errors, prefilled, top)
        elif bf.type == "address":
            bf.sub_errors = {part: list(errors.get(f"{path}.{part}", [])) for part in ADDRESS_PARTS}
            bf.provinces = [(str(code), name) for code, name in eform.provinces()]
            bf.communes = communes_of(bf.part.get("province"))
        bound.append(bf)
    return bound


def communes_of(province: Any) -> list[tuple[str, str]]:
    """The communes of a province code as typed or posted ("1", "01", 1); [] for anything else."""
    code = str(province or "").strip()
    if not PROVINCE_CODE.fullmatch(code):
        return []
    return [(str(c), name) for c, name in eform.communes(int(code))]


def _bind_group(bf: BoundField, errors: dict, prefilled: dict, top: list[dict]) -> None:
    items = [item for item in bf.value if isinstance(item, dict)] if isinstance(bf.value, list) else []
    max_items = bf.spec.get("max_items") or MAX_GROUP_ITEMS
    shown = [*items, {}] if len(items) < max_items else items
    for index, item in enumerate(shown):
        item_prefix = f"{bf.path}.{index}."
        bf.items.append(
            _bind_level(bf.spec.get("fields", []), item, errors, prefilled, prefix=item_prefix, top=top)
        )
    bf.existing = len(items)
    bf.can_add = len(items) + 1 < max_items


def open_schema(schema: dict, open_keys: set[str]) -> dict:
    """The part of `schema` a supplement request opened: its top-level fields named in `open_keys`."""
    return {"fields": [spec for spec in schema.get("fields", []) if spec.get("key") in open_keys]}


def bind_open(
    schema: dict,
    data: dict[str, Any],
    notes: dict[str, str],
    *,
    errors: dict[str, list[str]] | None = None,
) -> list[BoundField]:
    """The fields a supplement request opened (the keys of `notes`, each with its guidance), bound like the
    edit page's.

    A field shown only when another answer has some value keeps that condition only if the other answer is
    open too: otherwise the small script, finding no input to read, would hide the very field asked for.
    """
    open_keys = set(notes)
    fields = bind(open_schema(schema, open_keys), data, errors=errors)
    for bf in fields:
        bf.request_note = notes[bf.key]
    for bf in flatten(fields):
        if bf.when_name and bf.when_name.split(".")[0] not in open_keys:
            bf.condition = bf.when_name = bf.when_values = ""
    return fields


def flatten(fields: list[BoundField]) -> list[BoundField]:
    """Every bound field, groups' item fields included, in page order."""
    out = []
    for bf in fields:
        out.append(bf)
        for item in bf.items:
            out.extend(flatten(item))
    return out


def anchors(fields: list[BoundField]) -> dict[str, str]:
    """Path -> id of the input the error summary should link to."""
    out = {}
    for bf in flatten(fields):
        out[bf.path] = bf.anchor
        if bf.type == "address":
            for part in ADDRESS_PARTS:
                out[f"{bf.path}.{part}"] = input_id(f"{bf.path}.{part}")
    return out


def anchor_for(path: str, known: dict[str, str]) -> str:
    """The closest known input for a path (a group item's error falls back to the group)."""
    while path:
        if path in known:
            return known[path]
        path = path.rpartition(".")[0]
    return "eform"


# -- posted form -> data -----------------------------------------------------------------------------


def data_from_post(schema: dict, post: QueryDict, *, prefilled: dict | None = None) -> dict[str, Any]:
    """What the applicant typed, shaped like the schema; blank group items are dropped.

    Values are kept as typed (strings): the e-form validator cleans them, so a wrong value comes back
    to the applicant unchanged beside its message.
    """
    prefilled = prefilled or {}
    removal = post.get("action", "")
    removed = removal.removeprefix("remove:") if removal.startswith("remove:") else ""
    return {
        spec["key"]: _value(spec, post, spec["key"], removed)
        for spec in schema.get("fields", [])
        if spec.get("key") and spec["key"] not in prefilled
    }


def _value(spec: dict, post: QueryDict, name: str, removed: str) -> Any:
    kind = spec.get("type", "text")
    if kind == "multichoice":
        return [v for v in map(_text, post.getlist(name)) if v][:100]
    if kind == "boolean":
        return post.get(name) == "true"
    if kind == "address":
        return {part: _text(post.get(f"{name}.{part}", "")).strip() for part in ADDRESS_PARTS}
    if kind == "group":
        pattern = re.compile(re.escape(name) + r"\.(\d{1,3})\.")
        indices = sorted({int(m.group(1)) for key in post if (m := pattern.match(key))})
        items = []
        for index in indices[:MAX_GROUP_ITEMS]:
            if f"{name}.{index}" == removed:
                continue
            item = {
                sub["key"]: _value(sub, post, f"{name}.{index}.{sub['key']}", removed)
                for sub in spec.get("fields", [])
                if sub.get("key")
            }
            if not _is_blank(item):
                items.append(item)
        return items
    value = _text(post.get(name, ""))
    return value.strip() if kind not in MULTILINE else value.strip("\r\n ")


def _text(value: str) -> str:
    """What was typed, without NUL characters: no browser sends them and no database can store them."""
    return value.replace("\x00", "")


# -- logging in --------------------------------------------------------------------------------------


NUL_MESSAGE = gettext_lazy("Có ký tự không hợp lệ (NUL). Hãy gõ lại.")


class LoginForm(AuthenticationForm):
    """Django's login form, with the one message Django has no Vietnamese for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            for validator in form_field.validators:
                if isinstance(validator, ProhibitNullCharactersValidator):
                    validator.message = NUL_MESSAGE
