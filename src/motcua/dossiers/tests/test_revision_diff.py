"""What a supplement changed, part by part (R-SUP-4): fields old → new, files by SHA-256."""

from __future__ import annotations

from django.utils import timezone

from motcua.dossiers.models import DossierRevision
from motcua.dossiers.selectors import FieldChange, FileChange, revision_diff
from motcua.dossiers.tests.factories import DossierFactory


def _file(component: str, name: str, sha: str) -> dict:
    return {
        "component": component,
        "name": name,
        "sha256": sha * 64,
        "size": 1,
        "content_type": "application/pdf",
    }


def _revisions(dossier, *manifests) -> None:
    for number, manifest in enumerate(manifests, start=1):
        DossierRevision.objects.create(
            dossier=dossier,
            number=number,
            submitted_at=timezone.now(),
            manifest=manifest,
            manifest_sha256="x",
        )
    dossier.revision = len(manifests)


def test_a_first_revision_has_no_diff(procedure):
    dossier = DossierFactory(submitted=True, procedure=procedure)
    _revisions(dossier, {"form_data": {}, "files": []})

    assert revision_diff(dossier=dossier) is None


def test_fields_changed_and_files_added_removed_replaced_or_kept_R_SUP_4(procedure):
    dossier = DossierFactory(submitted=True, procedure=procedure)
    _revisions(
        dossier,
        {
            "form_data": {"full_name": "An", "phone": "0912345678", "purpose": "Cũ"},
            "files": [_file("don", "don.pdf", "a"), _file("giay_to_khac", "cmnd.pdf", "b")],
        },
        {
            "form_data": {"full_name": "An", "phone": "0987654321", "cu": "giá trị bỏ khỏi tờ khai"},
            "files": [
                _file("don", "don-ky.pdf", "c"),
                _file("giay_to_khac", "cmnd.pdf", "b"),
                _file("giay_to_khac", "them.png", "d"),
            ],
        },
    )

    diff = revision_diff(dossier=dossier)

    assert (diff.old, diff.new) == (1, 2)
    assert diff.fields == [
        FieldChange("form.phone", "Số điện thoại", "0912345678", "0987654321"),
        FieldChange("form.purpose", "Mục đích", "Cũ", "—"),
        FieldChange("form.cu", "cu", "—", "giá trị bỏ khỏi tờ khai"),
    ]
    assert diff.files == [
        FileChange("component.don", "Đơn đề nghị", "replaced", "don.pdf", "a" * 64, "don-ky.pdf", "c" * 64),
        FileChange(
            "component.giay_to_khac", "Giấy tờ khác", "added", new_name="them.png", new_sha256="d" * 64
        ),
    ]
    assert diff.unchanged_files == 1
    assert diff.changed_targets == {
        "form.phone",
        "form.purpose",
        "form.cu",
        "component.don",
        "component.giay_to_khac",
    }


def test_a_file_removed_without_replacement_and_an_earlier_pair_of_revisions(procedure):
    dossier = DossierFactory(submitted=True, procedure=procedure)
    same = {"full_name": "An"}
    _revisions(
        dossier,
        {"form_data": same, "files": [_file("don", "don.pdf", "a"), _file("giay_to_khac", "x.pdf", "b")]},
        {"form_data": same, "files": [_file("don", "don.pdf", "a")]},
        {"form_data": same, "files": [_file("don", "don.pdf", "a")]},
    )

    assert revision_diff(dossier=dossier).is_empty  # 2 → 3: nothing changed
    earlier = revision_diff(dossier=dossier, number=2)
    assert earlier.fields == []
    assert earlier.files == [
        FileChange("component.giay_to_khac", "Giấy tờ khác", "removed", old_name="x.pdf", old_sha256="b" * 64)
    ]
