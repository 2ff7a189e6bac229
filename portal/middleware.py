import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device


class HealthCheckMiddleware:
    """Answers /healthz before host validation and HTTPS redirects, for container health checks.

    It says only whether the database answers; nothing else is exposed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return HttpResponse("database unavailable", status=503, content_type="text/plain")
        return HttpResponse("ok", content_type="text/plain")


class IdleSessionMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request.

    SESSION_COOKIE_AGE bounds a session from sign-in; this bounds it from the last request, so a
    computer left signed in does not stay usable for the whole working day. The time of the last request
    is written at most once a minute to spare a session write on every request.
    """

    KEY = "omnibus_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def start_clock(cls, sender, request, user, **kwargs):
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
            elif last_seen is None or now - last_seen >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)


class SecretariatTwoFactorMiddleware:
    """Secretariat people reach no page until they have confirmed a one-time code in this session.

    Signed in with the password only, a reviewer or administrator is sent to enrol an authenticator (no
    confirmed device yet) or to type its current code; only those pages, signing out and the language
    switch answer meanwhile. Anything but GET (a save, a form) is refused with 403 rather than redirected,
    so nothing is changed and nothing is lost silently.
    """

    ALLOWED_URL_NAMES = {"two_factor_enrol", "two_factor_verify", "logout", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "is_secretariat", False)
            and not user.is_verified()
        ):
            refusal = self._refuse(request, user)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refuse(self, request, user):
        if settings.STATIC_URL and request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.url_name in self.ALLOWED_URL_NAMES:
            return None
        if request.method != "GET":
            return HttpResponseForbidden(
                _("Confirm your sign-in with a one-time code first."), content_type="text/plain"
            )
        target = "two_factor_verify" if user_has_device(user) else "two_factor_enrol"
        return redirect_to_login(request.get_full_path(), login_url=reverse(target))
