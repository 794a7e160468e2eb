"""The one-stop forms of Circular 03/2025/TT-VPCP Annex I as plain data (R-FORM-1).

The renderers (`pdf.render_pdf`, `exports.tracking_book_xlsx`, `exports.tracking_book_csv`) take these
frozen dataclasses and nothing else, so the workflow can fill them from its models without the forms
knowing those models. Every datetime must be timezone-aware; it is printed in Vietnam's time.

The forms are legal documents whose wording is set in Vietnamese by the Circular, so their text is not
translated with gettext.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """The issuing unit, printed top left: the parent ("đơn vị chủ quản") above the unit itself."""

    name: str  # e.g. "Bộ phận Một cửa phường Ba Đình" (printed in capitals)
    parent_name: str = ""  # e.g. "Ủy ban nhân dân phường Ba Đình"
    # Appended to the form symbol as Annex I shows it, e.g. "TTPVHCC" gives "Số: 12/PBS-TTPVHCC".
    abbreviation: str = ""


@dataclass(frozen=True)
class Header:
    """What every form carries around its body: unit, number, place and date, signer, tracking link."""

    unit: Unit
    place: str  # "Hà Nội" prints "Hà Nội, ngày 28 tháng 11 năm 2026"
    date: dt.date
    number: str = ""  # the bare number, "12": the form adds its symbol, "Số: 12/PBS"; empty prints dots
    signer_name: str = ""
    signer_title: str = ""  # empty prints the form's own role, e.g. "NGƯỜI TIẾP NHẬN HỒ SƠ"
    # Public tracking page of the dossier; printed and encoded in a QR code (R-FORM-2, R-FORM-3).
    tracking_url: str = ""
    # Who printed an electronic dossier or result on paper (R-FORM-3, D45 Art. 18(2)).
    converted_by: str = ""
    # Public verification page of a sealed form; when set, the QR code opens it instead (R-FORM-3, R-RES-3).
    verification_url: str = ""


@dataclass(frozen=True)
class Party:
    """An applicant (organisation or person) or their delegate, as the forms name them."""

    name: str
    identifier: str = ""  # personal identification number, or enterprise/tax code of an organisation
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ReceiptSlip:
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả; carries every field of R-FORM-2."""

    header: Header
    dossier_code: str
    receiving_unit: str
    applicant: Party
    procedure_name: str  # what is requested ("Nội dung yêu cầu giải quyết")
    components: Sequence[str]  # the components received, printed as a numbered list
    processing_time: str  # by law, as it reads: "15 ngày làm việc"
    received_at: dt.datetime
    due_at: dt.datetime  # the appointment to return the result
    result_delivery: str  # where the result will be received: "Tại Bộ phận Một cửa", "Qua dịch vụ bưu chính"
    book_volume: str  # tracking book ("Sổ theo dõi hồ sơ") volume ...
    book_entry: str  # ... and entry number
    sets: int = 1
    delegate: Party | None = None  # who submitted under a mandate, if anyone
    mandate_document: str = ""  # the power of attorney, e.g. "Giấy ủy quyền số 15/UQ ngày 20/11/2026"


@dataclass(frozen=True)
class SupplementRequestDoc:
    """Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (PBS)."""

    header: Header
    dossier_code: str
    applicant: Party
    procedure_name: str
    items: Sequence[str]  # what must be supplemented or corrected, printed as a numbered list
    reason: str
    contact_name: str  # who helps the applicant ...
    contact_phone: str  # ... and how to reach them


@dataclass(frozen=True)
class RefusalDoc:
    """Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (PTC)."""

    header: Header
    receiving_unit: str
    applicant: Party
    procedure_name: str
    reason: str
    dossier_code: str = ""  # a refused dossier may have no code yet


@dataclass(frozen=True)
class ApologyDoc:
    """Form 04: Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết (PXL); signed by the head."""

    header: Header
    dossier_code: str
    applicant: Party
    procedure_name: str
    received_at: dt.datetime
    due_at: dt.datetime  # the original appointment, missed
    reason: str  # why the dossier is late
    new_due_at: dt.datetime  # the one new appointment


@dataclass(frozen=True)
class StopNoticeDoc:
    """Form 05: Thông báo dừng giải quyết hồ sơ, at the applicant's request (R-STOP-1)."""

    header: Header
    dossier_code: str
    applicant: Party
    procedure_name: str
    requested_at: dt.datetime  # when the applicant asked to stop
    status_at_request: str  # where the dossier stood then, e.g. "Đang giải quyết"
    reason: str = ""  # the applicant's reason, if they gave one


class Timeliness(enum.Enum):
    """How a step ended against its deadline, as the control sheet prints it."""

    EARLY = "Trước hạn"
    ON_TIME = "Đúng hạn"
    LATE = "Quá hạn"


@dataclass(frozen=True)
class HandOver:
    """One row of the control sheet: one unit or person held the dossier for one step."""

    step: str  # e.g. "Thẩm định hồ sơ"
    giver: str
    receiver: str
    received_at: dt.datetime
    handed_over_at: dt.datetime | None = None  # None while the receiver still holds it
    due_at: dt.datetime | None = None
    timeliness: Timeliness | None = None  # None while the step is open
    note: str = ""


@dataclass(frozen=True)
class ControlSheet:
    """Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ (PKS)."""

    header: Header
    dossier_code: str
    handling_unit: str  # the agency (department) that processes the dossier
    received_at: dt.datetime
    due_at: dt.datetime
    rows: Sequence[HandOver]
    coordinating_units: str = ""  # "cơ quan phối hợp giải quyết", if any


@dataclass(frozen=True)
class TrackingRow:
    """One dossier in the tracking book."""

    entry_number: int  # its number in the book, the one printed on its receipt slip
    dossier_code: str
    procedure_name: str
    applicant_name: str
    applicant_contact: str  # address and phone, as the book's column has them together
    lead_agency: str  # "cơ quan chủ trì giải quyết"
    received_at: dt.datetime
    due_at: dt.datetime
    result_delivery: str  # how the applicant receives the result
    returned_at: dt.datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class TrackingBook:
    """Form 07: Sổ theo dõi hồ sơ (STD) of one unit for one period."""

    header: Header
    period_start: dt.date
    period_end: dt.date
    rows: Sequence[TrackingRow]
    volume: str = ""  # "Quyển số"
    field_name: str = ""  # one book per field or group of fields ("lĩnh vực")
