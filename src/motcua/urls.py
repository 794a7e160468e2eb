from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("motcua.api.urls")),
    path("mot-cua/", include("motcua.backoffice.urls")),
    path("lien-thong/", include("motcua.connectors.urls")),
    path("", include("motcua.portal.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
