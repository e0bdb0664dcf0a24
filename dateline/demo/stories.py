"""The demo's stories: the seed wire story and generated ones, the same on every run.

The seed is the wire story this project started from, as one outlet republished
it. The others are built from sentence patterns: wire stories both outlets carry,
and each outlet's own. Nothing here reaches the public web.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SEED_TITLE = (
    "Ukraine eyes 'strong and far-reaching step' towards NATO membership at July summit"
)
SEED_SLUG = "ukraine-eyes-strong-and-far-reaching-step-towards-nato-membership"
SEED_PUBLISHED = datetime(2024, 3, 19, 9, 42, tzinfo=UTC)
SEED_PHOTO = (
    "A Ukrainian national flag rises in front of the NATO emblem, amid Russia's "
    "attack on Ukraine, in central Kyiv, Ukraine July 11, 2023. "
    "REUTERS/Valentyn Ogirenko/File Photo"
)
WIRE_COUNT, OWN_COUNT = 12, 20
LEDGER_NOTE = (
    "The Ledger's correspondent added that officials were expected to "
    "comment further later in the week."
)

PLACES = [
    ("KUALA LUMPUR", "Asia/Kuala_Lumpur"),
    ("SINGAPORE", ""),
    ("JAKARTA", ""),
    ("BANGKOK", ""),
    ("TOKYO", ""),
    ("BEIJING", ""),
    ("NEW DELHI", ""),
    ("BRUSSELS", ""),
    ("PARIS", ""),
    ("BERLIN", ""),
    ("LONDON", ""),
    ("WASHINGTON", ""),
    ("GENEVA", ""),
    ("NAIROBI", ""),
    ("CAIRO", ""),
    ("SYDNEY", ""),
    ("OTTAWA", ""),
    ("MANILA", ""),
    ("HANOI", ""),
    ("SEOUL", ""),
]
AGENCIES = ["Reuters", "AFP", "AP", "Bernama"]
SUBJECTS = [
    "the central bank",
    "the health ministry",
    "opposition lawmakers",
    "the transport authority",
    "farmers' groups",
    "the electoral commission",
    "port operators",
    "the energy regulator",
    "teachers' unions",
    "the coast guard",
    "city planners",
    "the finance ministry",
    "wildlife officials",
    "the national airline",
    "water utilities",
]
ACTIONS = [
    "announced a review of",
    "warned of delays to",
    "approved new rules on",
    "called for an inquiry into",
    "unveiled a plan to expand",
    "postponed a decision on",
    "raised concerns about",
    "agreed to fund",
    "rejected proposals to cut",
    "published figures on",
]
TOPICS = [
    "rice imports",
    "flood defences",
    "rail links",
    "fuel subsidies",
    "school meals",
    "coastal fisheries",
    "hospital waiting lists",
    "solar power tariffs",
    "bus fares",
    "housing permits",
    "vaccine supplies",
    "data privacy",
    "port congestion",
    "forest reserves",
    "minimum wages",
]
QUOTES = [
    "We have listened to the concerns raised and we will act on them",
    "This is a matter of public trust and it cannot wait",
    "The numbers speak for themselves and the trend is clear",
    "Nobody expects a quick fix, but the direction is right",
    "We need more time to study the evidence before committing",
    "Families want certainty, and that is what we intend to give them",
]
PEOPLE = [
    "Aminah Rahman",
    "David Okafor",
    "Mei Lin Tan",
    "Jonas Weber",
    "Priya Nair",
    "Carlos Mendes",
    "Sarah Whitfield",
    "Hiroshi Sato",
    "Fatima Zahra",
    "Tom Eriksen",
    "Nur Aisyah",
    "Grace Mwangi",
]
ROLES = [
    "a senior official",
    "the minister",
    "a spokesperson",
    "an economist",
    "the agency's director",
    "a local councillor",
]
EDITORS = ["Tom Balmforth", "Christina Fincher", "Alex Richardson", "Kim Coghill"]


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: tuple[str, ...]  # the body, dateline and credit line included
    published: datetime
    author: str | None  # the outlet's byline; None for wire copy
    section: str  # "world" or "nation"
    photo: str | None = None


# The seed story's wire copy (shared/seed/seed-article.txt), body and credit line.
SEED_PARAGRAPHS = (
    "KYIV (Reuters) - Ukraine is working to secure \"a strong and far-reaching step\" towards membership of NATO at the military alliance's Washington summit in July, Ukraine's foreign minister said on Tuesday.",
    "The U.S. ambassador to NATO, Julianne Smith, said last month that she does not expect the alliance to issue a membership invitation to Ukraine at the upcoming summit.",
    "Asked about Ukraine's goals for the Washington summit during an online news conference, top diplomat Dmytro Kuleba said he would not go into detail about the deliberations, but that there was \"very active engagement\" with NATO's leadership and allies.",
    '"We think that Ukraine meets the main criteria of membership, which is the capacity to defend NATO borders. That\'s what we are doing by defending Ukraine," he told reporters.',
    '"...let me say this, we are working hard to make a strong and far-reaching step towards Ukrainian membership in NATO at the Washington summit."',
    "Russia, which launched a full-scale invasion of Ukraine in February 2022, fiercely opposes Kyiv's long-term strategic ambition of joining the NATO military alliance.",
    "(Reporting by Anastasiia Malenko; editing by Tom Balmforth and Christina Fincher)",
)


def seed_story() -> Story:
    return Story(
        SEED_SLUG,
        SEED_TITLE,
        SEED_PARAGRAPHS,
        SEED_PUBLISHED,
        None,
        "world",
        SEED_PHOTO,
    )


def make_story(rng: random.Random, index: int, wire: bool, base: datetime) -> Story:
    place = rng.choice(PLACES)[0]
    subject, action, topic = (
        rng.choice(SUBJECTS),
        rng.choice(ACTIONS),
        rng.choice(TOPICS),
    )
    agency = rng.choice(AGENCIES) if wire else None
    title = f"{subject[0].upper() + subject[1:]} {action} {topic} in {place.title()}"
    lead = (f"{place} ({agency}) - " if agency else f"{place}: ") + (
        f"{subject[0].upper() + subject[1:]} {action} {topic} on "
        f"{rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}, "
        f"a move that {rng.choice(['surprised', 'pleased', 'angered', 'divided'])} "
        f"{rng.choice(SUBJECTS)} and {rng.choice(SUBJECTS)}."
    )
    body = [lead]
    for _ in range(rng.randint(4, 7)):
        person, role = rng.choice(PEOPLE), rng.choice(ROLES)
        body.append(
            rng.choice(
                [
                    f'"{rng.choice(QUOTES)}," {person}, {role}, told reporters on the sidelines '
                    f"of a briefing about {rng.choice(TOPICS)}.",
                    f"The decision follows months of debate over {rng.choice(TOPICS)}, which "
                    f"{rng.choice(SUBJECTS)} have linked to rising costs for households and "
                    f"small businesses across the region.",
                    f"According to figures released last week, spending on {topic} rose by "
                    f"{rng.randint(3, 40)} percent over {rng.randint(2, 9)} years, while "
                    f"{rng.choice(TOPICS)} fell by {rng.randint(2, 15)} percent.",
                    f"{person}, {role}, said a final decision on {topic} would be taken after "
                    f"consultations with {rng.choice(SUBJECTS)} in the coming weeks.",
                    f"Critics argue that {rng.choice(SUBJECTS)} have yet to explain how the "
                    f"changes to {rng.choice(TOPICS)} will be paid for, or who will oversee them.",
                ]
            )
        )
    if agency == "Reuters":
        body.append(
            f"(Reporting by {rng.choice(PEOPLE)}; editing by "
            f"{' and '.join(rng.sample(EDITORS, 2))})"
        )
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70] + f"-{index}"
    published = base - timedelta(
        hours=7 * index + rng.randint(0, 5), minutes=rng.randint(0, 59)
    )
    return Story(
        slug,
        title,
        tuple(body),
        published,
        None if wire else rng.choice(PEOPLE),
        rng.choice(["world", "nation"]),
    )


def build_stories() -> dict[str, list[Story]]:
    """{"wire": [...], "courier": [...], "ledger": [...]}, the same on every run."""
    rng = random.Random(20240319)
    base = datetime(2024, 3, 22, 8, 0, tzinfo=UTC)
    wire = [seed_story()] + [
        make_story(rng, i, True, base) for i in range(1, WIRE_COUNT)
    ]
    courier = [make_story(rng, 100 + i, False, base) for i in range(OWN_COUNT)]
    ledger = [make_story(rng, 200 + i, False, base) for i in range(OWN_COUNT)]
    return {"wire": wire, "courier": courier, "ledger": ledger}


def windows_1252_story() -> Story:
    paragraphs = (
        "KUALA LUMPUR: A Portuguese café owner from São Paulo and a Zürich-trained chef "
        "opened a bakery in Bangsar on Sunday, serving crème brûlée and pão de queijo "
        "to a queue that stretched past the façade of the old cinema.",
        "“We wanted something that felt like home,” said owner João Araújo, who moved "
        "to Malaysia in 2019 and spent four years learning how humidity changes dough.",
        "Neighbours said the smell of baking had drawn crowds since the soft opening, "
        "and the shop’s first batch of 300 pastries sold out before noon.",
        "The owners plan a second branch in Penang next year, with a menu of "
        "pastéis de nata and a Malaysian twist on the Swiss Zopf loaf.",
    )
    return Story(
        "sao-paulo-cafe-owner-opens-bakery-in-bangsar",
        "São Paulo café owner opens bakery in Bangsar",
        paragraphs,
        datetime(2024, 3, 17, 4, 15, tzinfo=UTC),
        "Nur Aisyah",
        "nation",
    )
