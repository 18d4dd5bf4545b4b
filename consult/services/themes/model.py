"""Themes proposed from the answers' texts: TF-IDF on character n-grams and concepts, factorised by NMF.

Every answer becomes one vector of three weighted parts (each TF-IDF, sublinear, l2):
character 3- to 5-grams of its normalised words (spelling variants, inflections and cognates
meet: "intégration", "integración", "integration"), its words (for key terms), and the
glossary concepts it names (what lets the languages meet). Non-negative matrix factorisation
splits the answers over k themes; an answer belongs to every theme whose weight reaches
MEMBERSHIP_SHARE of its strongest, so it may be in several. k is the one, among a few, whose
themes are best separated (silhouette, cosine) on a sample of the answers, then lowered while
two of its themes are one theme split in two: silhouette keeps rising past the real count, as
answers sharing a phrasing separate from the rest, so a theme written two ways came out as two
half-themes. Seen from the centre of all the answers, two halves' centres point the same way
(answers using both phrasings, terms only that theme uses); distinct themes' centres point apart.

All of it runs in the worker's memory, with float32 sparse matrices: 20,000 answers of a few
hundred words take well under a gigabyte (see bench/themes.py).
"""

import math
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.spatial.distance import pdist
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from .glossary import CONCEPTS
from .text import concepts, words

CHARACTER_WEIGHT, WORD_WEIGHT, CONCEPT_WEIGHT = 1.0, 0.6, 1.5
MAX_FEATURES = 60_000
MEMBERSHIP_SHARE = 0.5
# An answer's weight on its strongest theme must reach this share of the typical (median)
# strongest weight, or the answer belongs to no theme: it says too little that others say.
MIN_STRENGTH = 0.25
MIN_THEMES, MAX_THEMES = 2, 12
SAMPLE = 800
# Two themes whose centres, less the centre of all answers, have this cosine are one theme
# split in two. On the planted corpora (bench/themes.py, samples of 800), halves of a theme
# measure about 0.3 to 0.6 and distinct themes mostly below 0.2, up to 0.3 where one theme's
# answers also say what another's say.
SAME_THEME = 0.3
KEYWORDS = 8
# Short key terms ("six", "año") say little in a label.
LABEL_TERM_LENGTH = 4
# A key term is used by at least this many of the theme's answers.
MIN_USERS = 2


@dataclass
class ProposedTheme:
    label: str
    keywords: list[str]
    concepts: list[str]
    members: dict[int, float] = field(default_factory=dict)  # answer index: weight (the most typical highest)


@dataclass
class Features:
    matrix: sparse.csr_matrix
    sizes: tuple[int, int]  # where the word columns start and the concept columns start
    words: sparse.csr_matrix
    word_names: np.ndarray
    concepts: sparse.csr_matrix
    concept_names: np.ndarray


def propose_themes(texts: list[str], language: str = "en", themes: int | None = None) -> list[ProposedTheme]:
    """Return the themes of the texts, each with its members (indexes into `texts`), largest first."""
    if len(texts) < 2 * MIN_THEMES:
        return []
    features = featurise(texts)
    if features is None:
        return []
    k = themes or choose_theme_count(features.matrix)
    weights, loadings = factorise(features.matrix, k)
    member = memberships(weights)
    proposed = [
        describe(features, np.flatnonzero(member[:, topic]), weights[:, topic], loadings[topic], texts, language)
        for topic in range(weights.shape[1])
    ]
    proposed = [theme for theme in proposed if theme.members]
    return sorted(proposed, key=lambda theme: -len(theme.members))


def featurise(texts: list[str]) -> Features | None:
    tokens = [words(text) for text in texts]
    documents = [" ".join(document) for document in tokens]
    min_df = 2 if len(texts) >= 10 else 1
    try:
        characters = vectoriser(analyzer="char_wb", ngram_range=(3, 5), min_df=min_df).fit_transform(documents)
        word_vectoriser = vectoriser(analyzer=str.split, min_df=min_df)
        word_matrix = word_vectoriser.fit_transform(documents)
    except ValueError:  # Nothing left to count: every answer empty or made of function words.
        return None
    concept_vectoriser = vectoriser(analyzer=concepts, min_df=1, max_df=1.0)
    try:
        concept_matrix = concept_vectoriser.fit_transform(tokens)
        concept_names = concept_vectoriser.get_feature_names_out()
    except ValueError:  # No answer names a concept of the glossary.
        concept_matrix, concept_names = sparse.csr_matrix((len(texts), 0), dtype=np.float32), np.array([])
    sizes = (characters.shape[1], characters.shape[1] + word_matrix.shape[1])
    matrix = sparse.hstack(
        [CHARACTER_WEIGHT * characters, WORD_WEIGHT * word_matrix, CONCEPT_WEIGHT * concept_matrix], format="csr"
    )
    return Features(normalize(matrix), sizes, word_matrix, word_vectoriser.get_feature_names_out(),
                    concept_matrix, concept_names)


def vectoriser(*, analyzer, min_df, max_df=0.5, **options) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer, min_df=min_df, max_df=max_df, sublinear_tf=True, dtype=np.float32,
        max_features=MAX_FEATURES, lowercase=False, **options,
    )


def choose_theme_count(matrix) -> int:
    """Return the number of distinct themes, among a few counts, whose answers are best separated on a sample."""
    rows = matrix.shape[0]
    sample = matrix
    if rows > SAMPLE:
        sample = matrix[np.random.default_rng(0).choice(rows, SAMPLE, replace=False)]
    candidates = range(MIN_THEMES, min(MAX_THEMES, max(MIN_THEMES, int(math.sqrt(rows)))) + 1)
    scores, weights = {}, {}
    for k in candidates:
        weights[k] = factorise(sample, k, max_iter=80)[0]
        labels = weights[k].argmax(axis=1)
        if len(set(labels)) > 1:
            scores[k] = silhouette_score(sample, labels, metric="cosine", random_state=0)
    if not scores:
        return MIN_THEMES
    return distinct_theme_count(sample, max(scores, key=scores.get), weights)


def distinct_theme_count(sample, k: int, weights: dict) -> int:
    """Return the largest count, up to k, whose themes on the sample hold no theme split in two."""
    while k > MIN_THEMES and closest_themes(sample, weights[k]) >= SAME_THEME:
        k -= 1
    return k


def closest_themes(matrix, weights: np.ndarray) -> float:
    """Return the highest cosine between two themes' centres, each less the centre of all answers."""
    member = memberships(weights)
    overall = np.asarray(matrix.mean(axis=0)).ravel()
    centres = np.zeros((weights.shape[1], matrix.shape[1]))
    for topic in range(weights.shape[1]):
        members = np.flatnonzero(member[:, topic])
        if len(members):
            centres[topic] = np.asarray(matrix[members].mean(axis=0)).ravel() - overall
    # A theme without members (all zero) is at distance 1 from every other: never merged.
    return float(1 - np.nan_to_num(pdist(centres, "cosine"), nan=1.0).min())


def factorise(matrix, k: int, max_iter: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Return the answers' weights on the k themes, and the themes' loadings on the features."""
    model = NMF(n_components=k, init="nndsvda", max_iter=max_iter, tol=1e-3, random_state=0)
    with warnings.catch_warnings():
        # The iteration cap is deliberate (a sample's rough factors only rank theme counts): not a fault to print.
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    return weights, model.components_


def memberships(weights: np.ndarray) -> np.ndarray:
    """Return a boolean matrix: which answers (rows) belong to which themes (columns)."""
    strongest = weights.max(axis=1)
    typical = np.median(strongest[strongest > 0]) if (strongest > 0).any() else 0.0
    strong_enough = strongest >= MIN_STRENGTH * typical
    return (weights >= MEMBERSHIP_SHARE * strongest[:, None]) & (weights > 0) & strong_enough[:, None]


def describe(features: Features, members: np.ndarray, weights, loadings, texts, language) -> ProposedTheme:
    """Return the theme of these members: its key terms and concepts (by the theme's loadings), its label."""
    if not len(members):
        return ProposedTheme("", [], [])
    characters, words_end = features.sizes
    keywords = top_terms(loadings[characters:words_end], features.words, features.word_names, members, KEYWORDS)
    keywords = surface_forms(keywords, [texts[index] for index in members[np.argsort(-weights[members])][:200]])
    concept_keys = top_terms(loadings[words_end:], features.concepts, features.concept_names, members, 2)
    return ProposedTheme(
        label=theme_label(concept_keys, keywords, language),
        keywords=keywords,
        concepts=concept_keys,
        members={int(index): float(weights[index]) for index in members},
    )


def top_terms(loadings, matrix, names, members: np.ndarray, count: int) -> list[str]:
    """Return the terms the theme loads most, among those that several of its members use."""
    if matrix.shape[1] == 0:
        return []
    users = np.asarray((matrix[members] > 0).sum(axis=0)).ravel()
    enough = users >= min(MIN_USERS, len(members))
    ranked = [column for column in np.argsort(-loadings, kind="stable") if enough[column] and loadings[column] > 0]
    return [str(names[column]) for column in ranked[:count]]


def surface_forms(folded: list[str], texts: list[str]) -> list[str]:
    """Return each folded key term as respondents most often wrote it (accents and all)."""
    written: dict[str, Counter] = {term: Counter() for term in folded}
    for text in texts:
        for original in text.lower().split():
            original = original.strip(".,;:!?()«»\"'“”‘’—–-")
            key = " ".join(words(original))
            if key in written:
                written[key][original] += 1
    return [written[term].most_common(1)[0][0] if written[term] else term for term in folded]


def theme_label(concept_keys: list[str], keywords: list[str], language: str) -> str:
    """Return a label from key terms: the leading concept's name in the language, then the first terms."""
    keywords = [keyword for keyword in keywords if len(keyword) >= LABEL_TERM_LENGTH] or keywords
    terms = ", ".join(keywords[:3])
    if not concept_keys:
        return capitalised(terms)
    names = CONCEPTS[concept_keys[0]]["names"]
    name = names.get(language, names["en"])
    return capitalised(f"{name}: {', '.join(keywords[:2])}" if keywords else name)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
