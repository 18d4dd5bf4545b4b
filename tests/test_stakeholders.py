"""Member states loaded from the UN names fixture, and regional groupings imported from CSV."""

import io
import re
import time

import pytest
from django.core.management import CommandError, call_command

from consult.models import MemberState, RegionalGrouping
from consult.services.stakeholders import (
    GROUPINGS_FIXTURE,
    GroupingImportError,
    groupings_import_csv,
    member_states_load,
)

Kind = RegionalGrouping.Kind
Membership = RegionalGrouping.members.through
HEADER = "grouping_code,grouping_name,kind,country\n"


@pytest.fixture
def member_states(db):
    member_states_load()


def import_csv(rows):
    return groupings_import_csv(file=io.BytesIO((HEADER + rows).encode()))


def members(code):
    return set(RegionalGrouping.objects.get(code=code).members.values_list("iso3", flat=True))


def row_counts():
    return MemberState.objects.count(), RegionalGrouping.objects.count(), Membership.objects.count()


def lineage(iso3):
    state = MemberState.objects.get(iso3=iso3)
    return {grouping.name for grouping in state.groupings.all()}, state.subregion.name, state.region.name


def test_load_gives_the_193_member_states_with_codes_and_regions(db):
    started = time.monotonic()
    assert member_states_load() == 193
    assert time.monotonic() - started < 5
    states = MemberState.objects.select_related("region", "subregion")
    assert states.count() == 193
    for state in states:
        assert len(state.iso3) == 3 and state.iso3.isupper()
        assert len(state.m49_code) == 3 and state.m49_code.isdigit()
        assert state.region.kind == Kind.M49_REGION
        assert state.subregion.kind == Kind.M49_SUBREGION and state.subregion.parent == state.region


def test_load_creates_the_five_m49_regions(member_states):
    regions = RegionalGrouping.objects.filter(kind=Kind.M49_REGION)
    assert set(regions.values_list("code", "name")) == {
        ("m49-002", "Africa"),
        ("m49-019", "Americas"),
        ("m49-142", "Asia"),
        ("m49-150", "Europe"),
        ("m49-009", "Oceania"),
    }
    assert sum(region.region_states.count() for region in regions) == 193


def test_load_places_states_in_region_subregion_and_intermediate_region(member_states):
    assert lineage("FRA") == ({"Europe", "Western Europe"}, "Western Europe", "Europe")
    assert lineage("SEN") == (
        {"Africa", "Sub-Saharan Africa", "Western Africa"},
        "Sub-Saharan Africa",
        "Africa",
    )
    assert lineage("MEX") == (
        {"Americas", "Latin America and the Caribbean", "Central America"},
        "Latin America and the Caribbean",
        "Americas",
    )
    assert lineage("JPN") == ({"Asia", "Eastern Asia"}, "Eastern Asia", "Asia")
    western_africa = RegionalGrouping.objects.get(code="m49-011")
    assert (western_africa.kind, western_africa.parent.code) == (Kind.M49_INTERMEDIATE, "m49-202")


def test_load_zero_pads_m49_codes(member_states):
    assert MemberState.objects.get(iso3="AFG").m49_code == "004"
    assert MemberState.objects.get(iso3="FRA").m49_code == "250"


def test_loading_twice_creates_no_duplicates(member_states):
    counts = row_counts()
    assert member_states_load() == 193
    assert row_counts() == counts


def test_reload_restores_the_un_names(member_states):
    MemberState.objects.filter(iso3="KOR").update(name="South Korea", name_fr="Corée du Sud")
    member_states_load()
    korea = MemberState.objects.get(iso3="KOR")
    assert (korea.name, korea.name_fr) == ("Republic of Korea", "République de Corée")


def test_reload_repairs_m49_memberships(member_states):
    france = MemberState.objects.get(iso3="FRA")
    france.groupings.remove(RegionalGrouping.objects.get(code="m49-155"))
    france.groupings.add(RegionalGrouping.objects.get(code="m49-002"))
    member_states_load()
    assert lineage("FRA")[0] == {"Europe", "Western Europe"}


def test_load_command_prints_counts(db):
    out = io.StringIO()
    call_command("load_member_states", stdout=out)
    assert "193 member states" in out.getvalue()


def test_import_creates_groupings_with_members(member_states):
    rows = "colombo,Colombo Process,rcp,{}\n"
    result = import_csv(rows.format("LKA") + rows.format("PH") + rows.format("Viet Nam"))
    assert (result.groupings, result.created, result.members, result.added) == (1, 1, 3, 3)
    grouping = RegionalGrouping.objects.get(code="colombo")
    assert (grouping.name, grouping.kind) == ("Colombo Process", Kind.RCP)
    assert members("colombo") == {"LKA", "PHL", "VNM"}


def test_import_knows_states_by_their_un_names_in_the_six_languages(member_states):
    rows = "rcp,RCP,rcp,{}\n"
    import_csv("".join(rows.format(name) for name in ["République de Corée", "Türkiye", "Нидерланды (Королевство)",
                                                       "大韩民国", "Côte d'Ivoire", "جمهورية الكونغو الديمقراطية"]))
    assert members("rcp") == {"KOR", "TUR", "NLD", "CIV", "COD"}


def test_reimport_changes_nothing(member_states):
    rows = "escwa,ESCWA,regional_commission,JOR\nescwa,ESCWA,regional_commission,LBN\n"
    import_csv(rows)
    result = import_csv(rows)
    assert (result.created, result.added, result.removed) == (0, 0, 0)
    assert RegionalGrouping.objects.filter(code="escwa").count() == 1
    assert members("escwa") == {"JOR", "LBN"}


def test_import_sets_members_exactly_as_listed(member_states):
    import_csv("rcm,Puebla Process,rcp,MEX\nrcm,Puebla Process,rcp,GTM\nmidsa,MIDSA,rcp,ZAF\n")
    result = import_csv("rcm,Regional Conference on Migration,rcp,MEX\nrcm,Regional Conference on Migration,rcp,CAN\n")
    assert (result.added, result.removed) == (1, 1)
    assert RegionalGrouping.objects.get(code="rcm").name == "Regional Conference on Migration"
    assert members("rcm") == {"MEX", "CAN"}
    assert members("midsa") == {"ZAF"}
    assert lineage("MEX")[1] == "Latin America and the Caribbean"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("bali,Bali Process,rcp,AUS\nbali,Bali Process,rcp,Atlantis\n", "line 3: unknown country 'Atlantis'"),
        ("bali,Bali Process,club,AUS\n", "line 2: unknown kind 'club'"),
        ("bali,Bali Process,rcp,AUS\nbali,Bali Process,rcp,Palestine\n", "line 3: 'Palestine' (PSE) is not"),
        ("bali,Bali Process,rcp,AUS\nbali,Bali Process,m49_region,IDN\n", "line 3: unknown kind 'm49_region'"),
        ("bali,Bali Process,rcp,AUS\nbali,Bali,rcp,IDN\n", "line 3: bali is named 'Bali'"),
        ("m49-002,Africa,other,SEN\n", "line 2: m49-002 is a UN M49 region"),
        ("bali process,Bali Process,rcp,AUS\n", "line 2: grouping_code 'bali process'"),
        ("bali,Bali Process,rcp,\n", "line 2: country is empty"),
    ],
)
def test_bad_line_is_named_and_nothing_is_written(member_states, rows, message):
    before = row_counts()
    with pytest.raises(GroupingImportError, match="^" + re.escape(message)):
        import_csv(rows)
    assert row_counts() == before


def test_bad_line_after_good_ones_leaves_existing_groupings_untouched(member_states):
    import_csv("bali,Bali Process,rcp,AUS\n")
    with pytest.raises(GroupingImportError, match="line 4: unknown country"):
        import_csv("bali,Bali Process,rcp,IDN\nnew,New,other,FRA\nnew,New,other,Narnia\n")
    assert members("bali") == {"AUS"}
    assert not RegionalGrouping.objects.filter(code="new").exists()


def test_import_rejects_a_wrong_header_and_non_utf8(member_states):
    with pytest.raises(GroupingImportError, match="line 1: the header must be"):
        groupings_import_csv(file=io.StringIO("code,name\nx,X\n"))
    with pytest.raises(GroupingImportError, match="not UTF-8"):
        groupings_import_csv(file=io.BytesIO(HEADER.encode() + b"x,Caf\xe9,other,FRA\n"))


def test_import_needs_member_states_loaded(db):
    with pytest.raises(GroupingImportError, match="run load_member_states first"):
        import_csv("bali,Bali Process,rcp,AUS\n")


def test_fixture_imports_cleanly(member_states):
    with open(GROUPINGS_FIXTURE, "rb") as file:
        result = groupings_import_csv(file=file)
    commissions = RegionalGrouping.objects.filter(kind=Kind.REGIONAL_COMMISSION)
    assert set(commissions.values_list("code", flat=True)) == {"eca", "ece", "eclac", "escap", "escwa"}
    assert result.created == result.groupings >= 10
    assert len(members("eca")) == 54
    assert len(members("ece")) == 56
    assert len(members("eclac")) == 46
    assert len(members("escap")) == 53
    assert {"SEN", "NGA"} <= members("midwa")
    assert "FRA" in members("ece") and "FRA" in members("eclac") and "FRA" in members("escap")


def test_import_command_uses_the_fixture_and_reports_errors_in_one_line(member_states, tmp_path):
    out = io.StringIO()
    call_command("import_groupings", stdout=out)
    assert "Imported" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "bali,Bali Process,rcp,Atlantis\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_groupings", str(bad))
    assert str(error.value) == f"{bad}: line 2: unknown country 'Atlantis'"
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_groupings", str(tmp_path / "missing.csv"))
