from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from motcua.api import views, views_backoffice, views_verification
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
    path("dossiers/<uuid:public_id>/resubmit/", views.DossierResubmitView.as_view(), name="dossier-resubmit"),
    path("dossiers/<uuid:public_id>/withdraw/", views.DossierWithdrawView.as_view(), name="dossier-withdraw"),
    path(
        "dossiers/<uuid:public_id>/results/<int:result_id>/",
        views.DossierResultView.as_view(),
        name="dossier-result",
    ),
    path("submissions/", views.SubmissionView.as_view(), name="submission-create"),
    path("backoffice/dossiers/", views_backoffice.QueueView.as_view(), name="backoffice-queue"),
    path(
        "backoffice/queues/<str:name>/",
        views_backoffice.WorkQueueView.as_view(),
        name="backoffice-work-queue",
    ),
    path(
        "backoffice/dossiers/<uuid:public_id>/",
        views_backoffice.OfficialDossierView.as_view(),
        name="backoffice-dossier",
    ),
    path(
        "backoffice/dossiers/<uuid:public_id>/files/<int:file_id>/",
        views_backoffice.OfficialFileView.as_view(),
        name="backoffice-dossier-file",
    ),
    path(
        "backoffice/dossiers/<uuid:public_id>/results/<int:result_id>/",
        views_backoffice.OfficialResultView.as_view(),
        name="backoffice-dossier-result",
    ),
    # One endpoint per workflow action: .../accept/, .../request-supplement/, ... (named backoffice-<action>).
    *(
        path(
            f"backoffice/dossiers/<uuid:public_id>/{view.action.replace('_', '-')}/",
            view.as_view(),
            name=f"backoffice-{view.action.replace('_', '-')}",
        )
        for view in views_backoffice.ACTION_VIEWS
    ),
    path(
        "backoffice/consultations/",
        views_backoffice.ConsultationListView.as_view(),
        name="backoffice-consultations",
    ),
    path(
        "backoffice/consultations/<int:consultation_id>/answer/",
        views_backoffice.ConsultationAnswerView.as_view(),
        name="backoffice-consultation-answer",
    ),
    path("tracking/<str:code>/", views.TrackingView.as_view(), name="tracking"),
    path("verification/", views_verification.VerificationUploadView.as_view(), name="verification"),
    path(
        "verification/<str:token>/",
        views_verification.VerificationTokenView.as_view(),
        name="verification-token",
    ),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include((v1, "v1"))),
    # Anything else under /api/ answers 404 in the API's error shape, not the portal's HTML page.
    re_path(r"^.*$", NotFoundView.as_view(), name="api-not-found"),
]
