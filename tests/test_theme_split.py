"""A theme written two ways comes out as one proposed theme; distinct themes stay apart."""

import random

from consult.services.themes.model import propose_themes

# Housing written two ways (landlords, tenants and rent; social housing and its standards): one
# theme, as the answers using both ways show. Health care and schooling are themes of their own.
PLANTED = {
    "health": [
        "Migrants can see a doctor at public health clinics free of charge.",
        "Nurses at the health clinics speak the languages of migrant patients.",
        "Mobile health clinics bring doctors and vaccines to migrant workers on farms.",
        "Health insurance now covers migrants with the same premiums as citizens.",
        "Emergency health care fees are waived for migrants without insurance.",
        "Migrant patients enrol in the national health insurance when they register.",
    ],
    "schooling": [
        "Every migrant child is enrolled in the nearest public school whatever the parents' papers.",
        "Teachers receive training to welcome pupils who do not yet speak the language of the school.",
        "Catch-up classes help migrant children who missed years of school.",
        "School meals and textbooks are free for migrant pupils.",
    ],
    "housing": [
        "Landlords may no longer refuse housing to tenants because they are migrants.",
        "Social housing is open to migrant families after one year of residence.",
        "The city guarantees the rent deposit so that newly arrived tenants find housing.",
        "Seasonal workers' housing must meet the same standards as any rented flat.",
    ],
}


def planted_answers(count: int, seed: int = 4) -> tuple[list[str], list[str]]:
    """Return answers of one or two sentences of one planted theme each, and their themes."""
    rng = random.Random(seed)
    texts, themes = [], []
    for number in range(count):
        theme = list(PLANTED)[number % len(PLANTED)]
        texts.append(" ".join(rng.sample(PLANTED[theme], rng.randint(1, 2))))
        themes.append(theme)
    return texts, themes


def best_match(proposed, themes, planted):
    """Return the proposed theme that best matches the planted one, and its F1."""
    truth = {index for index, theme in enumerate(themes) if theme == planted}
    scores = [2 * len(truth & set(theme.members)) / (len(truth) + len(theme.members)) for theme in proposed]
    best = max(range(len(proposed)), key=scores.__getitem__)
    return proposed[best], scores[best]


def test_a_theme_written_two_ways_is_one_proposed_theme():
    texts, themes = planted_answers(600)
    proposed = propose_themes(texts)
    assert best_match(proposed, themes, "housing")[1] >= 0.7
    housing = {index for index, theme in enumerate(themes) if theme == "housing"}
    assert len([theme for theme in proposed if len(housing & set(theme.members)) > 0.5 * len(theme.members)]) == 1


def test_distinct_themes_stay_apart():
    texts, themes = planted_answers(600)
    proposed = propose_themes(texts)
    health, health_f1 = best_match(proposed, themes, "health")
    schooling, schooling_f1 = best_match(proposed, themes, "schooling")
    assert health is not schooling and health_f1 >= 0.7 and schooling_f1 >= 0.7
