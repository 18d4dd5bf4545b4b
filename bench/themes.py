"""The theme analysis measured: quality on labelled corpora, then time, memory and page speed at scale.

    .venv/bin/python -m bench.themes [--answers 20000] [--evaluate-only]

Quality: corpora drawn by `consult.services.demo_texts.labelled_corpus` (planted themes, one
planted campaign of 5 %), in English, French and Spanish mixed, each alone, and in all six
languages; each goes through the analysis's own steps (campaigns, then themes on the answers
with each campaign once). For each planted theme, the best-matching proposed theme's
precision, recall and F1 against the planted members; for the campaign, the share of its
members found and the share of other answers in the campaign found.

Scale: a database of its own (BENCH_THEMES_DATABASE_URL, default consult_bench_themes, dropped
and recreated) with the demo's consultation and N organisations answering one question; the
analysis of that question as the worker runs it (time, and peak resident memory of this
process from just before), then the review pages of that question (median of 10 requests).
"""

import argparse
import os
import statistics
import time

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/consult_bench_themes"
CODE = "1.1-own_work"
CORPORA = [
    ("en+fr+es", ("en", "fr", "es"), 3000),
    ("en", ("en",), 1500),
    ("fr", ("fr",), 1500),
    ("es", ("es",), 1500),
    ("six languages", ("en", "fr", "es", "ar", "ru", "zh"), 3000),
]
PAGE_REQUESTS = 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--evaluate-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not args.evaluate_only:
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_THEMES_DATABASE_URL", DEFAULT_DATABASE)
        from .data import database_recreate

        database_recreate(os.environ["DATABASE_URL"])
    import django

    django.setup()
    for name, languages, size in CORPORA:
        evaluate(name, languages, size)
    if not args.evaluate_only:
        at_scale(args.answers)


def evaluate(name, languages, size) -> None:
    from consult.services.demo_texts import THEMES, labelled_corpus
    from consult.services.themes.campaigns import find_campaigns
    from consult.services.themes.model import propose_themes

    corpus = labelled_corpus(size, languages, seed=size + len(languages))
    texts = [answer.text for answer in corpus]
    campaigns = find_campaigns(texts)
    hidden = {index for members in campaigns for index in members[1:]}
    analysed = [index for index in range(len(texts)) if index not in hidden]
    themes = [{analysed[i] for i in theme.members} for theme in propose_themes([texts[i] for i in analysed])]
    scores = [theme_scores(corpus, key, analysed, themes) for key in THEMES]
    f1s = [f1 for _key, _precision, _recall, f1 in scores]
    print(f"\n{name}: {size} answers, {len(themes)} themes proposed; F1 min {min(f1s):.2f}, mean {statistics.mean(f1s):.2f}")
    for key, precision, recall, f1 in scores:
        print(f"  theme {key:13s} precision {precision:.2f} recall {recall:.2f} F1 {f1:.2f}")
    found, others = campaign_scores(corpus, campaigns)
    print(f"  campaign: {found:.0%} of its members found, {others:.0%} other answers in it; "
          f"{len(campaigns) - 1} other groups of near-identical answers")


def theme_scores(corpus, key, analysed, themes):
    truth = {index for index in analysed if key in corpus[index].themes}
    best = (0.0, 0.0, 0.0)
    for members in themes:
        hits = len(truth & members)
        precision, recall = hits / len(members) if members else 0.0, hits / len(truth) if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        best = max(best, (f1, precision, recall))
    return key, best[1], best[2], best[0]


def campaign_scores(corpus, campaigns):
    planted = {index for index, answer in enumerate(corpus) if answer.campaign}
    if not campaigns or not planted:
        return 0.0, 0.0
    best = max((set(members) for members in campaigns), key=lambda members: len(members & planted))
    return len(best & planted) / len(planted), len(best - planted) / len(best)


def at_scale(answers: int) -> None:
    from .data import consultation_setup

    consultation = consultation_setup()
    started = time.perf_counter()
    answers_load(consultation, answers)
    print(f"\nLoaded {answers} answers to {CODE} in {time.perf_counter() - started:.1f} s")
    run = analysis_measured(consultation)
    print(f"  outcome: {run.outcome['questions'][0]}")
    pages_measured(consultation)


def answers_load(consultation, count: int) -> None:
    """Give `count` organisations a submitted response answering the question, in bulk."""
    from django.utils import timezone

    from consult.models import CivilSocietyOrganisation, Position
    from consult.services.demo_texts import labelled_corpus
    from surveys.models import Answer, Question, Response

    survey = consultation.questionnaires.get(audience="civil_society").survey
    question = Question.objects.get(survey=survey, code=CODE, is_current=True)
    countries = ["SN", "FR", "MX", "PH", "JO", "KE", "BR", "DE", "IN", "EG"]
    organisations = CivilSocietyOrganisation.objects.bulk_create(
        CivilSocietyOrganisation(name=f"Bench organisation {number}", country=countries[number % len(countries)],
                                 type="ngo", accreditation="accredited")
        for number in range(count)
    )
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(survey=survey, status="submitted", submitted_at=now) for _ in organisations
    )
    Position.objects.bulk_create(
        Position(consultation=consultation, audience="civil_society", organisation=organisation, response=response,
                 status="submitted", publication="anonymous", submitted_at=now)
        for organisation, response in zip(organisations, responses)
    )
    corpus = labelled_corpus(count, ("en", "fr", "es", "ar", "ru", "zh"), seed=2013)
    Answer.objects.bulk_create(
        (Answer(response=response, question=question, text=answer.text) for response, answer in zip(responses, corpus)),
        batch_size=5000,
    )


def analysis_measured(consultation):
    from consult.models import AnalysisRun
    from consult.services.themes.analysis import texts_analyse

    peak_reset()
    started = time.perf_counter()
    run = texts_analyse(run=AnalysisRun.objects.create(consultation=consultation, question_code=CODE))
    seconds = time.perf_counter() - started
    print(f"themes_analyse_one_question@{run.outcome['questions'][0]['answers']}: {seconds:.1f} s, "
          f"peak memory {peak_megabytes():.0f} MB")
    return run


def pages_measured(consultation) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from consult.models import Theme

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench.secretariat"))
    theme = Theme.objects.filter(consultation=consultation, question_code=CODE).first()
    pages = {
        "theme_review_page": reverse("consult:theme-question", args=[consultation.slug, CODE]),
        "theme_answers_page": reverse("consult:theme-answers", args=[consultation.slug, CODE]) + "?show=unreviewed",
        "theme_detail_page": reverse("consult:theme-detail", args=[consultation.slug, CODE, theme.public_id]),
    }
    for name, url in pages.items():
        client.get(url, HTTP_HOST="127.0.0.1")  # Warm: the first request loads templates and catalogues.
        times = []
        for _ in range(PAGE_REQUESTS):
            started = time.perf_counter()
            status = client.get(url, HTTP_HOST="127.0.0.1").status_code
            times.append(1000 * (time.perf_counter() - started))
        print(f"{name}_median: {statistics.median(times):.0f} ms (max {max(times):.0f} ms, HTTP {status})")


def peak_reset() -> None:
    """Reset this process's peak resident memory (Linux: VmHWM), so that the next peak is the analysis's."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def peak_megabytes() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


if __name__ == "__main__":
    main()
