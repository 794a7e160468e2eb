from motcua.signatures.report import Check, Report, SignatureResult, Verdict, overall


def _signature(index: int, verdict: str, reason: str = "ok") -> SignatureResult:
    return SignatureResult(
        index=index,
        verdict=verdict,
        reason=reason,
        signer_name="Nguyễn Văn An",
        checks=[
            Check(kind="integrity", status="ok"),
            Check(kind="revocation", status="failed", reason=reason),
        ],
    )


def test_one_invalid_signature_makes_the_file_invalid_even_beside_a_valid_one():
    """R-SIG-3: one verdict per component; a broken second signature is not hidden by a good first."""
    verdict, reason, _params = overall(
        [_signature(1, Verdict.VALID), _signature(2, Verdict.INVALID, "revoked")]
    )
    assert (verdict, reason) == (Verdict.INVALID, "revoked")


def test_a_file_without_signatures_says_so():
    assert overall([])[0] == Verdict.NONE


def test_a_stored_report_reads_back_the_same_and_explains_itself_in_vietnamese():
    """R-SIG-4: the report is kept as JSON and read back unchanged years later."""
    signature = _signature(1, Verdict.INVALID, "expired")
    report = Report(
        format="pdf",
        file_sha256="0" * 64,
        verified_at="2026-11-28T07:00:00+00:00",
        policy="hard",
        verdict=Verdict.INVALID,
        reason="expired",
        reason_params={"not_after": "01/01/2026"},
        signatures=[signature],
    )
    again = Report.from_json(report.as_json())
    assert again == report
    assert "hết hạn" in again.text and "01/01/2026" in again.text
    assert again.signatures[0].check("revocation").status == "failed"
