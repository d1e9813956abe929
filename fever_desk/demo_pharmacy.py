"""Realistic synthetic pharmacy purchases for demonstrations, training and benchmarks — never real people.

People are made by ``fever_desk.demo``'s generators (valid GB 11643 numbers, mobile numbers, common
names), so demo purchases pass the same checks as real ones.  A share of purchasers come back within a
few days (the repeat-purchase rule has something to find), about 4 % have a fever, and one in ten buys
for someone else.  One ``random.Random(seed)`` drives everything: the same seed gives the same purchases.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime

# The person generator is demo.py's own (module-private, but this is its sibling generator).
from fever_desk.demo import _person
from fever_desk.documents import DocumentType
from fever_desk.drugs import Drug, default_catalogue
from fever_desk.model import Person, Temperature
from fever_desk.pharmacy import DrugLine, OtherPerson, Purchase, Purchaser, with_advice
from fever_desk.triage import FeverRule

RELATIONS = ("配偶", "子女", "父亲", "母亲", "邻居", "同事")
COMMUNITIES = ("幸福里社区", "建设路社区", "南门社区", "新华社区", "东风社区", "滨江社区")
_RETURNING = 0.15  # share of purchases by someone seen shortly before


def _temperature(rng: random.Random) -> float:
    if rng.random() < 0.04:
        return round(rng.uniform(37.3, 39.2), 1)
    return round(min(37.2, max(35.9, rng.gauss(36.5, 0.3))), 1)


def generate_purchases(
    n: int,
    *,
    seed: int = 0,
    start: datetime,
    end: datetime,
    station_id: str,
    symptom_ids: Sequence[str],
    epi_ids: Sequence[str],
    guideline_id: str = "",
    catalogue: Sequence[Drug] | None = None,
    operator: str = "demo",
    fever_threshold_c: float = 37.3,
) -> Iterator[Purchase]:
    """``n`` purchases spread evenly over [start, end), oldest first; aware datetimes recommended."""
    if n < 0 or end <= start:
        raise ValueError("need n >= 0 and start < end")
    rng = random.Random(seed)
    rule = FeverRule(fever_threshold_c)
    drugs = list(catalogue or default_catalogue())
    recent: list[Person] = []
    step = (end - start) / max(n, 1)
    for index in range(n):
        created = start + step * (index + rng.random())
        if recent and rng.random() < _RETURNING:
            person = rng.choice(recent)
        else:
            person = _person(rng, created.date())
            while not person.id_number or not person.phone:
                person = _person(rng, created.date())
            recent.append(person)
            if len(recent) > 200:
                recent.pop(0)
        celsius = _temperature(rng)
        fever = rule.is_fever(celsius)
        symptoms = {item: rng.random() < (0.4 if fever else 0.12) for item in symptom_ids}
        epi = {item: rng.random() < 0.005 for item in epi_ids}
        lines = [
            DrugLine(d.name, d.category, rng.choice((1, 1, 1, 2, 3)), d.unit)
            for d in rng.sample(drugs, rng.choice((1, 1, 1, 2, 2, 3)))
        ]
        other = None
        if rng.random() < 0.1:
            relative = _person(rng, created.date())
            other = OtherPerson(
                relative.name,
                rng.choice(RELATIONS),
                relative.id_number,
                relative.phone,
                _temperature(rng) if rng.random() < 0.5 else None,
                "咳嗽" if rng.random() < 0.3 else "",
            )
        purchase = Purchase(
            purchaser=Purchaser(
                name=person.name,
                document_type=DocumentType.RESIDENT_ID,
                id_number=person.id_number,
                phone=person.phone,
                sex=person.sex,
                birth_date=person.birth_date,
                address=person.address,
                community=rng.choice(COMMUNITIES),
            ),
            temperature=Temperature(celsius),
            symptoms=symptoms,
            epidemiological=epi,
            drugs=lines,
            for_other=other is not None,
            other=other,
            guideline_id=guideline_id,
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            station_id=station_id,
            operator=operator,
            created_at=created,
        )
        yield with_advice(purchase, rule)
