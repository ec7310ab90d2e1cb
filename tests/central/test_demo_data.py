"""The demo data: deterministic, plausible, and in step with the kiosk's demo ID cards."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from central import demo_data
from central.db import Database, migrate
from central.models import LedgerEntry, Resident, Service
from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.id_number import is_valid
from kiosk.demo import SMS_DEMO_RESIDENT

PHONE = re.compile(r"^1[3-9]\d{9}$")


def seeded_database(directory: Path) -> Database:
    url = f"sqlite:///{directory / 'central.sqlite3'}"
    migrate(url)
    db = Database(url)
    with db.session() as session:
        assert demo_data.seed(session) is True
    return db


@pytest.fixture(scope="module")
def residents(tmp_path_factory: pytest.TempPathFactory) -> list[Resident]:
    db = seeded_database(tmp_path_factory.mktemp("demo-data"))
    with db.session() as session:
        return list(session.scalars(select(Resident).order_by(Resident.id)))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    return seeded_database(tmp_path_factory.mktemp("demo-data-ledger"))


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def people(db: Database) -> list[tuple[Any, ...]]:
    with db.session() as session:
        rows = session.execute(
            select(
                Resident.id_number,
                Resident.name,
                Resident.gender,
                Resident.birth_date,
                Resident.village,
                Resident.phone,
                Resident.flags,
            ).order_by(Resident.id)
        )
        return [tuple(row) for row in rows]


def ledger(db: Database) -> list[tuple[Any, ...]]:
    with db.session() as session:
        rows = session.execute(
            select(
                LedgerEntry.resident_id,
                LedgerEntry.ledger,
                LedgerEntry.day,
                LedgerEntry.item,
                LedgerEntry.amount_fen,
            ).order_by(LedgerEntry.id)
        )
        return [tuple(row) for row in rows]


def test_two_seeds_into_two_fresh_databases_give_the_same_data(
    db: Database, tmp_path: Path
) -> None:
    again = seeded_database(tmp_path)
    assert people(again) == people(db)
    assert ledger(again) == ledger(db)


def test_seeding_a_seeded_database_again_adds_nothing(db: Database) -> None:
    before = len(people(db))
    with db.session() as session:
        assert demo_data.seed(session) is False
    assert len(people(db)) == before


def test_there_are_at_least_200_residents_in_several_villages(residents: list[Resident]) -> None:
    assert len(residents) >= 200
    assert len({r.village for r in residents}) >= 3


def test_every_id_number_is_valid_and_agrees_with_the_resident(residents: list[Resident]) -> None:
    assert len({r.id_number for r in residents}) == len(residents)
    for resident in residents:
        number = resident.id_number
        assert is_valid(number), number
        assert number[6:14] == f"{resident.birth_date:%Y%m%d}", number
        # GB 11643: the 17th digit is odd for men, even for women.
        assert int(number[16]) % 2 == (1 if resident.gender == "男" else 0), number


def test_every_resident_is_an_adult_of_at_most_98(residents: list[Resident]) -> None:
    ages = [age_on(r.birth_date, demo_data.TODAY) for r in residents]
    assert min(ages) >= 18 and max(ages) <= 98
    assert max(ages) >= 80, "elderly residents for the elder mode"


def test_every_resident_has_a_phone(residents: list[Resident]) -> None:
    for resident in residents:
        assert PHONE.match(resident.phone), resident.phone


def test_an_adult_has_ten_years_of_monthly_contributions(db: Database) -> None:
    zhang_wei = demo_data.CARD_RESIDENTS[0][3]  # born 1985: an adult all ten years
    with db.session() as session:
        resident = session.scalar(select(Resident).where(Resident.id_number == zhang_wei))
        assert resident is not None
        days = list(
            session.scalars(
                select(LedgerEntry.day)
                .where(LedgerEntry.resident_id == resident.id, LedgerEntry.ledger == "si")
                .order_by(LedgerEntry.day)
            )
        )
    months = [(day.year, day.month) for day in days]
    assert len(months) == len(set(months)) == 120
    first, last = dt.date(*months[0], 1), dt.date(*months[-1], 1)
    assert (last.year - first.year) * 12 + last.month - first.month == 119, "no month missing"


def test_the_catalog_has_five_certificate_kinds_and_four_records_services(db: Database) -> None:
    with db.session() as session:
        kinds = list(session.scalars(select(Service.kind)))
    assert kinds.count("certificate") >= 5
    assert kinds.count("records") >= 4


def test_the_demo_cards_residents_are_in_the_register(residents: list[Resident]) -> None:
    by_number = {r.id_number: r for r in residents}
    assert len(demo_data.CARD_RESIDENTS) == len(DEMO_CARDS)
    for card, (name, gender, born, number, _village) in zip(
        DEMO_CARDS, demo_data.CARD_RESIDENTS, strict=True
    ):
        assert (card.name, card.gender, card.birth_date, card.id_number) == (
            name,
            gender,
            born,
            number,
        )
        resident = by_number[number]
        assert (resident.name, resident.gender, resident.birth_date) == (name, gender, born)


class ScriptedRandom(random.Random):
    """A Random whose `randint` answers from a script: (age, birth month, birth day)."""

    def __init__(self, draws: tuple[int, ...]) -> None:
        super().__init__(0)
        self._draws = iter(draws)

    def randint(self, a: int, b: int) -> int:
        value = next(self._draws)
        assert a <= value <= b
        return value


@pytest.mark.parametrize(
    "age_month_day",
    [(18, 12, 28), (18, 11, 26), (18, 11, 25), (18, 1, 1), (98, 1, 1), (98, 12, 28)],
)
def test_a_generated_resident_has_the_age_drawn_whatever_the_birthday(
    age_month_day: tuple[int, int, int],
) -> None:
    # Regression: a birthday later in the year than TODAY made a drawn 18-year-old 17.
    person = demo_data._resident(ScriptedRandom(age_month_day), serial=7)
    born = person["birth_date"]
    assert isinstance(born, dt.date)
    assert age_on(born, demo_data.TODAY) == age_month_day[0]
    assert (born.month, born.day) == age_month_day[1:]
    assert is_valid(str(person["id_number"]))


def test_the_sms_residents_number_is_the_one_the_kiosks_demo_panel_names(
    residents: list[Resident],
) -> None:
    name, _gender, _born, number, _village = demo_data.SMS_RESIDENT
    assert (name, number) == SMS_DEMO_RESIDENT
    resident = next(r for r in residents if r.id_number == number)
    assert resident.name == name and resident.phone == demo_data.SMS_RESIDENT_PHONE
