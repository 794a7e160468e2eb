"""One filled-in example of each form, as the workflow would pass them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from motcua.documents.forms import (
    ApologyDoc,
    ControlSheet,
    HandOver,
    Header,
    Party,
    ReceiptSlip,
    RefusalDoc,
    StopNoticeDoc,
    SupplementRequestDoc,
    Timeliness,
    TrackingBook,
    TrackingRow,
    Unit,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.00.00.H26-261128-0001"
TRACKING_URL = "https://dichvucong.example.gov.vn/tra-cuu/000.00.00.H26-261128-0001"

HEADER = Header(
    unit=Unit(
        name="Bộ phận Một cửa phường Ba Đình",
        parent_name="Ủy ban nhân dân phường Ba Đình",
    ),
    place="Hà Nội",
    date=dt.date(2026, 11, 28),
    number="12",
    signer_name="Lê Văn Cường",
    tracking_url=TRACKING_URL,
    converted_by="Lê Văn Cường",
)
APPLICANT = Party(
    name="Nguyễn Thị Hoà",
    identifier="001190012345",
    address="Số 1 phố Đội Cấn, phường Ba Đình, Hà Nội",
    phone="0912345678",
    email="hoa@example.vn",
)
PROCEDURE = "Đăng ký khai sinh"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN)


def receipt_slip(**changes: Any) -> ReceiptSlip:
    slip = ReceiptSlip(
        header=HEADER,
        dossier_code=CODE,
        receiving_unit="Bộ phận Một cửa phường Ba Đình",
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        components=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        processing_time="01 ngày làm việc",
        received_at=at(28, 14, 30),
        due_at=at(30, 8),
        result_delivery="Bộ phận Một cửa phường Ba Đình",
        book_volume="03",
        book_entry="125",
        delegate=Party(name="Trần Văn Dũng", identifier="001080011111", phone="0987654321"),
        mandate_document="Giấy ủy quyền ngày 20/11/2026",
    )
    return replace(slip, **changes)


def supplement_request() -> SupplementRequestDoc:
    return SupplementRequestDoc(
        header=replace(HEADER, signer_name="Phạm Thu Hằng"),
        dossier_code=CODE,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        items=["Bổ sung bản sao Giấy chứng sinh có chứng thực", "Ghi rõ quê quán của người mẹ"],
        reason="Bản chụp Giấy chứng sinh bị mờ, không đọc được số hiệu.",
        contact_name="bà Phạm Thu Hằng",
        contact_phone="024 3823 4567",
    )


def refusal() -> RefusalDoc:
    return RefusalDoc(
        header=replace(HEADER, number="7"),
        receiving_unit="Bộ phận Một cửa phường Ba Đình",
        applicant=APPLICANT,
        procedure_name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        reason="Thủ tục này thuộc thẩm quyền của Ủy ban nhân dân thành phố Hà Nội, không thuộc phường.",
    )


def apology() -> ApologyDoc:
    return ApologyDoc(
        header=replace(HEADER, number="3", signer_name="Hoàng Minh Đức", signer_title="Chủ tịch"),
        dossier_code=CODE,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        received_at=at(28, 14, 30),
        due_at=at(30, 8),
        reason="Cần xác minh thông tin nơi sinh với bệnh viện.",
        new_due_at=at(3, 16, month=12),
    )


def stop_notice() -> StopNoticeDoc:
    return StopNoticeDoc(
        header=replace(HEADER, number="5"),
        dossier_code=CODE,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        requested_at=at(29, 9, 15),
        status_at_request="Đang giải quyết",
        reason="Gia đình đã đăng ký khai sinh tại nơi cư trú khác.",
    )


def control_sheet() -> ControlSheet:
    return ControlSheet(
        header=replace(HEADER, number="9"),
        dossier_code=CODE,
        handling_unit="Ủy ban nhân dân phường Ba Đình",
        coordinating_units="Công an phường Ba Đình",
        received_at=at(28, 14, 30),
        due_at=at(30, 8),
        rows=[
            HandOver(
                step="Chuyển hồ sơ đến công chức tư pháp - hộ tịch",
                giver="Lê Văn Cường (Bộ phận Một cửa)",
                receiver="Đỗ Thị Giang (Tư pháp - hộ tịch)",
                received_at=at(28, 14, 45),
                handed_over_at=at(28, 16, 30),
                due_at=at(28, 17),
                timeliness=Timeliness.EARLY,
            ),
            HandOver(
                step="Trình ký",
                giver="Đỗ Thị Giang (Tư pháp - hộ tịch)",
                receiver="Hoàng Minh Đức (Chủ tịch)",
                received_at=at(28, 16, 30),
                handed_over_at=at(30, 9),
                due_at=at(30, 8),
                timeliness=Timeliness.LATE,
                note="Chờ xác minh nơi sinh",
            ),
            HandOver(
                step="Trả kết quả",
                giver="Hoàng Minh Đức (Chủ tịch)",
                receiver="Lê Văn Cường (Bộ phận Một cửa)",
                received_at=at(30, 9),
            ),
        ],
    )


def tracking_book() -> TrackingBook:
    return TrackingBook(
        header=replace(HEADER, number="1", tracking_url=""),
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 30),
        volume="03",
        field_name="Hộ tịch",
        rows=[
            TrackingRow(
                entry_number=125,
                dossier_code=CODE,
                procedure_name=PROCEDURE,
                applicant_name="Nguyễn Thị Hoà",
                applicant_contact="Số 1 phố Đội Cấn; 0912345678",
                lead_agency="UBND phường Ba Đình",
                received_at=at(28, 14, 30),
                due_at=at(30, 8),
                returned_at=at(30, 9, 10),
                result_delivery="Trực tiếp",
            ),
            TrackingRow(
                entry_number=126,
                dossier_code="000.00.00.H26-261128-0002",
                procedure_name="Đăng ký kết hôn",
                applicant_name="Trương Văn Ước",
                applicant_contact="Ngõ 5 phố Vĩnh Phúc; 0904000111",
                lead_agency="UBND phường Ba Đình",
                received_at=at(28, 15, 5),
                due_at=at(2, 15, 5, month=12),
                result_delivery="Dịch vụ bưu chính",
                note="Chưa trả",
            ),
        ],
    )
