"""The one place the app draws at random (attempt seeds, the next practice question), so tests can fix it."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_system = random.SystemRandom()


def new_seed() -> str:
    """A fresh seed for drawing and shuffling an attempt's questions."""
    return secrets.token_hex(8)


def choose(items: Sequence[T]) -> T:
    """Pick one item, each equally likely."""
    return _system.choice(items)
