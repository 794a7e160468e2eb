from django.urls import path

from motcua.portal import forms, views, views_forms, views_verify, views_warehouse

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/bat-dau/", views.dossier_start, name="dossier_start"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/<str:code>/", views.track_code, name="track_code"),
    path("xac-thuc/", views_verify.verify, name="verify"),
    path("xac-thuc/<str:token>/", views_verify.verify_token_page, name="verify_token"),
    path("dia-gioi/xa/", views.communes, name="communes"),
    path(
        "dang-nhap/",
        views.LoginView.as_view(authentication_form=forms.LoginForm),
        name="login",
    ),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("ho-so/", views.my_dossiers, name="my_dossiers"),
    path("ho-so/<uuid:public_id>/", views.dossier_detail, name="dossier_detail"),
    path("ho-so/<uuid:public_id>/soan/", views.dossier_edit, name="dossier_edit"),
    path("ho-so/<uuid:public_id>/tep/", views.dossier_upload, name="dossier_upload"),
    path("ho-so/<uuid:public_id>/tep/<int:file_id>/", views.dossier_file_download, name="dossier_file"),
    path(
        "ho-so/<uuid:public_id>/tep/<int:file_id>/xoa/", views.dossier_file_delete, name="dossier_file_delete"
    ),
    path("ho-so/<uuid:public_id>/kiem-tra/", views.dossier_review, name="dossier_review"),
    path("ho-so/<uuid:public_id>/da-nop/", views.dossier_ack, name="dossier_ack"),
    path("ho-so/<uuid:public_id>/phieu/<int:decision_id>/", views_forms.decision_pdf, name="decision_pdf"),
    path("ho-so/<uuid:public_id>/bo-sung/", views.dossier_supplement, name="dossier_supplement"),
    path(
        "ho-so/<uuid:public_id>/bo-sung/kiem-tra/",
        views.dossier_supplement_review,
        name="dossier_supplement_review",
    ),
    path("ho-so/<uuid:public_id>/da-bo-sung/", views.dossier_supplement_ack, name="dossier_supplement_ack"),
    path("ho-so/<uuid:public_id>/dung/", views.dossier_withdraw, name="dossier_withdraw"),
    path(
        "ho-so/<uuid:public_id>/ket-qua/<int:result_id>/",
        views.dossier_result_download,
        name="dossier_result",
    ),
    path("ho-so/<uuid:public_id>/dung-ban-sao/", views.dossier_use_copy, name="dossier_use_copy"),
    path("ho-so/<uuid:public_id>/dung-giay-to/", views.dossier_use_document, name="dossier_use_document"),
    path("kho-du-lieu/", views_warehouse.warehouse, name="warehouse"),
    path("kho-du-lieu/them/", views_warehouse.document_add, name="warehouse_add"),
    path("kho-du-lieu/nhat-ky/", views_warehouse.access_log, name="warehouse_access_log"),
    path("kho-du-lieu/dong-y/", views_warehouse.consents, name="warehouse_consents"),
    path(
        "kho-du-lieu/dong-y/<uuid:public_id>/rut-lai/",
        views_warehouse.consent_withdraw,
        name="warehouse_consent_withdraw",
    ),
    path("kho-du-lieu/<uuid:public_id>/", views_warehouse.document_download, name="warehouse_document"),
    path("kho-du-lieu/<uuid:public_id>/xoa/", views_warehouse.document_delete, name="warehouse_delete"),
    path("ban-sao-chung-thuc/", views.certified_copies, name="certified_copies"),
    path("ban-sao-chung-thuc/<uuid:public_id>/", views.certified_copy_download, name="certified_copy"),
    path("hop-thu/", views.inbox, name="inbox"),
    path("hop-thu/<int:message_id>/da-doc/", views.inbox_read, name="inbox_read"),
]
