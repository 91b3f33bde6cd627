"""Question focus (the attribute asked for, its qualifiers, days) and table rows read with their headers."""

from __future__ import annotations

import pytest

from parisqa.answer.focus import attribute, day_match, days_in, question_focus, values
from parisqa.answer.units import cells_of, label_value, pick_cell, read_row, table_row


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("What time do you open on Saturdays?", "en", "time"),
        ("Are you open on Mondays?", "en", "time"),
        ("How much is a croissant?", "en", "money"),
        ("What does it cost to hire an e-bike?", "en", "money"),
        ("How long does a full service take?", "en", "duration"),
        ("How many bikes do you have for hire?", "en", "count"),
        ("How old do you have to be to rent a bike?", "en", "age"),
        ("How far is the Sunday ride?", "en", "distance"),
        ("What is your phone number?", "en", "phone"),
        ("What's the email address for bookings?", "en", "email"),
        ("Who is the head mechanic?", "en", "person"),
        ("Where is the shop?", "en", "place"),
        ("When did the shop open?", "en", "date"),
        ("Why is the bread sour?", "en", None),
        ("Combien coûte la réparation d'une crevaison ?", "fr", "money"),
        ("À quelle heure ouvre la boutique le samedi ?", "fr", "time"),
        ("Combien de vélos avez-vous ?", "fr", "count"),
    ],
)
def test_the_attribute_asked_for(question, language, expected):
    assert attribute(question, language) == expected


def test_qualifiers_are_normalised_terms_and_days_are_read_apart():
    focus = question_focus("What time does the bakery open on Saturdays?")
    assert focus.attribute == "time"
    assert focus.days == {5}
    assert "bakeri" in focus.qualifiers and "open" in focus.qualifiers
    assert not any("saturday" in q for q in focus.qualifiers)
    # "a whole day" is what a table calls the full day
    assert "full" in question_focus("What does an e-bike cost for a whole day?").qualifiers


def test_days_ranges_and_the_day_match():
    assert days_in("Tuesday to Saturday: 9:00 to 17:30") == {1, 2, 3, 4, 5}
    assert days_in("Du mardi au vendredi : 9 h à 17 h 30") == {1, 2, 3, 4}
    assert days_in("Open at weekends") == {5, 6}
    saturday = question_focus("When do you close on Saturdays?")
    assert day_match(saturday, "Saturday: 8:30 to 17:00") == 1.0
    assert day_match(saturday, "Sunday: 10:00 to 16:00") == -1.0
    assert day_match(saturday, "Tuesday to Saturday: 9:00 to 17:30") == 1.0
    assert day_match(saturday, "We bake every morning.") == 0.0


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("money", "Croissant | £1.60 | 80 g", "£1.60"),
        ("money", "La réparation coûte 8 £ sur place.", "8 £"),
        ("time", "Saturday: 8:30 to 17:00", "8:30 to 17:00"),
        ("time", "Monday: closed", "closed"),
        ("time", "Samedi : 8 h 30 à 17 h", "8 h 30 à 17 h"),
        ("duration", "A full service takes two working days.", "two working days"),
        ("distance", "It is about 60 km at a steady pace.", "60 km"),
        ("percent", "Students get 10% off labour.", "10%"),
        ("phone", "Phone: 01632 960418", "01632 960418"),
        ("email", "Email: bookings@shop.example", "bookings@shop.example"),
        ("place", "Address: 14 Harbour Street, Harwick HW2 4QP", "14 Harbour Street, Harwick HW2 4QP"),
    ],
)
def test_values_of_each_attribute(kind, text, value):
    assert [text[a:b] for a, b in values(kind, text)][0] == value


PASSAGE = "Hire rates\n\nBike | Half day | Full day | Week\nCity bike | £12 | £20 | £85\nE-bike | £25 | £40 | £180\n"


def test_a_row_is_read_with_its_table_header():
    start = PASSAGE.index("E-bike")
    row = table_row(PASSAGE, start, start + len("E-bike | £25 | £40 | £180"))
    assert row is not None
    assert row.header == ("Bike", "Half day", "Full day", "Week")
    assert [PASSAGE[a:b] for a, b in row.cells] == ["E-bike", "£25", "£40", "£180"]
    assert read_row(PASSAGE, row) == "E-bike — Half day £25; Full day £40; Week £180"
    assert table_row(PASSAGE, 0, len("Hire rates")) is None


@pytest.mark.parametrize(
    ("question", "cell"),
    [
        ("How much for a half day on an e-bike?", "£25"),
        ("What does it cost to hire an e-bike for a whole day?", "£40"),
        ("How much is an e-bike for a day?", "£40"),  # a day, not half a day
        ("What is the weekly rate for an e-bike?", "£180"),
    ],
)
def test_the_cell_under_the_asked_header(question, cell):
    start = PASSAGE.index("E-bike")
    row = table_row(PASSAGE, start, PASSAGE.index("\n", start))
    focus = question_focus(question)
    picked = pick_cell(focus, PASSAGE, row, "en", lambda term: 1.0)
    assert picked is not None and PASSAGE[picked[0] : picked[1]] == cell


def test_cells_and_label_lines():
    assert cells_of("| a | b |") == [(2, 3), (6, 7)]
    assert label_value("Company number: 07731942") == ("Company number", len("Company number: "))
    assert label_value("The reason is simple: we bake.") is None
