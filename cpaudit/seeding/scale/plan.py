"""The plan of one audit (`Story`) and of its review rounds, before any row exists."""

import datetime
from dataclasses import dataclass, field

from assessments.choices import ReviewState
from audits.models import (
    Audit,
)
from enterprises.models import (
    ListEntry,
)

from .pools import RANK, S


@dataclass
class Review_:
    kind: str
    round: int
    applied_on: datetime.date
    state: str = ReviewState.APPLIED
    result: str | None = None
    concluded_on: datetime.date | None = None


@dataclass
class Story:
    """One audit as planned: where it stands and how it got there."""

    enterprise: int  # index into the seeder's enterprises
    entry: ListEntry
    year: int
    published_on: datetime.date
    round: int
    state: str
    firm: int | None = None
    moves: list = field(default_factory=list)  # (date, from, to)
    reviews: list = field(default_factory=list)
    n_options: int = 0
    showcase: bool = False
    audit: Audit | None = None

    def reached(self, state) -> bool:
        return self.state != S.CANCELLED and RANK[self.state] >= RANK[state]

    def move_on(self, to) -> datetime.date | None:
        """The date of the first move into `to`."""
        return next((day for day, _from, target in self.moves if target == to), None)
