from django.urls import path

from motcua.backoffice import views, views_forms

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("ho-so/<uuid:public_id>/", views.dossier_check, name="dossier_check"),
    path("ho-so/<uuid:public_id>/tep/<int:file_id>/", views.dossier_file_download, name="dossier_file"),
    path("ho-so/<uuid:public_id>/phieu/<int:decision_id>/", views_forms.decision_pdf, name="decision_pdf"),
    path("ho-so/<uuid:public_id>/phieu-kiem-soat/", views_forms.control_sheet_pdf, name="control_sheet_pdf"),
    path("so-theo-doi/", views_forms.tracking_book_export, name="tracking_book"),
]
