"""Sign-in views: the password step (throttled by django-axes) and the Secretariat's second step."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, get_language_from_path, override
from django.utils.translation import gettext as _
from django_otp import user_has_device

from . import two_factor
from .audit import client_address
from .forms_auth import EmailAuthenticationForm, OneTimeCodeForm


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self):
        # The language chosen on the sign-in page wins over the one of the page that sent the person there.
        url = super().get_success_url()
        # translate_url resolves the path in the active language, so resolve it in the URL's own first.
        with override(get_language_from_path(urlsplit(url).path) or get_language()):
            url = translate_url(url, self.request.LANGUAGE_CODE)
        user = self.request.user
        # Just signed in with the password, the user object is a fresh one that django-otp has not seen
        # (no is_verified): the code is still to come. Already signed in, it tells.
        is_verified = getattr(user, "is_verified", None)
        if two_factor.needs_two_factor(user) and not (is_verified and is_verified()):
            step = "two_factor_verify" if user_has_device(user) else "two_factor_enrol"
            return f"{reverse(step)}?{urlencode({'next': url})}"
        return url


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path of this site: anything else (a full address, or text that `redirect` would take for
    # the name of a view) sends the person home.
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url("portal:home")


@login_required
def two_factor_enrol(request):
    """Show a new secret (text, otpauth link and QR code) and confirm it with the first code it gives."""
    user = request.user
    if not two_factor.needs_two_factor(user) or user.is_verified():
        return redirect(_next_url(request))
    if user_has_device(user):
        # Adding a second authenticator needs the first one: otherwise a stolen password would do.
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor.totp_device_pending(user=user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.totp_enrol_confirm(
            request=request,
            device=device,
            token=form.cleaned_data["code"],
            ip_address=client_address(request),
        ):
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not the one the app shows now. Check the clock of the phone."))
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "secret": two_factor.totp_secret(device),
            "otpauth_uri": device.config_url,
            "qr_code": two_factor.totp_qr_data_uri(device),
            "next": _next_url(request),
        },
    )


@login_required
def two_factor_verify(request):
    """The second step of signing in: the current code of the enrolled authenticator."""
    user = request.user
    if not two_factor.needs_two_factor(user) or user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(user):
        return redirect(f"{reverse('two_factor_enrol')}?{urlencode({'next': _next_url(request)})}")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.totp_sign_in(
            request=request, user=user, token=form.cleaned_data["code"], ip_address=client_address(request)
        ):
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _("This code is not correct, or was already used. Wait for the next one and try again."),
        )
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


def locked_out(request, original_response=None, credentials=None):
    """What django-axes shows instead of a bare error when a sign-in is refused after repeated failures."""
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
