import html
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_in_with_any_letter_case(client, focal_point, password):
    response = client.post(reverse("login"), {"username": focal_point.email.upper(), "password": password})
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_wrong_password_gives_a_translated_error_and_keeps_the_address(client, focal_point):
    response = client.post("/fr/accounts/login/", {"username": focal_point.email, "password": "wrong"})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "L'adresse électronique ou le mot de passe n'est pas correct." in page
    assert focal_point.email in page


def test_inactive_account_cannot_sign_in(client, focal_point, password):
    focal_point.is_active = False
    focal_point.save()
    response = client.post(reverse("login"), {"username": focal_point.email, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, contributor, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": contributor.email})
    assert response.status_code == 302
    [mail] = mailoutbox
    link = re.search(r"https?://[^/]+(/\S+)", mail.body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-new-passphrase-1", "new_password2": "brand-new-passphrase-1"}
    )
    assert response.status_code == 302
    contributor.refresh_from_db()
    assert contributor.check_password("brand-new-passphrase-1")


def test_password_reset_for_unknown_address_reveals_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_sign_out_requires_post_and_ends_the_session(client, focal_point):
    client.force_login(focal_point)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302


def test_after_sign_in_the_language_of_the_sign_in_page_wins(client, focal_point, password):
    response = client.post(
        "/ar/accounts/login/?next=/en/states/",
        {"username": focal_point.email, "password": password, "next": "/en/states/"},
    )
    assert response.url == "/ar/states/"


def test_sign_in_never_redirects_to_another_site(client, focal_point, password):
    response = client.post(
        "/en/accounts/login/",
        {"username": focal_point.email, "password": password, "next": "https://evil.example/"},
    )
    assert response.url == "/en/"
