"""Names a star import brings in, and literal annotations."""
from typing import Literal

from .limits import *

# hover[cap]: Value**: `50 (int)`
cap = MAX_ITEMS  # hover[MAX_ITEMS]: `shapes.limits.MAX_ITEMS`
read_mode = Mode.READ  # hover[read_mode]: Value**: `'r' (str)`


def open_mode(kind: Literal["r", "w"]):
    return kind  # hover[kind]: Value**: `'r' (str) | 'w' (str)`
