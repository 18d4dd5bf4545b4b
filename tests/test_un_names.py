"""Member states, M49 areas and groupings carry their UN names in the six languages."""

import re
import sqlite3

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from consult.models import Language, MemberState, RegionalGrouping
from consult.i18n import content_language, interface_language, un_states
from consult.receivers import name_collation
from consult.selectors.summaries import regional_summary
from consult.services.positions import position_for
from consult.services.stakeholders import (
    GROUPINGS_FIXTURE,
    groupings_import_csv,
    member_states_load,
)

from .factories import make_organisation

LANGUAGES = ["ar", "zh", "en", "fr", "ru", "es"]
SCRIPTS = {
    "ar": re.compile(r"^[\u0600-\u06ff \-()]+$"),
    "zh": re.compile(r"^[\u4e00-\u9fff（）]+$"),
    "ru": re.compile(r"^[\u0400-\u04ff \-'()—,.]+$"),
}

# Assembled by hand from the UN member states list and UNTERM, independently of the fixture.
STATE_NAMES = {
    "KOR": ("جمهورية كوريا", "大韩民国", "Republic of Korea", "République de Corée", "Республика Корея",
            "República de Corea"),
    "PRK": ("جمهورية كوريا الشعبية الديمقراطية", "朝鲜民主主义人民共和国", "Democratic People's Republic of Korea",
            "République populaire démocratique de Corée", "Корейская Народно-Демократическая Республика",
            "República Popular Democrática de Corea"),
    "COD": ("جمهورية الكونغو الديمقراطية", "刚果民主共和国", "Democratic Republic of the Congo",
            "République démocratique du Congo", "Демократическая Республика Конго", "República Democrática del Congo"),
    "COG": ("الكونغو", "刚果", "Congo", "Congo", "Конго", "Congo"),
    "CIV": ("كوت ديفوار", "科特迪瓦", "Côte d'Ivoire", "Côte d'Ivoire", "Кот-д'Ивуар", "Côte d'Ivoire"),
    "TUR": ("تركيا", "土耳其", "Türkiye", "Türkiye", "Турция", "Türkiye"),
    "NLD": ("مملكة هولندا", "荷兰王国", "Netherlands (Kingdom of the)", "Pays-Bas (Royaume des)",
            "Нидерланды (Королевство)", "Países Bajos (Reino de los)"),
    "IRN": ("إيران (جمهورية - الإسلامية)", "伊朗伊斯兰共和国", "Iran (Islamic Republic of)",
            "Iran (République islamique d')", "Иран (Исламская Республика)", "Irán (República Islámica del)"),
    "RUS": ("الاتحاد الروسي", "俄罗斯联邦", "Russian Federation", "Fédération de Russie", "Российская Федерация",
            "Federación de Rusia"),
    "GBR": ("المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية", "大不列颠及北爱尔兰联合王国",
            "United Kingdom of Great Britain and Northern Ireland",
            "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
            "Соединенное Королевство Великобритании и Северной Ирландии",
            "Reino Unido de Gran Bretaña e Irlanda del Norte"),
    "SEN": ("السنغال", "塞内加尔", "Senegal", "Sénégal", "Сенегал", "Senegal"),
    "SWZ": ("إسواتيني", "斯威士兰", "Eswatini", "Eswatini", "Эсватини", "Eswatini"),
    "CZE": ("تشيكيا", "捷克", "Czechia", "Tchéquie", "Чехия", "Chequia"),
    "BOL": ("بوليفيا (دولة - المتعددة القوميات)", "多民族玻利维亚国", "Bolivia (Plurinational State of)",
            "Bolivie (État plurinational de)", "Боливия (Многонациональное Государство)",
            "Bolivia (Estado Plurinacional de)"),
    "TZA": ("جمهورية تنزانيا المتحدة", "坦桑尼亚联合共和国", "United Republic of Tanzania", "République-Unie de Tanzanie",
            "Объединенная Республика Танзания", "República Unida de Tanzanía"),
}
OBSERVER_NAMES = {
    "PSE": ("دولة فلسطين", "巴勒斯坦国", "State of Palestine", "État de Palestine", "Государство Палестина",
            "Estado de Palestina"),
    "VAT": ("الكرسي الرسولي", "教廷", "Holy See", "Saint-Siège", "Святой Престол", "Santa Sede"),
}
AREA_NAMES = {
    "m49-002": ("أفريقيا", "非洲", "Africa", "Afrique", "Африка", "África"),
    "m49-202": ("أفريقيا جنوب الصحراء الكبرى", "撒哈拉以南非洲", "Sub-Saharan Africa", "Afrique subsaharienne",
                "Африка к югу от Сахары", "África Subsahariana"),
    "m49-018": ("الجنوب الأفريقي", "南部非洲", "Southern Africa", "Afrique australe", "Южная часть Африки",
                "África meridional"),
    "m49-019": ("الأمريكتان", "美洲", "Americas", "Amériques", "Северная и Южная Америка", "Américas"),
    "m49-419": ("أمريكا اللاتينية ومنطقة البحر الكاريبي", "拉丁美洲和加勒比", "Latin America and the Caribbean",
                "Amérique latine et Caraïbes", "Латинская Америка и Карибский бассейн", "América Latina y el Caribe"),
    "m49-155": ("أوروبا الغربية", "西欧", "Western Europe", "Europe occidentale", "Западная Европа", "Europa occidental"),
    "m49-035": ("جنوب شرقي آسيا", "东南亚", "South-eastern Asia", "Asie du Sud-Est", "Юго-Восточная Азия",
                "Asia sudoriental"),
}


@pytest.fixture
def member_states(db):
    member_states_load()


@pytest.fixture
def groupings(member_states):
    with open(GROUPINGS_FIXTURE, "rb") as file:
        groupings_import_csv(file=file)


def fixture_rows():
    return un_states()


def test_fixture_lists_the_193_members_and_the_two_observer_states():
    rows = fixture_rows()
    assert [row["status"] for row in rows].count("member") == 193
    assert {row["iso3"] for row in rows if row["status"] == "observer"} == {"PSE", "VAT"}
    assert len({row["iso3"] for row in rows}) == len({row["m49"] for row in rows}) == 195


def test_fixture_names_match_the_list_assembled_by_hand():
    rows = {row["iso3"]: row for row in fixture_rows()}
    for iso3, names in {**STATE_NAMES, **OBSERVER_NAMES}.items():
        assert tuple(rows[iso3][language] for language in LANGUAGES) == names, iso3


def test_every_name_is_written_in_its_language_with_no_editorial_marks():
    for row in fixture_rows():
        for language in LANGUAGES:
            name = row[language]
            assert name and name == name.strip(), (row["iso3"], language)
            assert not re.search(r"\((the|l'|la|le|les|el|los|las)\)$|\*|’", name), (row["iso3"], language, name)
            if language in SCRIPTS:
                assert SCRIPTS[language].match(name), (row["iso3"], language, name)


def test_every_member_state_has_its_six_names(member_states):
    states = MemberState.objects.all()
    assert states.count() == 193
    for state in states:
        names = state.names()
        assert all(names.values()) and names["ar"] != names["en"] != names["zh"], state.iso3


def test_member_states_are_named_as_the_un_names_them(member_states):
    for iso3, names in STATE_NAMES.items():
        state = MemberState.objects.get(iso3=iso3)
        assert tuple(state.name_in(language) for language in LANGUAGES) == names, iso3


def test_m49_areas_are_named_in_the_six_languages(member_states):
    areas = RegionalGrouping.objects.filter(code__startswith="m49-")
    assert areas.count() == 29
    for area in areas:
        assert all(area.names().values()) and area.name_ar != area.name, area.code
    for code, names in AREA_NAMES.items():
        area = RegionalGrouping.objects.get(code=code)
        assert tuple(area.name_in(language) for language in LANGUAGES) == names, code


def test_imported_groupings_take_their_names_from_the_fixture(groupings):
    escwa = RegionalGrouping.objects.get(code="escwa")
    assert escwa.name == "Economic and Social Commission for Western Asia (ESCWA)"
    assert escwa.name_fr == "Commission économique et sociale pour l'Asie occidentale (CESAO)"
    assert escwa.name_ru == "Экономическая и социальная комиссия для Западной Азии (ЭСКЗА)"
    puebla = RegionalGrouping.objects.get(code="rcm-puebla-process")
    assert puebla.name_es == "Conferencia Regional sobre Migración (Proceso de Puebla)"
    for grouping in RegionalGrouping.objects.all():
        assert all(grouping.names().values()), grouping.code


def test_a_state_is_named_in_the_active_language(member_states):
    korea = MemberState.objects.get(iso3="KOR")
    for django_language, name in [("fr", "République de Corée"), ("zh-hans", "大韩民国"), ("en", "Republic of Korea"),
                                  ("ar", "جمهورية كوريا"), ("pt-br", "Republic of Korea")]:
        with translation.override(django_language):
            assert str(korea) == name


def test_a_name_missing_in_one_language_falls_back_to_english(member_states):
    MemberState.objects.filter(iso3="SEN").update(name_ru="")
    assert MemberState.objects.get(iso3="SEN").name_in("ru") == "Senegal"


def test_states_sort_by_their_name_in_the_reader_language(member_states):
    with translation.override("fr"):
        french = [str(state) for state in MemberState.objects.in_name_order()]
    assert french.index("Allemagne") < french.index("Arabie saoudite") < french.index("Égypte") < french.index("Zambie")
    assert [str(state) for state in MemberState.objects.in_name_order("en")][:2] == ["Afghanistan", "Albania"]


@pytest.mark.parametrize(
    ("code", "content", "interface"),
    [("zh", "zh", "zh-hans"), ("zh-hans", "zh", "zh-hans"), ("zh_Hans", "zh", "zh-hans"), ("fr-ca", "fr", "fr"),
     ("ar", "ar", "ar"), ("", "en", "en"), (None, "en", "en"), ("pt", "en", "en")],
)
def test_language_codes_map_between_content_and_interface(code, content, interface):
    assert content_language(code) == content
    assert interface_language(code or "en") == interface
    assert content in Language.values


def in_language(client, user, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_french_coverage_page_names_states_regions_and_countries_in_french(client, officer, consultation,
                                                                           member_states):
    position_for(consultation=consultation, organisation=make_organisation(country="PS"))
    page = in_language(client, officer, "fr").get(reverse("consult:coverage", args=[consultation.slug]))
    text = page.content.decode()
    for french in ["République de Corée", "Afrique subsaharienne", "Europe occidentale", "Amériques",
                   "Türkiye", "Côte d&#x27;Ivoire", "État de Palestine", "Sénégal"]:
        assert french in text, french
    for english in ["Republic of Korea", "Sub-Saharan Africa", "Western Europe", "Americas", "South Korea",
                    "Palestine, État de", "Senegal"]:
        assert english not in text, english


def test_french_position_page_names_the_government_as_french_does(client, consultation, member_states,
                                                                  focal_point_senegal):
    position = position_for(consultation=consultation, member_state=MemberState.objects.get(iso3="SEN"))
    page = in_language(client, focal_point_senegal, "fr").get(reverse("consult:position-detail", args=[position.pk]))
    assert "Position du Gouvernement du Sénégal" in page.content.decode()


@pytest.mark.parametrize(
    ("iso3", "language", "phrase"),
    [("SEN", "fr", "du Sénégal"), ("FRA", "fr", "de la France"), ("IRQ", "fr", "de l'Iraq"),
     ("NLD", "fr", "des Pays-Bas (Royaume des)"), ("ISR", "fr", "d'Israël"), ("CUB", "fr", "de Cuba"),
     ("KOR", "en", "of the Republic of Korea"), ("SEN", "en", "of Senegal"), ("SEN", "es", "del Senegal"),
     ("FRA", "es", "de Francia"), ("USA", "es", "de los Estados Unidos de América"), ("SEN", "ar", "السنغال"),
     ("SEN", "zh", "塞内加尔")],
)
def test_a_state_follows_government_with_its_article(member_states, iso3, language, phrase):
    assert MemberState.objects.get(iso3=iso3).of_name(language) == phrase


def test_arabic_invitation_form_lists_states_in_arabic_alphabetical_order(client, officer, member_states, consultation):
    create = reverse("consult:invitation-create", args=[consultation.slug])
    page = in_language(client, officer, "ar").get(create).content.decode()
    options = re.findall(r'<option value="[A-Z]{3}"[^>]*>([^<]+)</option>', page)
    assert len(options) == 193
    assert options[0][0] in "آأإا" and "جمهورية كوريا" in options and "Republic of Korea" not in options
    assert "- اختر خيارًا -" in page and "Select an option" not in page


def test_summary_in_french_names_its_region_and_subregions_in_french(consultation, member_states):
    senegal = MemberState.objects.get(iso3="SEN")
    position_for(consultation=consultation, member_state=senegal)
    with translation.override("fr"):
        summary = regional_summary(consultation, senegal.region)
    assert summary.grouping_name == "Afrique"
    assert [row[0] for row in summary.coverage.by_subregion] == ["Afrique septentrionale", "Afrique subsaharienne"]


def test_the_demo_database_orders_names_as_readers_do():
    database = sqlite3.connect(":memory:")
    database.create_collation("name_order", name_collation)
    database.execute("create table state (name text)")
    database.executemany("insert into state values (?)", [("Zambie",), ("Égypte",), ("Érythrée",), ("Allemagne",)])
    ordered = [name for (name,) in database.execute("select name from state order by name collate name_order")]
    assert ordered == ["Allemagne", "Égypte", "Érythrée", "Zambie"]
