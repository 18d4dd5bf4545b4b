"""Figures are counted in the database from submitted responses only, and summaries read them."""

from collections import defaultdict

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery import app
from consult.models import Aggregate, Position, Publication, RegionalGrouping
from consult.models import Excerpt as StoredExcerpt
from consult.selectors.summaries import Excerpt, regional_summary
from consult.services.aggregation import aggregates_rebuild
from consult.services.demo_responses import demo_responses_generate
from consult.services.workflow import position_reopen
from surveys.models import Answer, Response

from .aggregation_cases import (
    CONFIDENTIAL_TEXT,
    CSO,
    DRAFT_TEXT,
    MS,
    assert_hand_figures,
    build_hand_set,
    respond,
    stored,
    submit,
)
from .factories import make_member_state, make_open_consultation, make_organisation


def built_and_counted():
    built = build_hand_set()
    aggregates_rebuild(consultation=built.consultation)
    return built


def recommendation(summary, code):
    return next(rec for area in summary.areas for rec in area.recommendations if rec.code == code)


def figures(summary, rec_code, question_code):
    rec = recommendation(summary, rec_code)
    return next(figure for figure in rec.member_states + rec.civil_society if figure.code == question_code)


def test_rebuild_counts_every_figure_from_submitted_responses_only(db):
    built = built_and_counted()

    assert_hand_figures(built.consultation)


def test_rebuild_replaces_the_figures_of_a_response_back_in_draft(db):
    built = built_and_counted()
    Response.objects.filter(position__member_state__iso3="GHA").update(status="draft")

    aggregates_rebuild(consultation=built.consultation)

    row = stored(built.consultation, None, MS, "1.1-priority")
    assert (row.respondents, row.mean) == (5, 18 / 5)
    assert stored(built.consultation, None, MS, "1.1-priority", "1").count == 0


def add_organisation_responses(consultation, count):
    for number in range(count):
        respond(consultation, make_organisation(country="FR"), {"1.1-importance": str(number % 5 + 1)},
                Publication.ATTRIBUTED, True)


def statements(function, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        function(**kwargs)
    return len(queries)


def test_the_number_of_statements_does_not_depend_on_the_number_of_responses(db):
    consultation = make_open_consultation(areas=1, recommendations=2)
    make_member_state("FRA")
    add_organisation_responses(consultation, 3)
    few = statements(aggregates_rebuild, consultation=consultation)
    add_organisation_responses(consultation, 27)

    assert statements(aggregates_rebuild, consultation=consultation) == few
    assert stored(consultation, None, CSO, "1.1-importance").respondents == 30


def test_organisations_count_in_the_world_when_no_member_state_is_loaded(db):
    consultation = make_open_consultation(areas=1, recommendations=2)
    add_organisation_responses(consultation, 2)

    aggregates_rebuild(consultation=consultation)

    assert stored(consultation, None, CSO, "1.1-importance").respondents == 2
    assert not Aggregate.objects.filter(consultation=consultation, grouping__isnull=False).exists()


def test_the_summary_reads_in_a_fixed_number_of_queries(db):
    built = built_and_counted()
    europe = built.groupings["m49-150"]
    few = statements(regional_summary, consultation=built.consultation, grouping=europe)
    add_organisation_responses(built.consultation, 20)
    aggregates_rebuild(consultation=built.consultation)

    assert statements(regional_summary, consultation=built.consultation, grouping=europe) == few <= 15


def test_a_shared_summary_hides_small_cells_and_the_internal_one_marks_them(db):
    built = built_and_counted()
    africa = built.groupings["m49-002"]

    shared = figures(regional_summary(built.consultation, africa), "1.1", "1.1-importance")
    internal = figures(regional_summary(built.consultation, africa, internal=True), "1.1", "1.1-importance")
    governments = figures(regional_summary(built.consultation, africa), "1.1", "1.1-priority")

    assert shared.suppressed and internal.suppressed and not governments.suppressed
    assert (shared.respondents, shared.mean, shared.median) == (None, None, None)
    assert {(choice.count, choice.share) for choice in shared.choices} == {(None, None)}
    assert (internal.respondents, internal.mean, internal.median) == (1, 1.0, 1.0)
    assert [(choice.value, choice.count) for choice in internal.choices if choice.count] == [("1", 1)]
    assert (governments.respondents, governments.mean, governments.median) == (2, 2.0, 2.0)


def test_ranking_figures_come_per_item_and_per_recommendation(db):
    built = built_and_counted()
    summary = regional_summary(built.consultation)

    area_questions = summary.areas[0].area_questions
    ranking = next(figure for figure in area_questions if figure.code == "1-ranking" and figure.audience == MS)
    item = next(figure for figure in recommendation(summary, "1.1").member_states if figure.code == "1-ranking")

    items = [(item.value, round(item.mean_rank, 4), round(item.first_place_share, 4)) for item in ranking.choices]
    assert items == [("1.1", 1.3333, 0.6667), ("1.2", 2.0, 0.3333), ("1.3", 2.6667, 0.0)]
    assert (item.respondents, round(item.mean_rank, 4), round(item.first_place_share, 4)) == (3, 1.3333, 0.6667)


def test_divergence_compares_the_audiences_mean_ratings_and_flags_a_point_apart(db):
    built = built_and_counted()
    consultation, groupings = built.consultation, built.groupings

    world = recommendation(regional_summary(consultation), "1.1")
    europe = recommendation(regional_summary(consultation, groupings["m49-150"]), "1.1")
    africa_shared = recommendation(regional_summary(consultation, groupings["m49-002"]), "1.1")
    africa_internal = recommendation(regional_summary(consultation, groupings["m49-002"], internal=True), "1.1")

    # |19/6 - 10/4|, |11/3 - 2|, |2 - 1|: Africa's civil society cell (one organisation) is hidden when shared.
    assert (world.divergence, world.divergence_flag) == (0.666667, False)
    assert (europe.divergence, europe.divergence_flag) == (1.666667, True)
    assert (africa_shared.divergence, africa_shared.divergence_flag) == (None, False)
    assert (africa_internal.divergence, africa_internal.divergence_flag) == (1.0, True)
    assert recommendation(regional_summary(consultation), "1.2").divergence is None


def test_excerpts_come_only_from_submitted_responses_allowed_to_be_published(db):
    built = built_and_counted()
    consultation, africa = built.consultation, built.groupings["m49-002"]

    world = recommendation(regional_summary(consultation), "1.1").excerpts
    africa_shared = recommendation(regional_summary(consultation, africa), "1.1").excerpts
    africa_internal = recommendation(regional_summary(consultation, africa, internal=True), "1.1").excerpts

    assert world == [
        Excerpt("1.1-own_work", "We run a legal clinic for migrant workers.", "Voices of France"),
        Excerpt("1.1-own_work", "We map remittance costs each quarter.", ""),
        Excerpt("1.1-practices", "France trains labour inspectors on migrants' rights.", "France"),
        Excerpt("1.1-practices", "A one-stop centre advises returning migrants.", ""),
    ]
    # Anonymous among a single organisation of the region is not anonymous: left out when shared.
    assert africa_shared == [Excerpt("1.1-practices", "A one-stop centre advises returning migrants.", "")]
    assert africa_internal == [
        Excerpt("1.1-own_work", "We map remittance costs each quarter.", ""),
        Excerpt("1.1-practices", "A one-stop centre advises returning migrants.", ""),
    ]


def test_excerpts_are_picked_when_counting_the_first_few_per_question_audience_and_grouping(db):
    make_member_state("FRA")
    consultation = make_open_consultation()
    demo_responses_generate(consultation=consultation, states=1, organisations=40, all_submitted=True)
    Position.objects.filter(consultation=consultation).update(publication=Publication.ATTRIBUTED)

    aggregates_rebuild(consultation=consultation)

    picked = StoredExcerpt.objects.filter(consultation=consultation, grouping=None, audience="civil_society")
    by_question = defaultdict(list)
    for excerpt in picked.order_by("place"):
        by_question[excerpt.question_code].append(excerpt.text)
    assert by_question and all(len(texts) <= StoredExcerpt.PER_QUESTION for texts in by_question.values())
    for code, texts in by_question.items():  # The earliest submitted, as the old search over all answers found.
        earliest = Answer.objects.filter(
            response__position__consultation=consultation, question__code=code, question__is_current=True,
            response__position__audience="civil_society",
        ).exclude(text="").order_by("response__submitted_at", "pk").values_list("text", flat=True)
        assert texts == list(earliest[: StoredExcerpt.PER_QUESTION])


def test_a_summary_reads_stored_figures_and_excerpts_never_the_answers(db):
    built = built_and_counted()

    with CaptureQueriesContext(connection) as queries:
        regional_summary(built.consultation, built.groupings["m49-002"], internal=True)

    assert not [query["sql"] for query in queries if Answer._meta.db_table in query["sql"]]


def test_a_confidential_or_draft_text_never_appears_in_any_summary(db):
    built = built_and_counted()

    for grouping in [None, *RegionalGrouping.objects.all()]:
        for internal in (False, True):
            text = str(regional_summary(built.consultation, grouping, internal=internal))
            assert CONFIDENTIAL_TEXT not in text and DRAFT_TEXT not in text
            assert "Berlin Helpdesk" not in text


def test_coverage_counts_states_by_subregion_and_organisations_by_country(db):
    built = built_and_counted()

    world = regional_summary(built.consultation).coverage
    africa = regional_summary(built.consultation, built.groupings["m49-002"]).coverage

    assert (world.states_invited, world.states_answered, world.states_submitted) == (8, 7, 6)
    assert world.by_subregion == [
        ("Latin America and the Caribbean", 1, 1, 1), ("Sub-Saharan Africa", 4, 3, 2), ("Western Europe", 3, 3, 3)
    ]
    countries = [("France", 1), ("Germany", 1), ("Senegal", 1), ("State of Palestine", 1)]
    assert world.civil_society_by_country == countries
    assert africa.by_subregion == [("Sub-Saharan Africa", 4, 3, 2)]
    assert africa.civil_society_by_country == [("Senegal", 1)]


def test_the_summary_names_its_grouping_and_data_cutoff(db):
    built = built_and_counted()

    world = regional_summary(built.consultation)
    africa = regional_summary(built.consultation, built.groupings["m49-002"], internal=True)

    assert (world.grouping_name, world.internal) == ("World", False)
    assert (africa.grouping_name, africa.internal) == ("Africa", True)
    assert world.data_cutoff == Aggregate.objects.filter(consultation=built.consultation).first().computed_at


def run_eagerly(django_capture_on_commit_callbacks, action):
    """Run the action and its on-commit callbacks with tasks run in-process, as on the embedded default."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            action()
    finally:
        app.conf.task_always_eager = eager
    return callbacks


def test_submissions_are_counted_at_once_when_tasks_run_in_process(db, django_capture_on_commit_callbacks):
    built = build_hand_set(submit_later=True)

    run_eagerly(django_capture_on_commit_callbacks,
                lambda: [submit(response) for response in built.to_submit])

    assert_hand_figures(built.consultation)


def test_reopening_a_position_has_the_figures_recounted(db, officer, django_capture_on_commit_callbacks):
    built = built_and_counted()
    Aggregate.objects.all().delete()
    position = Position.objects.get(member_state__iso3="FRA")

    run_eagerly(django_capture_on_commit_callbacks,
                lambda: position_reopen(position=position, actor=officer, reason="Typo in 1.1"))

    # Recounted (the figures were deleted above); a reopened position counts again only once it is
    # submitted again (tests/test_counting_rule.py).
    row = stored(built.consultation, None, MS, "1.1-priority")
    assert (row.respondents, row.mean) == (5, 14 / 5)


def test_rebuild_aggregates_command_recounts_a_consultation(db, capsys):
    built = build_hand_set()

    call_command("rebuild_aggregates", built.consultation.slug)

    assert "figures counted" in capsys.readouterr().out
    assert_hand_figures(built.consultation)


def state_answers(consultation):
    rows = Answer.objects.filter(response__position__consultation=consultation, response__position__audience=MS)
    return sorted(rows.values_list("response__position__member_state__iso3", "question__code", "choice__value", "rank"))


def test_demo_responses_are_reproducible_for_a_seed_and_counted(db, capsys):
    for iso3 in ("FRA", "SEN", "MEX", "PHL", "JOR"):
        make_member_state(iso3)
    first, second = make_open_consultation(), make_open_consultation()

    call_command("demo_responses", first.slug, "--states", "4", "--organisations", "6", "--seed", "7")
    demo_responses_generate(consultation=second, states=4, organisations=0, seed=7)

    assert "figures counted" in capsys.readouterr().out
    assert Position.objects.filter(consultation=first).count() == 10
    assert state_answers(first) == state_answers(second) != []
    assert Aggregate.objects.filter(consultation=first).exists()


def test_the_demo_ends_with_figures_where_the_audiences_diverge(db):
    from consult.services.demo import demo_setup

    consultation = demo_setup().consultation
    regions = RegionalGrouping.objects.filter(kind=RegionalGrouping.Kind.M49_REGION)

    assert Aggregate.objects.filter(consultation=consultation, grouping=None).exists()
    summaries = [regional_summary(consultation, region) for region in regions]
    assert any(rec.divergence_flag for summary in summaries for area in summary.areas for rec in area.recommendations)
