import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from portal.models import Role, TreatyParticipation
from surveys import analysis, charts
from surveys.analysis import Counts
from surveys.models import Answer, Questionnaire, Response

from ..factories import CountryFactory, TreatyParticipationFactory, UserFactory
from .factories import (
    ArticleFactory,
    InstrumentFactory,
    ProvisionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SectionFactory,
    compliance_question,
)

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    # Our own output, parsed to prove it is well-formed XML: not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


def _answer(response, question, value):
    return Answer.objects.create(response=response, question=question, value=value, updated_at=timezone.now())


def _replied(questionnaire, country, status=Response.Status.SUBMITTED):
    return ResponseFactory(
        questionnaire=questionnaire, country=country, status=status, submitted_at=timezone.now()
    )


@pytest.fixture
def cycle(db):
    """A published version: two UNTOC provisions and one TIP provision, each with its compliance
    question, and a long-text question that the analysis ignores."""
    questionnaire = QuestionnaireFactory(status=Questionnaire.Status.PUBLISHED, published_at=timezone.now())
    untoc = InstrumentFactory(code="UNTOC")
    tip = InstrumentFactory(
        code="TIP", title_en="Trafficking Protocol", short_title_en="Trafficking Protocol"
    )
    article = ArticleFactory(instrument=untoc, number="5")
    p1 = ProvisionFactory(article=article, code="UNTOC-5-1", reference_en="Article 5, paragraph 1")
    p2 = ProvisionFactory(
        article=article, code="UNTOC-5-2", reference_en="Article 5, paragraph 2", obligation="optional"
    )
    t1 = ProvisionFactory(
        article=ArticleFactory(instrument=tip, number="6"),
        code="TIP-6-1",
        reference_en="Article 6, paragraph 1",
    )
    s_untoc = SectionFactory(questionnaire=questionnaire, instrument=untoc, code="UNTOC-5", position=1)
    s_tip = SectionFactory(questionnaire=questionnaire, instrument=tip, code="TIP-6", position=2)
    questions = {
        "P1": compliance_question(section=s_untoc, provision=p1, code="UNTOC-5-1-C", position=1),
        "P2": compliance_question(section=s_untoc, provision=p2, code="UNTOC-5-2-C", position=2),
        "T1": compliance_question(section=s_tip, provision=t1, code="TIP-6-1-C", position=1),
    }
    return questionnaire, questions


@pytest.fixture
def small_case(cycle):
    """Three States in two regional groups.

    Alpha (African) is party to both instruments and submitted: P1 yes, P2 partial, T1 no.
    Gamma (Asia-Pacific) is party to UNTOC but only has a draft in progress, with P1 yes: not a reply.
    Delta (Asia-Pacific) is party to nothing but opted into TIP and submitted: T1 partial; its P1 answer
    (yes) is outside its scope and is not counted.
    """
    questionnaire, q = cycle
    alpha = CountryFactory(iso2="AL", name="Alpha", regional_group="african")
    gamma = CountryFactory(iso2="GA", name="Gamma", regional_group="asia_pacific")
    delta = CountryFactory(iso2="DE", name="Delta", regional_group="asia_pacific")
    TreatyParticipationFactory(country=alpha, treaty="UNTOC")
    TreatyParticipationFactory(country=alpha, treaty="TIP")
    TreatyParticipationFactory(country=gamma, treaty="UNTOC")
    TreatyParticipationFactory(country=delta, treaty="UNTOC", status=TreatyParticipation.Status.SIGNATORY)
    a = _replied(questionnaire, alpha)
    _answer(a, q["P1"], "yes")
    _answer(a, q["P2"], "partial")
    _answer(a, q["T1"], "no")
    g = ResponseFactory(questionnaire=questionnaire, country=gamma, status=Response.Status.IN_PROGRESS)
    _answer(g, q["P1"], "yes")
    d = _replied(questionnaire, delta, Response.Status.ACCEPTED)
    d.extra_instruments.add(q["T1"].section.instrument)
    _answer(d, q["T1"], "partial")
    _answer(d, q["P1"], "yes")
    return questionnaire, q, {"alpha": alpha, "gamma": gamma, "delta": delta}


def _figures(rows):
    return {
        row.provision.code: (
            row.counts.expected,
            row.counts.yes,
            row.counts.partial,
            row.counts.no,
            row.counts.not_answered,
        )
        for row in rows
    }


# --- Counts -------------------------------------------------------------------------------------------------


def test_counts_per_provision_for_every_state(small_case):
    questionnaire, _q, _states = small_case
    rows = analysis.compliance_by_provision(questionnaire)
    assert [row.provision.code for row in rows] == ["UNTOC-5-1", "UNTOC-5-2", "TIP-6-1"]
    assert _figures(rows) == {
        # expected, yes, partial, no, not answered
        "UNTOC-5-1": (2, 1, 0, 0, 1),  # Gamma's draft is not a reply; Delta is not party to UNTOC
        "UNTOC-5-2": (2, 0, 1, 0, 1),
        "TIP-6-1": (2, 0, 1, 1, 0),  # Alpha as party, Delta because it opted in
    }


def test_counts_per_provision_for_one_group_and_one_instrument(small_case):
    questionnaire, _q, _states = small_case
    african = analysis.compliance_by_provision(questionnaire, regional_group="african")
    assert _figures(african) == {
        "UNTOC-5-1": (1, 1, 0, 0, 0),
        "UNTOC-5-2": (1, 0, 1, 0, 0),
        "TIP-6-1": (1, 0, 0, 1, 0),
    }
    asian_tip = analysis.compliance_by_provision(
        questionnaire, instrument="TIP", regional_group="asia_pacific"
    )
    assert _figures(asian_tip) == {"TIP-6-1": (1, 0, 1, 0, 0)}


def test_totals_by_regional_group(small_case):
    questionnaire, _q, _states = small_case
    groups = {row.key: row.counts for row in analysis.compliance_by_group(questionnaire)}
    assert (
        groups["african"].expected,
        groups["african"].yes,
        groups["african"].partial,
        groups["african"].no,
    ) == (
        3,
        1,
        1,
        1,
    )
    asia = groups["asia_pacific"]
    assert (asia.expected, asia.yes, asia.partial, asia.no, asia.not_answered) == (3, 0, 1, 0, 2)
    assert groups["eastern_european"].expected == 0
    assert analysis.NO_GROUP not in groups  # shown only when some entity outside the groups is expected


def test_a_party_without_any_response_counts_as_not_answered(small_case):
    questionnaire, _q, _states = small_case
    silent = CountryFactory(iso2="SI", name="Silentia", regional_group="")
    TreatyParticipationFactory(country=silent, treaty="UNTOC")
    rows = _figures(analysis.compliance_by_provision(questionnaire, instrument="UNTOC"))
    assert rows["UNTOC-5-1"] == (3, 1, 0, 0, 2)
    outside = _figures(analysis.compliance_by_provision(questionnaire, regional_group=analysis.NO_GROUP))
    assert outside["UNTOC-5-1"] == (1, 0, 0, 0, 1)
    assert outside["TIP-6-1"] == (0, 0, 0, 0, 0)


# --- Drill-down ---------------------------------------------------------------------------------------------


def test_states_behind_each_bar(small_case):
    questionnaire, _q, states = small_case

    def names(provision, answer, group=""):
        return [row.country.name for row in analysis.states_for(questionnaire, provision, answer, group)]

    assert names("UNTOC-5-1", "yes") == ["Alpha"]
    assert names("UNTOC-5-1", "not_answered") == ["Gamma"]
    assert names("UNTOC-5-1", "no") == []
    assert names("TIP-6-1", "partial") == ["Delta"]
    assert names("TIP-6-1", "no") == ["Alpha"]
    assert names("TIP-6-1", "no", "asia_pacific") == []
    assert names("UNTOC-5-1", "not_answered", "asia_pacific") == ["Gamma"]
    assert names("UNTOC-5-1", "maybe") == []
    assert names("UNTOC-9-9", "yes") == []
    gamma = analysis.states_for(questionnaire, "UNTOC-5-1", "not_answered")[0]
    assert gamma.status == Response.Status.IN_PROGRESS
    assert str(gamma.status_label) == "In progress"


def test_drill_down_page_lists_the_states_in_the_current_language(client, reviewer, small_case):
    questionnaire, _q, states = small_case
    states["alpha"].name_fr = "Alphonie"
    states["alpha"].save()
    client.force_login(reviewer)
    url = reverse("surveys:analysis_states", kwargs={"code": questionnaire.code})
    page = client.get(url, {"provision": "TIP-6-1", "answer": "no"})
    assert page.status_code == 200
    assert [row.country.name for row in page.context["states"]] == ["Alpha"]
    with translation.override("fr"):
        url_fr = reverse("surveys:analysis_states", kwargs={"code": questionnaire.code})
    page = client.get(url_fr, {"provision": "TIP-6-1", "answer": "no"})
    assert "Alphonie" in page.content.decode()
    assert client.get(url, {"provision": "TIP-6-1", "answer": "perhaps"}).status_code == 404
    assert client.get(url, {"provision": "NOPE-1", "answer": "yes"}).status_code == 404


# --- Charts -------------------------------------------------------------------------------------------------


def _bars(label="Article 5, paragraph 1"):
    return [
        charts.Bar(
            label=label,
            title=label,
            counts=Counts(expected=10, yes=5, partial=2, no=1),
            link=lambda category: f"/states/?provision=X&answer={category}&group=a",
        ),
        charts.Bar(label="Nobody", title="Nobody", counts=Counts(), link=lambda category: "/"),
    ]


def test_chart_is_well_formed_svg_with_text_alternatives_and_links():
    svg = charts.compliance_chart(
        chart_id="chart-untoc", title="UNTOC: compliance", description="One bar per provision.", bars=_bars()
    )
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "UNTOC: compliance"
    assert root.find(f"{SVG}desc").text == "One bar per provision."
    assert root.get("aria-labelledby") == "chart-untoc-title chart-untoc-desc"
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == [
        f"/states/?provision=X&answer={c}&group=a" for c in ("yes", "partial", "no", "not_answered")
    ]
    tips = [a.find(f"{SVG}title").text for a in root.iter(f"{SVG}a")]
    assert tips[0] == "Article 5, paragraph 1 — Yes: 5 of 10 States (50%)"
    # Patterns as well as colours: the partial, no and not-answered segments are filled with patterns.
    fills = [a.find(f"{SVG}rect").get("fill") for a in root.iter(f"{SVG}a")]
    assert fills[1:] == [
        "url(#chart-untoc-partial)",
        "url(#chart-untoc-no)",
        "url(#chart-untoc-not_answered)",
    ]


def test_chart_escapes_hostile_labels():
    hostile = '<script>alert("x")</script> & Co'
    svg = charts.compliance_chart(chart_id="c", title=hostile, description=hostile, bars=_bars(hostile))
    assert "<script>" not in svg
    root = _parse(svg)
    assert not list(root.iter(f"{SVG}script"))
    assert root.find(f"{SVG}title").text == hostile
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert any(text and text.startswith("<script>") for text in texts)


def test_chart_is_mirrored_in_right_to_left_languages():
    ltr = _parse(charts.compliance_chart(chart_id="c", title="t", description="d", bars=_bars()))
    rtl = _parse(charts.compliance_chart(chart_id="c", title="t", description="d", bars=_bars(), bidi=True))
    assert rtl.get("direction") == "rtl"

    def label_x(root):
        group = next(g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}text") is not None)
        return float(group.find(f"{SVG}text").get("x"))

    assert label_x(ltr) < charts.WIDTH / 2 < label_x(rtl)
    # The first segment (yes) starts next to the labels: at the left in LTR, at the right in RTL.
    start = charts.LABEL_WIDTH + charts.GAP
    ltr_yes, rtl_yes = (root.find(f".//{SVG}a").find(f"{SVG}rect") for root in (ltr, rtl))
    assert float(ltr_yes.get("x")) == start
    assert float(rtl_yes.get("x")) + float(rtl_yes.get("width")) == pytest.approx(charts.WIDTH - start)


# --- Pages --------------------------------------------------------------------------------------------------


def _svgs(page: str):
    return [_parse(match) for match in re.findall(r"<svg .*?</svg>", page, flags=re.S)]


def test_analysis_page_shows_a_chart_and_its_table_per_instrument(client, reviewer, small_case):
    questionnaire, _q, _states = small_case
    client.force_login(reviewer)
    url = reverse("surveys:analysis", kwargs={"code": questionnaire.code})
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    charts_found = _svgs(html)
    assert [svg.find(f"{SVG}title").text for svg in charts_found] == [
        "Organized Crime Convention: compliance per provision, all States",
        "Trafficking Protocol: compliance per provision, all States",
    ]
    assert "still being drafted is not yet a reply" in html
    blocks = page.context["blocks"]
    untoc_cells = {c["key"]: c for c in blocks[0]["rows"][0]["cells"]}
    assert untoc_cells["yes"]["count"] == 1
    assert untoc_cells["yes"]["percent"] == 50
    # The table links to the same drill-down as the bar.
    assert html.count(f'href="{escape(untoc_cells["yes"]["url"])}"') == 2
    assert [g.key for g in page.context["groups"]][:2] == ["african", "asia_pacific"]
    filtered = client.get(url, {"instrument": "TIP", "regional_group": "african"})
    assert [b["instrument"].code for b in filtered.context["blocks"]] == ["TIP"]
    assert "group=african" in filtered.context["blocks"][0]["rows"][0]["cells"][2]["url"]


def test_analysis_page_escapes_a_hostile_provision_reference(client, reviewer, small_case):
    questionnaire, q, _states = small_case
    provision = q["P1"].provision
    provision.reference_en = "<script>alert(1)</script>"
    provision.save()
    client.force_login(reviewer)
    html = client.get(reverse("surveys:analysis", kwargs={"code": questionnaire.code})).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for svg in _svgs(html):
        assert not list(svg.iter(f"{SVG}script"))


def test_analysis_page_in_arabic_is_right_to_left(client, administrator, small_case):
    questionnaire, _q, _states = small_case
    client.force_login(administrator)
    with translation.override("ar"):
        url = reverse("surveys:analysis", kwargs={"code": questionnaire.code})
    html = client.get(url).content.decode()
    assert 'dir="rtl"' in html
    assert all(svg.get("direction") == "rtl" for svg in _svgs(html))


def _add_states(questionnaire, questions, count, start):
    for n in range(start, start + count):
        country = CountryFactory(
            iso2=f"{chr(75 + n // 26)}{chr(65 + n % 26)}",
            name=f"State {n}",
            regional_group=("african", "asia_pacific", "western_european_others")[n % 3],
        )
        TreatyParticipationFactory(country=country, treaty="UNTOC")
        TreatyParticipationFactory(country=country, treaty="TIP")
        response = _replied(questionnaire, country)
        for index, question in enumerate(questions.values()):
            _answer(response, question, ("yes", "partial", "no")[(n + index) % 3])


def test_analysis_page_costs_the_same_queries_for_3_and_30_states(
    client, reviewer, cycle, django_assert_max_num_queries
):
    questionnaire, questions = cycle
    _add_states(questionnaire, questions, 3, 0)
    client.force_login(reviewer)
    url = reverse("surveys:analysis", kwargs={"code": questionnaire.code})
    client.get(url)  # the version's structure is read once per process, then kept
    with django_assert_max_num_queries(8) as small:
        assert client.get(url).status_code == 200
    _add_states(questionnaire, questions, 27, 3)
    with django_assert_max_num_queries(8) as big:
        page = client.get(url)
    assert len(small.captured_queries) == len(big.captured_queries)
    assert page.context["blocks"][0]["rows"][0]["row"].counts.expected == 30


def test_drill_down_page_query_count_does_not_grow_with_states(
    client, reviewer, cycle, django_assert_max_num_queries
):
    questionnaire, questions = cycle
    _add_states(questionnaire, questions, 3, 0)
    client.force_login(reviewer)
    url = reverse("surveys:analysis_states", kwargs={"code": questionnaire.code})
    query = {"provision": "UNTOC-5-1", "answer": "yes"}
    client.get(url, query)
    with django_assert_max_num_queries(6) as small:
        client.get(url, query)
    _add_states(questionnaire, questions, 27, 3)
    with django_assert_max_num_queries(6) as big:
        client.get(url, query)
    assert len(small.captured_queries) == len(big.captured_queries)


# --- Permissions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.PROVIDER])
def test_analysis_is_refused_outside_the_secretariat(client, users_by_role, role, cycle):
    questionnaire, _q = cycle
    client.force_login(users_by_role[role])
    for name in ("analysis", "analysis_states"):
        url = reverse(f"surveys:{name}", kwargs={"code": questionnaire.code})
        assert client.get(url, {"provision": "UNTOC-5-1", "answer": "yes"}).status_code == 403
    assert not analysis.can_view_analysis(users_by_role[role])


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMINISTRATOR])
def test_analysis_is_for_reviewers_and_administrators(client, role, cycle):
    questionnaire, _q = cycle
    user = UserFactory(role=role)
    client.force_login(user)
    assert client.get(reverse("surveys:analysis", kwargs={"code": questionnaire.code})).status_code == 200
    user.is_active = False
    assert not analysis.can_view_analysis(user)


def test_analysis_asks_anonymous_visitors_to_sign_in(client, cycle):
    questionnaire, _q = cycle
    response = client.get(reverse("surveys:analysis", kwargs={"code": questionnaire.code}))
    assert response.status_code == 302
