"""Root URLs. Every page lives under a language prefix: /ar/, /en/, /es/, /fr/, /ru/, /zh-hans/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

admin.site.site_header = "Omnibus"
admin.site.site_title = "Omnibus"

urlpatterns = [
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg", permanent=True)),
]

urlpatterns += i18n_patterns(
    path("", include("portal.core_urls")),
    path("accounts/", include("portal.auth_urls")),
    path("", include("surveys.urls")),
    path("assistance/", include("assistance.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
