"""Search relevance, on hand-made candidates: each rule of planner.core.search_rank."""

from __future__ import annotations

import datetime as dt

from planner.core.search_rank import Candidate, Usage, is_branded, rank, stem

TODAY = dt.date(2026, 12, 4)


def _names(tokens: list[str], *candidates: Candidate, **kwargs: object) -> list[str]:
    return [c.name for c in rank(tokens, candidates, today=TODAY, **kwargs)]  # type: ignore[arg-type]


def test_the_head_noun_beats_a_mention_and_a_prefix() -> None:
    coffee = Candidate(1, "Beverages, coffee, brewed, prepared with tap water", survey=True)
    cake = Candidate(2, "Coffeecake, cinnamon with crumb topping", survey=True)
    liqueur = Candidate(3, "Alcoholic beverage, liqueur, coffee, 53 proof")
    # The prefix-only coffeecake falls below the floor: some foods hold "coffee" whole.
    assert _names(["coffee"], cake, liqueur, coffee) == [coffee.name, liqueur.name]
    # While a word is typed no food holds it whole: prefixes are all there is.
    assert _names(["coff"], cake, coffee)[0] == coffee.name


def test_the_plain_form_and_the_survey_lead() -> None:
    whole = Candidate(1, "Egg, whole, raw, fresh", survey=True, measures=6)
    dried = Candidate(2, "Egg, whole, dried", survey=True)
    plant = Candidate(3, "Eggplant, raw", survey=True)
    goose = Candidate(4, "Egg, goose, whole, fresh, raw")
    # Eggplant holds "egg" as a prefix only: below the floor. Dried is processed (-5) but a
    # survey food (+6); the goose egg is plain but not in the survey.
    assert _names(["eggs"], plant, goose, dried, whole) == [whole.name, dried.name, goose.name]


def test_brands_restaurants_baby_foods_and_analogues_come_after() -> None:
    plain = Candidate(1, "Apples, raw, with skin", survey=True)
    brand = Candidate(2, "APPLEBEE'S, apple chimichanga", group_code="3600")
    baby = Candidate(3, "Babyfood, apples, dices, toddler", survey=True, group_code="0300")
    assert _names(["apple"], brand, baby, plain)[0] == plain.name
    # Searching for baby food lifts its penalty (the database only returns foods that
    # hold every word).
    babies = Candidate(6, "Babyfood, fruit, applesauce, junior", group_code="0300")
    assert _names(["baby", "apple"], babies, baby) == [baby.name, babies.name]
    bacon = Candidate(4, "Pork, cured, bacon, unprepared", survey=True)
    meatless = Candidate(5, "Bacon, meatless", survey=True)
    assert _names(["bacon"], meatless, bacon) == [bacon.name, meatless.name]
    assert _names(["meatless", "bacon"], meatless, bacon) == [meatless.name]


def test_common_names_are_searched_and_an_exact_one_counts_as_the_name() -> None:
    pasta = Candidate(1, "Pasta, cooked, enriched, without added salt", common_name="spaghetti",
                      survey=True, measures=9)
    meatballs = Candidate(2, "Spaghetti, with meatballs in tomato sauce, canned", survey=True)
    assert _names(["spaghetti"], meatballs, pasta)[0] == pasta.name


def test_the_users_own_foods_rank_higher() -> None:
    red = Candidate(1, "Tomatoes, red, ripe, raw, year round average", survey=True)
    green = Candidate(2, "Tomatoes, green, raw", survey=True)
    assert _names(["tomatoes"], red, green)[0] == green.name
    usage = {1: Usage(8, TODAY - dt.timedelta(days=3))}
    assert _names(["tomatoes"], red, green, usage=usage)[0] == red.name


def test_brand_words_stems_and_no_words() -> None:
    assert is_branded("Cereals ready-to-eat, KELLOGG, KELLOGG'S Corn Flakes")
    assert is_branded("Restaurant, Chinese, fried rice") and is_branded("x", "2100")
    assert not is_branded("Milk, whole, 3.25% milkfat, with added vitamin D")
    assert not is_branded("USDA Commodity" [5:])  # "Commodity" alone is no brand word
    assert [stem(t) for t in ("sardines", "tomatoes", "berries", "eggs", "glass", "oats")] \
        == ["sardine", "tomato", "berr", "egg", "glass", "oat"]
    assert rank([], [Candidate(1, "Spinach, raw")]) == []
