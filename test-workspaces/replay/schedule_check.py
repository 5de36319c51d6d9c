"""Validates a week of shift bookings before they are published."""

from dataclasses import dataclass


class BookingError(Exception):
    pass


@dataclass
class Shift:
    person: str
    day: str
    hours: int


LIMIT = 10

WEEK = [
    Shift("ana", "mon", 8),
    Shift("ben", "mon", 6),
    Shift("ana", "tue", 8),
    Shift("ben", "mon", 5),
]


def hours_per_day(shifts):
    totals = {}
    for shift in shifts:
        key = (shift.person, shift.day)
        totals[key] = totals.get(key, 0) + shift.hours
    return totals


def validate(shifts):
    for (person, day), hours in hours_per_day(shifts).items():
        if hours > LIMIT:
            # expect: uncaught-exception confidence=definite
            raise BookingError(f"{person} works {hours}h on {day}")
    return True


print(validate(WEEK))
