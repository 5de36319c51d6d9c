"""Loading and saving warehouse snapshots."""

import logging
import os
import sys
from typing import TYPE_CHECKING

try:
    import ujson as json  # expect-not: unresolved-import
except ImportError:
    import json

if TYPE_CHECKING:
    from .typing_helpers import Snapshot  # expect-not: unresolved-import

logger = logging.getLogger(__name__)


def load_snapshot(path):
    try:
        with open(path) as handle:
            snapshot = json.load(handle)
    except FileNotFoundError:
        logger.warning("no snapshot at %s", path)
    return snapshot  # expect: possibly-unbound confidence=likely


def load_snapshot_or_exit(path):
    try:
        with open(path) as handle:
            snapshot = json.load(handle)
    except FileNotFoundError:
        logger.error("no snapshot at %s", path)
        sys.exit(1)
    return snapshot  # expect-not: possibly-unbound


def load_snapshot_or_empty(path):
    try:
        with open(path) as handle:
            snapshot = json.load(handle)
    except (FileNotFoundError, ValueError):
        snapshot = {}
    return snapshot  # expect-not: possibly-unbound


def save_snapshot(path, snapshot: "Snapshot"):
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory)
    with open(path, "w") as handle:
        json.dump(snapshot, handle)


def latest_snapshot(directory):
    newest = None
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            newest = name
    if newest is None:
        return None
    return os.path.join(directory, newest)  # expect-not: possibly-unbound


if __name__ == "__main__":
    print(load_snapshot("snapshots/missing.json"))
