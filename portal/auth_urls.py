"""Sign-in, sign-out and password reset, with the portal's templates."""

from urllib.parse import urlsplit

from django.contrib.auth import views as auth_views
from django.urls import path, translate_url
from django.utils.translation import get_language, get_language_from_path, override

from .forms_auth import EmailAuthenticationForm


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self):
        # The language chosen on the sign-in page wins over the one of the page that sent the person there.
        url = super().get_success_url()
        # translate_url resolves the path in the active language, so resolve it in the URL's own first.
        with override(get_language_from_path(urlsplit(url).path) or get_language()):
            return translate_url(url, self.request.LANGUAGE_CODE)


urlpatterns = [
    path(
        "login/",
        LoginView.as_view(),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            html_email_template_name=None,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
