"""The state databases motcua reads from, as plugins in a registry (R-ONCE-1).

A connector names a state system (the national population database, the business registry, the results
other agencies issued), the path its records live under on the wire (docs/connectors.md), the attributes a
record has, and how the lookup key of an applicant is found in their account, if it can be. Tests build a
`Registry` of their own and pass it to the services; everything else uses `registry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Where a prefill that is not a connector comes from: the applicant's own account.
IDENTITY = "identity"


@dataclass(frozen=True)
class Connector:
    """One state system: `name` is how catalogs and settings call it ("population")."""

    name: str
    label: str | Promise  # shown to people: "Cơ sở dữ liệu quốc gia về dân cư"
    path: str  # the record's path on the wire, with "{key}": "/population/v1/citizens/{key}"
    attributes: tuple[str, ...]
    # The lookup key of an applicant for prefill, from their account ("" when they have none); None when
    # the key is not in the account at all (a document number), so the connector cannot prefill.
    key_of: Callable[[Any], str] | None = None
    key_label: str | Promise = ""

    def record_path(self, key: str) -> str:
        from urllib.parse import quote

        return self.path.format(key=quote(key, safe=""))


class Registry:
    """Connectors by name."""

    def __init__(self, connectors: tuple[Connector, ...] = ()) -> None:
        self._connectors: dict[str, Connector] = {}
        for connector in connectors:
            self.register(connector)

    def register(self, connector: Connector) -> Connector:
        if connector.name in self._connectors or connector.name == IDENTITY:
            raise ValueError(f"connector {connector.name!r} is already registered")
        self._connectors[connector.name] = connector
        return connector

    def get(self, name: str) -> Connector | None:
        return self._connectors.get(name)

    def __getitem__(self, name: str) -> Connector:
        return self._connectors[name]

    def __iter__(self) -> Iterator[Connector]:
        return iter(self._connectors.values())

    def __contains__(self, name: object) -> bool:
        return name in self._connectors

    def names(self) -> list[str]:
        return list(self._connectors)


def _citizen_id(user: Any) -> str:
    return getattr(user, "citizen_id", "") or ""


def _enterprise_code(user: Any) -> str:
    organisation = getattr(user, "organisation", None) if getattr(user, "organisation_id", None) else None
    return getattr(organisation, "enterprise_code", "") or ""


POPULATION = Connector(
    name="population",
    label=gettext_lazy("Cơ sở dữ liệu quốc gia về dân cư"),
    path="/population/v1/citizens/{key}",
    attributes=(
        "full_name",
        "date_of_birth",
        "sex",
        "nationality",
        "permanent_residence",
        "current_residence",
    ),
    key_of=_citizen_id,
    key_label=gettext_lazy("số định danh cá nhân"),
)
BUSINESS = Connector(
    name="business",
    label=gettext_lazy("Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp"),
    path="/business/v1/enterprises/{key}",
    attributes=("name", "address", "legal_representative", "status"),
    key_of=_enterprise_code,
    key_label=gettext_lazy("mã số doanh nghiệp"),
)
RESULTS = Connector(
    name="results",
    label=gettext_lazy("Kho kết quả giải quyết thủ tục hành chính"),
    path="/results/v1/documents/{key}",
    attributes=("document_type", "number", "issuer", "issued_on", "holder_citizen_id", "title"),
    key_of=None,
    key_label=gettext_lazy("số văn bản"),
)

registry = Registry((POPULATION, BUSINESS, RESULTS))


def source_label(name: str, connectors: Registry | None = None) -> str:
    """How a prefill source is named to people ("identity" is the applicant's own account)."""
    if name == IDENTITY:
        return _("Tài khoản định danh điện tử")
    connector = (connectors or registry).get(name)
    return str(connector.label) if connector else name


def prefill_problem(source: str, connectors: Registry | None = None) -> str | None:
    """Why an e-form's `prefill` cannot be used, in Vietnamese for the catalog author; None when it can."""
    from motcua.dossiers.services import IDENTITY_PREFILL  # late: dossiers' services import the e-form

    connectors = connectors or registry
    name, _dot, attribute = source.partition(".")
    known = ", ".join([IDENTITY, *(c.name for c in connectors if c.key_of is not None)])
    if name == IDENTITY:
        if attribute in IDENTITY_PREFILL:
            return None
        return _(
            "“%(source)s”: tài khoản định danh không có thông tin “%(attr)s”. Dùng một trong: %(attrs)s."
        ) % {
            "source": source,
            "attr": attribute,
            "attrs": ", ".join(f"identity.{a}" for a in sorted(IDENTITY_PREFILL)),
        }
    connector = connectors.get(name)
    if connector is None:
        return _("“%(source)s”: không có nguồn dữ liệu “%(name)s”. Các nguồn dùng được: %(known)s.") % {
            "source": source,
            "name": name,
            "known": known,
        }
    if connector.key_of is None:
        return _(
            "“%(source)s”: %(label)s tra cứu theo %(key)s do người nộp khai, nên không dùng để điền sẵn. "
            "Các nguồn dùng được: %(known)s."
        ) % {"source": source, "label": connector.label, "key": connector.key_label, "known": known}
    if attribute not in connector.attributes:
        return _("“%(source)s”: %(label)s không có thông tin “%(attr)s”. Dùng một trong: %(attrs)s.") % {
            "source": source,
            "label": connector.label,
            "attr": attribute,
            "attrs": ", ".join(f"{name}.{a}" for a in connector.attributes),
        }
    return None
