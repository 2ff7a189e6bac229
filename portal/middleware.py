from django.db import connection
from django.http import HttpResponse


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
