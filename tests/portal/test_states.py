import pytest
from django.urls import reverse
from django.utils import translation

from portal.models import Country, TreatyParticipation

pytestmark = pytest.mark.django_db


def test_reference_data_has_every_member_state_and_the_other_parties(all_states):
    assert Country.objects.filter(kind=Country.Kind.MEMBER_STATE).count() == 193
    for iso2 in ("EU", "PS", "VA", "CK", "NU"):
        assert Country.objects.filter(iso2=iso2).exists(), iso2
    assert Country.objects.get(iso2="EU").kind == Country.Kind.REGIONAL_ORGANIZATION
    assert TreatyParticipation.objects.count() == Country.objects.count() * 4


def test_every_state_is_named_in_six_languages(all_states):
    for field in ("name_en", "name_ar", "name_es", "name_fr", "name_ru", "name_zh_hans"):
        assert not Country.objects.filter(**{field: ""}).exists(), field
    france = Country.objects.get(iso2="FR")
    with translation.override("zh-hans"):
        assert france.name == "法国"
    with translation.override("ar"):
        assert france.name == "فرنسا"


def test_every_member_state_has_a_regional_group(all_states):
    assert not Country.objects.filter(kind=Country.Kind.MEMBER_STATE, regional_group="").exists()


def test_loading_twice_changes_nothing(all_states):
    from portal.reference_data import states_load

    assert states_load() == {"created": 0, "updated": 0, "total": 198}


def test_state_list_filters_and_uses_a_constant_number_of_queries(
    client, reviewer, all_states, django_assert_max_num_queries
):
    client.force_login(reviewer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portal:country_list"))
    assert len(response.context["countries"]) == 198
    response = client.get(reverse("portal:country_list"), {"regional_group": "eastern_european"})
    assert {c.iso2 for c in response.context["countries"]} >= {"PL", "RU", "UA"}
    assert "FR" not in {c.iso2 for c in response.context["countries"]}
    response = client.get(reverse("portal:country_list"), {"treaty": "UNTOC", "status": "signatory"})
    assert all(
        c.participations.get(treaty="UNTOC").status == "signatory" for c in response.context["countries"]
    )


def test_state_page_shows_treaty_status(client, reviewer, all_states):
    client.force_login(reviewer)
    response = client.get(reverse("portal:country_detail", args=["fr"]))
    assert response.status_code == 200
    assert "Firearms Protocol" in response.content.decode()
    assert client.get(reverse("portal:country_detail", args=["QQ"])).status_code == 404
