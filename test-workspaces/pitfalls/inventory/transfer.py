"""Import and export of inventory snapshots."""

import json
import logging
import os
import pickle
import shlex
import subprocess
import sys

import yaml

logger = logging.getLogger(__name__)


class SnapshotError(Exception):
    pass


def load_snapshot(path):
    with open(path, "rb") as handle:
        # The file's contents come from outside the program on every path.
        # expect: unsafe-deserialization confidence=definite
        return pickle.load(handle)


def restore_state(blob):
    # Where `blob` comes from is unknown here: only possible, below this workspace's
    # threshold.
    # expect-not: unsafe-deserialization
    return pickle.loads(blob)


def load_settings(path):
    with open(path) as handle:
        # expect: unsafe-deserialization confidence=definite
        return yaml.load(handle)


def load_settings_safely(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def parse_snapshot(text):
    try:
        return json.loads(text)
    except ValueError as error:
        # expect: raise-without-from confidence=definite
        raise SnapshotError("snapshot is not JSON")


def parse_snapshot_chained(text):
    try:
        return json.loads(text)
    except ValueError as error:
        raise SnapshotError("snapshot is not JSON") from error


def remove_snapshot(path):
    try:
        os.remove(path)
    # expect: bare-except confidence=definite
    except:
        logger.warning("could not remove %s", path)


def remove_snapshot_quietly(path):
    try:
        os.remove(path)
    # expect: swallowed-exception confidence=likely
    except OSError:
        pass


def remove_snapshot_logged(path):
    try:
        os.remove(path)
    except OSError:
        logger.exception("could not remove %s", path)


def evaluate_rule(rule_text, quantity):
    # expect-not: eval-injection
    return eval(rule_text, {"quantity": quantity})


def evaluate_configured_rule(quantity):
    rule_text = os.environ.get("INVENTORY_RULE", "quantity > 0")
    # expect: eval-injection confidence=definite
    return eval(rule_text, {"quantity": quantity})


def archive(directory, name):
    # expect: shell-injection confidence=likely
    subprocess.run(f"tar czf {name}.tgz {directory}", shell=True, check=True)


def archive_named_on_the_command_line(directory):
    archive(directory, sys.argv[1])


def archive_safely(directory, name):
    subprocess.run(["tar", "czf", name + ".tgz", directory], check=True)
    subprocess.run(f"tar czf {shlex.quote(name)}.tgz {shlex.quote(directory)}", shell=True, check=True)
