from django.urls import path

from motcua.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("ho-so/<uuid:public_id>/", views.dossier_check, name="dossier_check"),
    path("ho-so/<uuid:public_id>/tep/<int:file_id>/", views.dossier_file_download, name="dossier_file"),
]
