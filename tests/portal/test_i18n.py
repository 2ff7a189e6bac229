import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["ar", "es", "fr", "ru", "zh_Hans"]


@pytest.mark.parametrize("language", ["ar", "en", "es", "fr", "ru", "zh-hans"])
def test_every_language_has_its_prefix(client, focal_point, language):
    client.force_login(focal_point)
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


def test_arabic_pages_are_right_to_left_with_rtl_bootstrap(client, focal_point):
    client.force_login(focal_point)
    page = client.get("/ar/").content.decode()
    assert 'dir="rtl"' in page
    assert "bootstrap.rtl.min.css" in page
    english = client.get("/en/").content.decode()
    assert 'dir="ltr"' in english
    assert "bootstrap.rtl.min.css" not in english


def test_unprefixed_address_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/en/"


def test_unknown_language_prefix_is_a_translated_not_found(client):
    response = client.get("/xx/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_language_switch_keeps_you_on_the_same_page(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/en/states/?regional_group=african"}
    )
    assert response.status_code == 302
    assert response.url == "/zh-hans/states/?regional_group=african"
    focal_point.refresh_from_db()
    assert focal_point.preferred_language == "zh-hans"


def test_switcher_lists_six_languages_in_their_own_names(client, focal_point):
    client.force_login(focal_point)
    page = client.get("/en/").content.decode()
    for name in ("العربيّة", "简体中文", "English", "Français", "Русский", "Español"):
        assert name in page


def test_home_page_is_translated(client, focal_point):
    client.force_login(focal_point)
    assert "Équipe" in client.get("/fr/").content.decode()
    assert "الفريق" in client.get("/ar/").content.decode()


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete(language):
    """Every message is translated and none is fuzzy, in every non-English language."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{po} is missing"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    # msgattrib prints the header entry (msgid "") when anything else is printed.
    missing = [line for line in untranslated.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert "msgid" not in fuzzy.replace('msgid ""', ""), f"{language}: fuzzy messages remain"
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)


def test_catalogue_is_up_to_date_with_the_code(tmp_path):
    """makemessages finds no message that the catalogues lack."""
    import shutil

    from django.core.management import call_command

    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    po = LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"
    before = {line for line in po.read_text().splitlines() if line.startswith("msgid ")}
    try:
        call_command(
            "makemessages",
            locale=["fr"],
            no_location=True,
            no_obsolete=True,
            ignore_patterns=[".venv", "node_modules", "staticfiles", "tests", "bench"],
            verbosity=0,
        )
        after = {line for line in po.read_text().splitlines() if line.startswith("msgid ")}
    finally:
        shutil.copy(copy / "fr" / "LC_MESSAGES" / "django.po", po)
    assert after - before == set(), f"run `make messages` and translate: {sorted(after - before)[:10]}"
