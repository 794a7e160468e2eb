from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from motcua.api import views
from motcua.api.errors import NotFoundView

v1 = [
    path("procedures/", views.ProcedureListView.as_view(), name="procedure-list"),
    path("procedures/<str:code>/", views.ProcedureDetailView.as_view(), name="procedure-detail"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("dossiers/", views.DossierListView.as_view(), name="dossier-list"),
    path("dossiers/<uuid:public_id>/", views.DossierDetailView.as_view(), name="dossier-detail"),
    path("dossiers/<uuid:public_id>/files/", views.DossierFilesView.as_view(), name="dossier-files"),
    path(
        "dossiers/<uuid:public_id>/files/<int:file_id>/", views.DossierFileView.as_view(), name="dossier-file"
    ),
    path("dossiers/<uuid:public_id>/submit/", views.DossierSubmitView.as_view(), name="dossier-submit"),
    path("dossiers/<uuid:public_id>/timeline/", views.DossierTimelineView.as_view(), name="dossier-timeline"),
    path("submissions/", views.SubmissionView.as_view(), name="submission-create"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include((v1, "v1"))),
    # Anything else under /api/ answers 404 in the API's error shape, not the portal's HTML page.
    re_path(r"^.*$", NotFoundView.as_view(), name="api-not-found"),
]
