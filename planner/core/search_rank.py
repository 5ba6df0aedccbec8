"""Search relevance: the plain everyday form of a food first.

The database finds the foods that hold every searched word (as a prefix, in the name or
the common names); this module orders them as a shopper expects. For each searched word
the best place it is found counts:

=====================================================  ======
the food's head noun ("Milk, whole": *milk*)               12
a common name, whole word ("oatmeal" for cooked oats)       9
another word of the head ("Apple juice": *apple*)           7
a later word of the name ("Bread, *oatmeal*")               5
the start of the head noun ("coff" in *coffee*)             3
the start of any other word ("bread" in *breaded*)          1
=====================================================  ======

A name's **head** is its first comma-separated part, after category words SR28 puts in
front ("Beverages, coffee, brewed" -> *coffee*; "Snacks, potato chips" -> *potato chips*);
its **head noun** is the head's last word (a head of more than three words has none). A
whole word also matches its plural ("egg" finds "Eggs", "apples" finds "Apple"). On top of
the words:

* +3 when the head is exactly the searched word ("Bananas, raw" for "banana"), +2 when
  the first searched word is the head's first word ("Rice, white" for "rice white");
* +1 for each word of a plain form ("raw", "fresh", "fluid", "whole", "plain", "brewed",
  "cooked"...; at most +3) and -5 for a processed or unusual form ("dried", "dry",
  "powder", "mix", "imitation", "deli", "human"...), unless the search says it;
* +8 when a common name is exactly the search ("spaghetti" for cooked pasta);
* +0.5 for each household measure SR28 gives the food, at most +3 (the data weighs the
  foods people use most in the most ways: cheddar has 6, edam 2);
* +6 for a food of the national dietary survey (SR28 ``Survey``: the foods people report
  eating);
* -1 for each further part of the name that makes it another kind or form (fewer
  qualifiers first); details do not count ("with added vitamin D", "prepared with tap
  water", "3.25% milkfat", "all commercial varieties");
* -8 for a brand or a restaurant item (an upper-case brand word, "Restaurant", "Fast
  foods", "USDA Commodity", "School Lunch") and -10 for baby food and meat analogues
  ("Bacon, meatless"), unless the search names them; these are found, only after the plain food;
* the user's own foods: +1 per time eaten in the stored plans (at most +5) and +2 for a
  food eaten in the last 14 days.

**Relevance floor.** When some foods hold every searched word as a whole word, foods that
only hold one as the start of a longer word are left out ("bread" finds no "breaded fried
oysters", whatever the list is then sorted by); while a word is being typed ("spin") no
food holds it whole and prefixes are all there is.

Ties go to the shorter name, then the name in code-point order, then the id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

HEAD_NOUN: Final = 12.0
COMMON_NAME: Final = 9.0
HEAD_WORD: Final = 7.0
LATER_WORD: Final = 5.0
HEAD_NOUN_PREFIX: Final = 3.0
PREFIX: Final = 1.0
EXACT_HEAD: Final = 3.0
FIRST_WORD: Final = 2.0
SURVEY: Final = 6.0
PER_QUALIFIER: Final = -1.0
BRAND: Final = -8.0
BABY: Final = -10.0
PER_USE: Final = 1.0
MAX_USE: Final = 5.0
RECENT: Final = 2.0
RECENT_DAYS: Final = 14
EXACT_COMMON_NAME: Final = 8.0
PER_MEASURE: Final = 0.5
MAX_MEASURES: Final = 6
#: A head of more words than this has no head noun ("rice cracker brown rice").
MAX_HEAD_WORDS: Final = 3

#: First parts of SR28 names that say the kind of food, not the food.
CATEGORY_PARTS: Final = frozenset({
    "beverages", "carbonated", "snacks", "cereals ready-to-eat", "cereals", "spices",
    "alcoholic beverage", "alcoholic beverages", "candies", "fish", "crustaceans",
    "mollusks", "nuts", "seeds", "game meat", "babyfood", "infant formula", "fast foods",
    "restaurant", "usda commodity", "school lunch", "formulated bar", "rice and wheat cereal",
})
#: Words of a plain, everyday form of a food.
PLAIN_WORDS: Final = frozenset({
    "raw", "fresh", "fluid", "whole", "plain", "brewed", "cooked", "boiled", "regular",
    "roasted", "baked",
})
#: Words of a processed or unusual form: dried and powdered foods, mixes, substitutes,
#: deli meats, human milk.
PROCESSED_WORDS: Final = frozenset({
    "dried", "dehydrated", "powder", "powdered", "mix", "imitation", "substitute", "human",
    "concentrate", "deli", "prepackaged", "luncheon", "freeze", "producer", "instant",
    "sodium", "formula", "glutinous", "stuffing", "flavored", "flavor", "dry",
    "liquid", "feet", "giblets", "seasoned", "rotisserie",
})
#: A part of a name starting so is a detail, not a qualifier.
_DETAIL: Final = re.compile(
    r"^(?:(?:with|without|no) (?:added|salt)|prepared with|includes?|all commercial|year round"
    r"|broilers? or fryers|meat only|meat and skin|composite|mature seeds|regular pack"
    r"|drained solids"
    r"|\(|\d)", re.IGNORECASE,
)
PLAIN: Final = 1.0
MAX_PLAIN: Final = 3
PROCESSED: Final = -5.0
#: Two first parts that say the kind of food: "Pork, cured, bacon" is bacon.
CATEGORY_PAIRS: Final = frozenset({("pork", "cured"), ("beef", "cured")})
_BABY_GROUP: Final = "0300"
#: Food groups of fast foods and restaurant foods.
_BRAND_GROUPS: Final = frozenset({"2100", "3600"})
_BRAND_START: Final = re.compile(r"^(?:restaurant|fast foods?|usda commodity|school lunch)\b",
                                 re.IGNORECASE)
#: A brand word: three or more capitals in a row (KELLOGG'S, McDONALD'S, APPLEBEE'S).
_BRAND_WORD: Final = re.compile(r"[A-Z]{3,}")
_NOT_BRANDS: Final = frozenset({"USDA", "NFS", "NS", "RTE", "RTF", "UHT", "DHA", "ARA"})
_WORD: Final = re.compile(r"[^\W_]+")
_BABY_WORDS: Final = frozenset({"baby", "babyfood", "infant", "toddler"})
_BRAND_WORDS: Final = frozenset({"restaurant", "fast", "commodity", "school"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """What ranking needs of a food the database matched."""

    id: int
    name: str
    common_name: str | None = None
    survey: bool = False
    group_code: str | None = None
    #: How many household measures SR28 gives the food: the data weighs the foods people
    #: use most in the most ways (cheddar 6, edam 2).
    measures: int = 0


@dataclass(frozen=True, slots=True)
class Usage:
    """How a food was used in the stored plans: times eaten and the last day."""

    times: int
    last: dt.date | None = None


@dataclass(frozen=True, slots=True)
class _Shape:
    """The words of a food name as ranking sees them, worked out once per name."""

    head_noun: str
    head_words: frozenset[str]
    head_first: str
    head_exact: str
    later_words: frozenset[str]
    common_words: frozenset[str]
    common_parts: frozenset[str]
    all_words: tuple[str, ...]
    qualifiers: int
    branded: bool
    plain: int
    processed: frozenset[str]


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def stem(token: str) -> str:
    """The prefix a plural search word is looked up by: "sardines" finds "sardine",
    "tomatoes" "tomato", "berries" "berry" (ranking still tells the forms apart)."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3]
    if len(token) > 4 and token.endswith(("oes", "ches", "shes", "sses", "xes")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _forms(word: str) -> tuple[str, ...]:
    """A word and its plural or singular, as a whole-word match allows."""
    forms = [word, word + "s", word + "es"]
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s"):
        forms.append(word[:-1])
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("y"):
        forms.append(word[:-1] + "ies")
    return tuple(forms)


def is_branded(name: str, group_code: str | None = None) -> bool:
    """A brand or restaurant item: a brand word in capitals, a restaurant or fast-food
    group or name, or a USDA commodity or school-lunch item."""
    if group_code in _BRAND_GROUPS or _BRAND_START.match(name):
        return True
    return any(word not in _NOT_BRANDS for word in _BRAND_WORD.findall(name))


@lru_cache(maxsize=65_536)
def _shape(name: str, common_name: str | None, group_code: str | None) -> _Shape:
    parts = [part.strip() for part in name.split(",") if part.strip()]
    start = _category_end(parts)
    head = _words(parts[start]) if parts else []
    later = [w for part in parts[:start] + parts[start + 1:] for w in _words(part)]
    common_parts = frozenset(
        " ".join(_words(part)) for part in (common_name or "").split(",") if part.strip())
    return _Shape(
        head_noun=head[-1] if head and len(head) <= MAX_HEAD_WORDS else "",
        head_words=frozenset(head),
        head_first=head[0] if head else "",
        head_exact=" ".join(head),
        later_words=frozenset(later),
        common_words=frozenset(_words(common_name or "")),
        common_parts=common_parts,
        all_words=tuple(dict.fromkeys([*head, *later, *_words(common_name or "")])),
        qualifiers=sum(not _DETAIL.match(part) for part in parts[start + 1:]),
        branded=is_branded(name, group_code),
        plain=len(PLAIN_WORDS.intersection(later)),
        processed=PROCESSED_WORDS.intersection(head[:-1] + later),
    )


def _category_end(parts: Sequence[str]) -> int:
    """Where a name's own words start, after the category parts in front."""
    start = 0
    lowered = [part.lower() for part in parts]
    while start < len(parts) - 1:
        if lowered[start] in CATEGORY_PARTS:
            start += 1
        elif start < len(parts) - 2 and (lowered[start], lowered[start + 1]) in CATEGORY_PAIRS:
            start += 2
        else:
            break
    return start


def _word_score(token: str, forms: tuple[str, ...], shape: _Shape) -> tuple[float, bool]:
    """(score, whole) of one searched word in one name: its best place there."""
    if shape.head_noun in forms:
        return HEAD_NOUN, True
    if not shape.common_words.isdisjoint(forms):
        return COMMON_NAME, True
    if not shape.head_words.isdisjoint(forms):
        return HEAD_WORD, True
    if not shape.later_words.isdisjoint(forms):
        return LATER_WORD, True
    if shape.head_noun.startswith(token):
        return HEAD_NOUN_PREFIX, False
    return PREFIX, False


def _usage_bonus(usage: Usage | None, today: dt.date) -> float:
    if usage is None or usage.times <= 0:
        return 0.0
    bonus = min(MAX_USE, PER_USE * usage.times)
    if usage.last is not None and (today - usage.last).days <= RECENT_DAYS:
        bonus += RECENT
    return bonus


def rank(
    tokens: Sequence[str],
    candidates: Iterable[Candidate],
    *,
    usage: Mapping[int, Usage] | None = None,
    today: dt.date | None = None,
) -> list[Candidate]:
    """``candidates`` best first, below the relevance floor left out (module docstring).

    ``tokens`` are the lower-case searched words (:func:`planner.db.foods.query_tokens`).
    """
    if not tokens:
        return []
    usage = usage or {}
    today = today or dt.date.today()
    forms = [(token, _forms(token)) for token in tokens]
    asks_baby = any(token in _BABY_WORDS for token in tokens)
    asks_brand = any(token in _BRAND_WORDS for token in tokens)
    scored: list[tuple[float, int, str, int, Candidate, bool]] = []
    for candidate in candidates:
        shape = _shape(candidate.name, candidate.common_name, candidate.group_code)
        score = 0.0
        whole = True
        for token, token_forms in forms:
            points, is_whole = _word_score(token, token_forms, shape)
            score += points
            whole = whole and is_whole
        score += _bonuses(tokens, shape, candidate, asks_baby, asks_brand)
        score += _usage_bonus(usage.get(candidate.id), today)
        scored.append((-score, len(candidate.name), candidate.name, candidate.id, candidate,
                       whole))
    if any(item[5] for item in scored):
        scored = [item for item in scored if item[5]]
    scored.sort(key=lambda item: item[:4])
    return [item[4] for item in scored]


def _bonuses(tokens: Sequence[str], shape: _Shape, candidate: Candidate, asks_baby: bool,
             asks_brand: bool) -> float:
    score = PER_QUALIFIER * shape.qualifiers
    if shape.head_exact in _forms(" ".join(tokens)) or (
        len(tokens) == 1 and shape.head_exact in _forms(tokens[0])
    ):
        score += EXACT_HEAD
    if shape.head_first in _forms(tokens[0]):
        score += FIRST_WORD
    if not shape.common_parts.isdisjoint(_forms(" ".join(tokens))):
        score += EXACT_COMMON_NAME
    score += PER_MEASURE * min(candidate.measures, MAX_MEASURES)
    score += PLAIN * min(shape.plain, MAX_PLAIN)
    if shape.processed and shape.processed.isdisjoint(tokens):
        score += PROCESSED
    if candidate.survey:
        score += SURVEY
    if shape.branded and not asks_brand:
        score += BRAND
    if candidate.group_code == _BABY_GROUP and not asks_baby:
        score += BABY
    if "meatless" in shape.all_words and "meatless" not in tokens:
        score += BABY
    return score

