from django.urls import path

from motcua.backoffice import views, views_counter, views_forms, views_keys
from motcua.workflow import selectors

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("viec-cua-toi/", views.work_queue, {"queue": selectors.MY_WORK}, name="my_work"),
    path("cho-phe-duyet/", views.work_queue, {"queue": selectors.APPROVAL}, name="approval"),
    path("cho-tra-ket-qua/", views.work_queue, {"queue": selectors.TO_RETURN}, name="to_return"),
    path("qua-han/", views.work_queue, {"queue": selectors.LATE}, name="overdue"),
    path("xin-y-kien/", views.work_queue, {"queue": selectors.CONSULTATIONS}, name="consultations"),
    path("ho-so/<uuid:public_id>/", views.dossier_check, name="dossier_check"),
    path("ho-so/<uuid:public_id>/xu-ly/", views.dossier_act, name="dossier_act"),
    path("ho-so/<uuid:public_id>/tep/<int:file_id>/", views.dossier_file_download, name="dossier_file"),
    path(
        "ho-so/<uuid:public_id>/tep/<int:file_id>/chu-ky-so/",
        views.signature_report_download,
        name="signature_report",
    ),
    path("ho-so/<uuid:public_id>/kiem-tra-chu-ky/", views.signature_recheck, name="signature_recheck"),
    path("ho-so/<uuid:public_id>/phieu/<int:decision_id>/", views_forms.decision_pdf, name="decision_pdf"),
    path("ho-so/<uuid:public_id>/phieu-kiem-soat/", views_forms.control_sheet_pdf, name="control_sheet_pdf"),
    path("so-theo-doi/", views_forms.tracking_book_export, name="tracking_book"),
    path("chung-thuc/", views_counter.certification_register, name="certification_register"),
    path("chung-thuc/moi/", views_counter.certification_new, name="certification_new"),
    path("chung-thuc/<uuid:public_id>/", views_counter.certification_detail, name="certification_detail"),
    path(
        "chung-thuc/<uuid:public_id>/tai-ve/",
        views_counter.certification_download,
        name="certification_download",
    ),
    path("tiep-nhan-tai-quay/", views_counter.counter_intake, name="counter_intake"),
    path(
        "ho-so/<uuid:public_id>/ket-qua/<int:result_id>/",
        views.dossier_result_download,
        name="dossier_result",
    ),
    path(
        "ho-so/<uuid:public_id>/van-ban/<int:document_id>/thu-hoi/",
        views_keys.document_revoke,
        name="document_revoke",
    ),
    path("khoa-ky-so/", views_keys.keys, name="keys"),
    path("khoa-ky-so/<int:agency_id>/cai-khoa/", views_keys.key_install, name="key_install"),
    path("khoa-ky-so/khoa/<int:key_id>/ngung-dung/", views_keys.key_deactivate, name="key_deactivate"),
    path(
        "khoa-ky-so/<int:agency_id>/dong-dau-giay-tiep-nhan/",
        views_keys.receipts_seal,
        name="receipts_seal",
    ),
]
