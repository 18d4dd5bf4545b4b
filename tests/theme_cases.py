"""A consultation whose civil society answered 1.1-own_work on planted themes, analysed once."""

import random

from consult.models import AnalysisRun, Theme
from consult.services.demo_texts import themed_answer
from consult.services.themes.analysis import texts_analyse

from .factories import make_member_state, make_organisation, make_text_answer

PLANTED = ["data", "trafficking", "diaspora"]
CODE = "1.1-own_work"


def answer_many(consultation, count, *, start=0, seed=1, themes=PLANTED, country="SN"):
    """Give `count` organisations an own-work answer planted from one of the themes; return {name: theme}."""
    rng = random.Random(seed)
    make_member_state("SEN" if country == "SN" else "FRA")
    planted = {}
    for number in range(start, start + count):
        theme = themes[number % len(themes)]
        name = f"Organisation {number:03d}"
        text = themed_answer(rng.choice(["en", "fr", "es"]), rng, [theme]).text
        make_text_answer(consultation, make_organisation(name=name, country=country), CODE, text)
        planted[name] = theme
    return planted


def analyse(consultation, code=CODE):
    return texts_analyse(run=AnalysisRun.objects.create(consultation=consultation, question_code=code))


def members(theme: Theme) -> set[str]:
    return set(theme.memberships.filter(is_member=True).values_list("answer__respondent_name", flat=True))
