from django.urls import path

from motcua.connectors import views

app_name = "connectors"

urlpatterns = [
    path("ho-so/<uuid:public_id>/bao-sai/<slug:key>/", views.report_error, name="report_error"),
]
