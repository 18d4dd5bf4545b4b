"""Campaigns: the same template letter sent by many respondents, lightly edited, found with MinHash.

Each answer becomes the set of its word 3-grams (character 4-grams for Chinese), folded like
every text here but keeping function words, which a template shares too. MinHash signatures
in locality-sensitive hashing buckets (datasketch) give the candidate pairs without comparing
every pair; a pair is near-identical when the exact Jaccard similarity of the two sets reaches
SIMILARITY. Near-identical answers joined by such pairs form a campaign if there are at least
CAMPAIGN_MIN_SIZE of them. Short answers ("We support this recommendation.") are left out:
many respondents write them alike without any campaign.
"""

import re

from datasketch import MinHash, MinHashLSH

from .text import CJK, strip_marks

# Numbers are kept: a template's figures are copied with it, where independent answers differ.
SEPARATORS = re.compile(r"[^\w]+")

SIMILARITY = 0.7
CAMPAIGN_MIN_SIZE = 3
CAMPAIGN_MIN_WORDS = 25
NUM_PERM = 64
# Candidates are gathered a little below the threshold, then checked exactly.
LSH_THRESHOLD = 0.5
REPRESENTATIVE_SAMPLE = 50


def shingles(text: str) -> frozenset[str]:
    folded = SEPARATORS.sub(" ", strip_marks(text).casefold())
    if CJK.search(folded):
        runs = folded.replace(" ", "")
        return frozenset(runs[index:index + 4] for index in range(max(len(runs) - 3, 1)))
    tokens = folded.split()
    if len(tokens) < CAMPAIGN_MIN_WORDS:
        return frozenset()
    return frozenset(" ".join(tokens[index:index + 3]) for index in range(len(tokens) - 2))


def jaccard(first: frozenset, second: frozenset) -> float:
    return len(first & second) / len(first | second) if first and second else 0.0


def find_campaigns(texts: list[str]) -> list[list[int]]:
    """Return the campaigns among the texts, as lists of their indexes, the representative first, largest first."""
    sets = [shingles(text) for text in texts]
    candidates = [index for index, shingle_set in enumerate(sets) if len(shingle_set) >= CAMPAIGN_MIN_WORDS - 2]
    signatures = MinHash.bulk([[shingle.encode() for shingle in sets[index]] for index in candidates],
                              num_perm=NUM_PERM)
    buckets = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for index, signature in zip(candidates, signatures):
        buckets.insert(index, signature)
    groups = UnionFind()
    for index, signature in zip(candidates, signatures):
        for other in buckets.query(signature):
            if other > index and jaccard(sets[index], sets[other]) >= SIMILARITY:
                groups.union(index, other)
    campaigns = [members for members in groups.components() if len(members) >= CAMPAIGN_MIN_SIZE]
    campaigns = [representative_first(members, sets) for members in campaigns]
    return sorted(campaigns, key=lambda members: (-len(members), members[0]))


def representative_first(members: list[int], sets) -> list[int]:
    """Return the members with the most typical one first: closest on average to the others (a sample)."""
    sample = members[:REPRESENTATIVE_SAMPLE]
    best = max(sample, key=lambda index: sum(jaccard(sets[index], sets[other]) for other in sample))
    return [best] + [index for index in members if index != best]


class UnionFind:
    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        self.parent[self.find(first)] = self.find(second)

    def components(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for item in sorted(self.parent):
            groups.setdefault(self.find(item), []).append(item)
        return list(groups.values())
