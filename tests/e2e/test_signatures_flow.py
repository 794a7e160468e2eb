"""Digital signatures as people meet them, in real browsers on a live server (issue 4).

- A citizen on a phone uploads an unsigned file where a signature is required and is told at once what to
  do; the signed file shows its verdict and signer. The receptionist reads the signature panel and
  accepts; the receipt is sealed by the agency.
- The result goes out sealed; a stranger checks the downloaded file on the public verification page and
  learns who issued it for which dossier, without any personal data; a modified copy is told apart.
- At the counter a receptionist certifies a paper original; the copy is in the register and in the
  citizen's account, ready to use for a component that requires a certified copy.

Only the keys, the trust store and the revocation data (CRLs cached as if fetched: no network) are set
up by the test; everything else is done by people on pages.
"""

from __future__ import annotations

import io
import re

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from playwright.sync_api import Page, expect
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from motcua.dossiers.models import Dossier
from motcua.signatures import testing
from tests.e2e.pages import assert_accessible, decide, log_in, off_the_loop, open_from_queue, pdf_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("trust_store", "cached_crls", "seal_key"),
]

SIGN_IT = "Hãy ký số tệp bằng chữ ký số của bạn rồi tải lên lại."


def seal_signatures(data: bytes, demo_pki) -> list[tuple[bytes, bool]]:
    """(signer certificate's SHA-256, valid and trusted) of each signature in a PDF, by pyHanko alone: the demo root
    as the only trust anchor, its CRLs as revocation data, nothing fetched, revocation checked hard."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko_certvalidator import ValidationContext

    def cert(name: str):
        return asn1_x509.Certificate.load(demo_pki[name].certificate.public_bytes(Encoding.DER))

    context = ValidationContext(
        trust_roots=[cert("root-ca")],
        other_certs=[cert("intermediate-ca")],
        crls=[
            asn1_crl.CertificateList.load(c.public_bytes(Encoding.DER))
            for c in (demo_pki.root_crl, demo_pki.intermediate_crl)
        ],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    found = []
    for signature in PdfFileReader(io.BytesIO(data)).embedded_signatures:
        status = off_the_loop(validate_pdf_signature, signature, signer_validation_context=context)
        found.append((signature.signer_cert.sha256, status.bottom_line))
    return found


def citizen_logs_in(page: Page, live_server, citizen) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Đăng nhập").click()
    log_in(page, citizen.username)


def citizen_starts(page: Page, procedure) -> None:
    """From any portal page: find the procedure, start a dossier, land on the draft."""
    page.get_by_role("link", name="Dịch vụ công trực tuyến").click()
    page.get_by_label("Bạn cần làm thủ tục gì?").fill(procedure.name)
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=procedure.name).click()
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]+/soan/$"))
    assert_accessible(page)


def upload(page: Page, component: str, path) -> None:
    page.get_by_label(f"Chọn tệp cho “{component}”").set_input_files(str(path))
    page.get_by_role("button", name=f"Tải lên tệp cho “{component}”").click()


def test_signed_component_is_verified_and_the_receipt_and_result_are_sealed(
    live_server,
    page,
    stranger,
    tmp_path,
    pki_dir,
    demo_pki,
    citizen,
    signed_procedure,
    agency,
    receptionist,
    specialist,
    leader,
    desk,
):
    """R-SIG-1, R-SIG-3, R-RES-1, R-RES-3: what the citizen, the officials and a stranger see of signatures."""
    procedure = signed_procedure
    form = tmp_path / "don.pdf"
    form.write_bytes(testing.make_pdf("Don de nghi"))
    unsigned = tmp_path / "cam-ket.pdf"
    unsigned.write_bytes(testing.make_pdf("Ban cam ket"))
    signed = tmp_path / "cam-ket-da-ky.pdf"
    signed.write_bytes(off_the_loop(testing.sign_pdf, unsigned.read_bytes(), pki_dir, "signer-citizen"))
    result_file = tmp_path / "giay-chung-nhan.pdf"
    result_file.write_bytes(testing.make_pdf("Giay chung nhan"))

    # 1. The citizen, on a phone: an unsigned commitment is refused at once, with what to do.
    citizen_logs_in(page, live_server, citizen)
    citizen_starts(page, procedure)
    page.get_by_label("Số điện thoại").fill("0912345678")
    upload(page, "Đơn đề nghị", form)
    expect(page.get_by_text("Đã tải lên tệp “don.pdf”.")).to_be_visible()
    upload(page, "Bản cam kết", unsigned)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("“Bản cam kết” phải được ký số")
    expect(summary).to_contain_text(SIGN_IT)
    expect(page.locator("#component-cam_ket .error-message")).to_contain_text(SIGN_IT)
    expect(page.locator("#component-cam_ket .file-name")).to_have_count(0)  # not kept
    assert_accessible(page)

    # The signed one is kept, with its verdict and who signed it.
    upload(page, "Bản cam kết", signed)
    line = page.locator("#component-cam_ket .signature-line")
    expect(line).to_contain_text("Chữ ký số: Hợp lệ")
    expect(line).to_contain_text(citizen.full_name)
    assert_accessible(page)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/kiem-tra/$"))
    assert_accessible(page)
    expect(page.locator(".signature-line")).to_contain_text("Chữ ký số: Hợp lệ")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/da-nop/$"))
    expect(page.get_by_role("heading", name="Đã gửi thành công")).to_be_visible()
    dossier = Dossier.objects.get(applicant=citizen)  # read only
    dossier_url = page.url.replace("/da-nop/", "/")

    # 2. The receptionist reads the signature panel: the signer, the ID number, every criterion.
    desk_r = desk(receptionist)
    open_from_queue(desk_r, "Chờ tiếp nhận", dossier.reference)
    panel = desk_r.get_by_role("region", name="Chữ ký số")
    expect(panel).to_contain_text("Bản cam kết: cam-ket-da-ky.pdf")
    expect(panel.locator(".signature .tag").first).to_have_text("Hợp lệ")
    expect(panel).to_contain_text(f"{citizen.full_name} (CCCD:{citizen.citizen_id})")
    for criterion in ("Toàn vẹn dữ liệu", "Tình trạng thu hồi"):
        expect(panel.get_by_role("row", name=re.compile(criterion))).to_contain_text("Đạt")
    expect(panel).to_contain_text("không được yêu cầu người nộp xuất trình bản giấy")  # R-PROH-2
    expect(panel).not_to_contain_text("don.pdf")  # the unsigned form has no report
    for component in ("Đơn đề nghị (bắt buộc)", "Bản cam kết (bắt buộc)"):
        desk_r.get_by_role("group", name=component).get_by_label("Đạt", exact=True).check()
    decide(desk_r, "Tiếp nhận hồ sơ", "Đã tiếp nhận hồ sơ. Mã hồ sơ:")
    dossier.refresh_from_db()
    with desk_r.expect_download() as receipt:
        desk_r.get_by_role("link", name="Tải giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)").click()
    agency_seal = demo_pki["agency-seal"].certificate.fingerprint(hashes.SHA256())
    assert seal_signatures(pdf_of(receipt.value), demo_pki) == [(agency_seal, True)]

    # 3. The result goes through the agency and is issued sealed.
    desk_l = desk(leader)
    open_from_queue(desk_l, "Việc của tôi", dossier.code)
    desk_l.get_by_label("Chuyên viên xử lý").select_option(label=specialist.display_name)
    decide(desk_l, "Phân công", f"Đã phân công {specialist.display_name} xử lý hồ sơ.")
    desk_s = desk(specialist)
    open_from_queue(desk_s, "Việc của tôi", dossier.code)
    desk_s.get_by_label("Tệp kết quả (PDF, tối đa 50 MB)").set_input_files(str(result_file))
    decide(desk_s, "Đính kèm", f"Đã đính kèm kết quả {dossier.code}-KQ")
    decide(desk_s, "Trình phê duyệt", "Đã trình lãnh đạo phê duyệt.")
    open_from_queue(desk_l, "Chờ phê duyệt", dossier.code)
    decide(desk_l, "Phê duyệt", "Đã phê duyệt. Hồ sơ chuyển sang bước ban hành kết quả.")
    open_from_queue(desk_s, "Việc của tôi", dossier.code)
    decide(desk_s, "Ban hành kết quả", "Đã ban hành kết quả. Hồ sơ chờ Bộ phận Một cửa trả kết quả.")
    open_from_queue(desk_r, "Chờ trả kết quả", dossier.code)
    decide(desk_r, "Trả kết quả", "Đã trả kết quả cho người nộp. Hồ sơ đã hoàn thành.")

    # 4. The citizen downloads the result: the agency's seal is on it.
    page.goto(dossier_url)
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("#ket-qua").get_by_role("link", name="giay-chung-nhan.pdf").click()
    issued = pdf_of(download.value)
    assert issued != result_file.read_bytes()
    assert seal_signatures(issued, demo_pki) == [(agency_seal, True)]
    issued_file = tmp_path / "ket-qua-tai-ve.pdf"
    issued_file.write_bytes(issued)

    # 5. A stranger, not logged in, checks the file: issued by the agency for this dossier, unmodified,
    # signatures valid; nothing about the citizen.
    def check(path) -> None:
        stranger.goto(live_server.url + "/xac-thuc/")
        expect(stranger.get_by_role("heading", level=1)).to_have_text("Xác thực văn bản")
        assert_accessible(stranger)
        stranger.get_by_label("Tệp PDF cần xác thực").set_input_files(str(path))
        stranger.get_by_role("button", name="Xác thực", exact=True).click()
        expect(stranger.get_by_role("region", name="Kết quả xác thực")).to_be_visible()
        assert_accessible(stranger)
        assert citizen.full_name not in stranger.content()
        assert citizen.citizen_id not in stranger.content()

    outcome = stranger.get_by_role("region", name="Kết quả xác thực")
    check(issued_file)
    expect(outcome).to_contain_text(
        "Đúng là văn bản do hệ thống motcua ban hành, nguyên vẹn, chưa bị sửa đổi."
    )
    expect(outcome.locator(".summary-list")).to_contain_text(agency.name)
    expect(outcome.locator(".summary-list")).to_contain_text(dossier.code)
    expect(outcome.locator(".summary-list")).to_contain_text("Còn hiệu lực, chưa bị thu hồi")
    expect(outcome).to_contain_text("Hợp lệ")

    # The QR code's link says the same.
    token = re.search(rb"motcua(?:-|\\055)seal(?:-|\\055)([A-Z2-9]{20})", issued)
    assert token is not None
    stranger.goto(f"{live_server.url}/xac-thuc/{token.group(1).decode()}/")
    expect(outcome).to_contain_text(dossier.code)
    assert_accessible(stranger)
    assert citizen.full_name not in stranger.content()

    # A byte changed inside what was sealed: not the issued document.
    changed = bytearray(issued)
    # inside a stream of the first page's revision
    at = issued.index(b"stream", issued.index(b"/Contents")) + 20
    changed[at] ^= 0x01
    tampered = tmp_path / "ket-qua-sua.pdf"
    tampered.write_bytes(bytes(changed))
    check(tampered)
    expect(outcome).to_contain_text("đã bị sửa đổi")
    expect(outcome).not_to_contain_text("chưa bị sửa đổi")
    expect(outcome).to_contain_text("Không hợp lệ: Nội dung đã bị thay đổi sau khi ký")

    # Something appended after issuing (an incremental update that replaces the page's content).
    extended = tmp_path / "ket-qua-them.pdf"
    extended.write_bytes(off_the_loop(testing.change_content, issued, "Noi dung gia mao"))
    check(extended)
    expect(outcome).to_contain_text("đã được thêm nội dung sau khi ban hành")
    expect(outcome).not_to_contain_text("chưa bị sửa đổi")
    expect(outcome).to_contain_text("Không hợp lệ: Tài liệu đã bị sửa nội dung sau khi ký")


@pytest.fixture
def receptionist_key(agency, receptionist, pki_dir, seal_password):
    """The receptionist signs certified copies with a personal key (the demo PKI's official certificate)."""
    from motcua.signatures.issuing import signing_key_install

    return signing_key_install(
        agency=agency,
        holder=receptionist,
        p12=(pki_dir / "official-leader.p12").read_bytes(),
        password_env=seal_password,
    )


def scanned_page(path, label: str) -> None:
    """A scanned page as a phone camera or a scanner gives it: a PNG image."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 840), "white")
    ImageDraw.Draw(image).text((40, 40), label, fill="black")
    image.save(path, format="PNG")


def test_a_copy_certified_at_the_counter_is_reused_by_the_citizen_with_one_click(
    live_server, page, tmp_path, demo_pki, citizen, signed_procedure, receptionist, receptionist_key, desk
):
    """R-CERT-1: certified at the counter, in the register with its number, signed by the official and the
    agency; the citizen finds it in the account and uses it where a certified copy is required (R-SIG-1)."""
    scans = [tmp_path / "trang-02.png", tmp_path / "trang-01.png"]  # chosen out of order
    for number, path in enumerate(reversed(scans), start=1):
        scanned_page(path, f"GIAY KHAI SINH - TRANG {number}")

    # 1. The receptionist certifies a two-page paper original from two scanned images.
    desk_r = desk(receptionist)
    desk_r.get_by_role("navigation", name="Hàng đợi hồ sơ").get_by_role(
        "link", name="Chứng thực bản sao"
    ).click()
    expect(desk_r.get_by_role("heading", level=1)).to_have_text("Sổ chứng thực bản sao điện tử")
    assert_accessible(desk_r)
    desk_r.get_by_role("link", name="Chứng thực bản sao mới").click()
    expect(desk_r.get_by_role("heading", level=1)).to_have_text("Chứng thực bản sao điện tử từ bản chính")
    assert_accessible(desk_r)
    desk_r.get_by_label("Số định danh cá nhân hoặc số hộ chiếu").fill(citizen.citizen_id)
    desk_r.get_by_label("Tên giấy tờ, văn bản").fill("Giấy khai sinh")
    desk_r.get_by_label("Cơ quan, tổ chức cấp").fill("Ủy ban nhân dân phường Ba Đình")
    desk_r.get_by_label("Số, ký hiệu").fill("123/2010")
    desk_r.get_by_label("Số trang của bản chính").fill("2")
    desk_r.get_by_label("Bản quét từ bản chính").set_input_files([str(p) for p in scans])
    desk_r.get_by_role("button", name="Chứng thực và ký số").click()

    heading = desk_r.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Bản sao chứng thực số \S+$"))
    number = heading.inner_text().removeprefix("Bản sao chứng thực số ")
    assert_accessible(desk_r)
    expect(desk_r.locator(".summary-list")).to_contain_text(f"{citizen.full_name} ({citizen.citizen_id})")
    with desk_r.expect_download() as download:
        desk_r.get_by_role("link", name=re.compile("^Tải bản sao đã ký số")).click()
    signatures = seal_signatures(pdf_of(download.value), demo_pki)
    assert signatures == [
        (demo_pki[name].certificate.fingerprint(hashes.SHA256()), True)
        for name in ("official-leader", "agency-seal")
    ]
    desk_r.get_by_role("link", name="Sổ chứng thực").click()
    row = desk_r.locator("tbody tr", has=desk_r.get_by_role("link", name=number, exact=True))
    expect(row).to_contain_text("Giấy khai sinh")
    expect(row).to_contain_text(citizen.full_name)
    expect(row).to_contain_text(receptionist.display_name)

    # 2. The citizen finds it under "Bản sao chứng thực" and uses it for the certified-copy component.
    citizen_logs_in(page, live_server, citizen)
    page.get_by_role("link", name="Bản sao chứng thực").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bản sao chứng thực của tôi")
    assert_accessible(page)
    expect(page.locator(".card")).to_contain_text(f"Số chứng thực {number}")
    citizen_starts(page, signed_procedure)
    component = page.locator("#component-ban_sao")
    component.get_by_text("Hoặc dùng bản sao chứng thực điện tử đã có").click()
    component.get_by_role("button", name="Dùng bản sao này cho “Bản sao giấy khai sinh”").click()
    attached = component.locator(":scope > .file-list > li")
    expect(attached).to_have_count(1)
    expect(attached.locator(".signature-line")).to_contain_text("Chữ ký số: Hợp lệ")
    assert_accessible(page)


def test_a_paper_dossier_taken_in_at_the_counter_is_captured_signed_and_accepted(
    live_server, tmp_path, demo_pki, signed_procedure, agency, receptionist, receptionist_key, desk
):
    """R-CERT-2: the receptionist creates the dossier of someone who came in person, scanning the paper
    components; each capture is signed by the receptionist, and the signature panel says so."""
    form, commitment = tmp_path / "don-01.png", tmp_path / "cam-ket-01.png"
    scanned_page(form, "DON DE NGHI")
    scanned_page(commitment, "BAN CAM KET")

    desk_r = desk(receptionist)
    desk_r.get_by_role("navigation", name="Hàng đợi hồ sơ").get_by_role(
        "link", name="Tiếp nhận tại quầy"
    ).click()
    expect(desk_r.get_by_role("heading", level=1)).to_have_text("Tiếp nhận hồ sơ giấy tại quầy")
    assert_accessible(desk_r)
    desk_r.get_by_label("Số định danh cá nhân của người nộp").fill("001085004321")
    desk_r.get_by_label("Thủ tục").select_option(value=signed_procedure.code)
    desk_r.get_by_role("button", name="Tiếp tục").click()

    expect(desk_r.get_by_role("heading", level=1)).to_have_text(signed_procedure.name)
    expect(desk_r.get_by_text("Chưa có tài khoản với số định danh 001085004321")).to_be_visible()
    assert_accessible(desk_r)
    desk_r.get_by_role("group", name="Thông tin tài khoản mới").get_by_label("Họ và tên").fill(
        "Phạm Thị Dung"
    )
    desk_r.get_by_label("Số điện thoại", exact=True).fill("0987654321")
    desk_r.get_by_label("Đơn đề nghị").set_input_files(str(form))
    desk_r.get_by_label("Bản cam kết").set_input_files(str(commitment))
    desk_r.get_by_label("Tiếp nhận hồ sơ ngay").check()
    desk_r.get_by_role("button", name="Nộp hồ sơ thay người nộp").click()

    desk_r.wait_for_url(re.compile(r"/mot-cua/ho-so/[0-9a-f-]+/$"))
    assert_accessible(desk_r)
    expect(desk_r.locator(".tag-status-processing")).to_have_text("Đang giải quyết")
    expect(desk_r.get_by_text(f"quét và ký số bởi {receptionist.display_name}").first).to_be_visible()
    components = desk_r.get_by_role("region", name="Thành phần hồ sơ").locator("li", has_text="Bản cam kết")
    expect(components.locator(".signature-line")).to_contain_text("Chữ ký số: Hợp lệ")
    official = demo_pki["official-leader"].certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    expect(components.locator(".signature-line")).to_contain_text(str(official[0].value))
    with desk_r.expect_download() as receipt:
        desk_r.get_by_role("link", name="Tải giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)").click()
    agency_seal = demo_pki["agency-seal"].certificate.fingerprint(hashes.SHA256())
    assert seal_signatures(pdf_of(receipt.value), demo_pki) == [(agency_seal, True)]
