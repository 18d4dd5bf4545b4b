"""Answers in six languages made comparable: normalised words, and concepts shared across languages.

Normalising folds case, compatibility forms and diacritics (é → e, Arabic short vowels and
hamza seats), keeps letters of every script and drops the commonest function words of the
six languages, so that character n-grams carry meaning rather than grammar. Chinese has no
spaces: its text stays one run of characters, which the n-grams cut anyway.
"""

import re
import unicodedata
from functools import lru_cache

from .glossary import CONCEPTS

NON_LETTERS = re.compile(r"[^\w]+|[\d_]+")
CJK = re.compile(r"[\u3400-\u9fff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")

STOP_WORDS = frozenset(
    # English
    "a an and are as at be been but by can for from has have in is it its may more most no not now of on or our "
    "so such than that the their them there these they this those to was we were which who will with would all "
    "also any each every into other over should still under until very what when where whose why how do does "
    # French
    "au aux avec ce ces cet cette dans de des du elle en est et il ils la le les leur leurs lui mais ne nos notre "
    "nous on ou par pas pour qu que qui sa se ses son sont sur un une vos votre vous ont ete etre plus tout tous "
    "toute toutes afin ainsi aussi comme dont entre sans sous chaque quel quelle "
    # Spanish
    "al con como del el ella ellos en entre es esta este esto estos fue ha han hay la las lo los mas muy no nos "
    "nuestra nuestro nuestros nuestras o para pero por que se sin sobre su sus tambien un una uno unos unas y ya "
    "cada cual cualquiera ser son sido tras "
    # Russian
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от "
    "меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь опять уж вам ведь "
    "там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтобы без будто чего "
    "раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем "
    "при это наш наши нашей "
    # Arabic (after folding hamza seats and short vowels)
    "في من على الى ان عن مع هذا هذه ذلك التي الذي كل او و ما لا لم قد كان كانت بين حتى بعد قبل عند اي هو هي "
    "نحن هم لكل نحو لدى ايضا".split()
)


def strip_marks(text: str) -> str:
    """Return the text decomposed, without combining marks (accents, Arabic vowels and hamza seats)."""
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Return the text's words, folded and unaccented, without function words."""
    folded = strip_marks(text).casefold()
    return [word for word in NON_LETTERS.sub(" ", folded).split() if word not in STOP_WORDS]


def normalise(text: str) -> str:
    return " ".join(words(text))


def concepts(words_of_text: list[str]) -> list[str]:
    """Return the glossary concepts the words name, in any of the six languages (repeats kept)."""
    found = []
    for word in words_of_text:
        found.extend(concepts_of_word(word))
    return found


@lru_cache(maxsize=200_000)
def concepts_of_word(word: str) -> tuple[str, ...]:
    """Return the concepts a word names: Latin and Cyrillic stems start it; Arabic and Chinese ones occur in it."""
    inside = CJK.search(word) or ARABIC.search(word)
    return tuple(
        concept
        for concept, stems in CONCEPT_STEMS.items()
        if any((stem in word) if inside else word.startswith(stem) for stem in stems)
    )


# The stems as the words they are matched against: folded and unaccented the same way.
CONCEPT_STEMS = {
    concept: tuple(strip_marks(stem).casefold() for stem in entry["stems"]) for concept, entry in CONCEPTS.items()
}
