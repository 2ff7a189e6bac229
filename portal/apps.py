from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from .middleware import IdleSessionMiddleware
        from .security import record_lockout

        # The idle clock starts at sign-in, so the first page after it needs no extra session write.
        user_logged_in.connect(IdleSessionMiddleware.start_clock, dispatch_uid="portal_idle_session_clock")
        user_locked_out.connect(record_lockout, dispatch_uid="portal_audit_lockout")
