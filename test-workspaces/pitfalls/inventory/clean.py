"""Look-alikes of the pitfalls, written correctly: nothing here may be reported."""

import asyncio
import json
import logging
import shlex
import subprocess
from functools import partial

import yaml

logger = logging.getLogger(__name__)


def merge_options(options=None, overrides=()):
    merged = dict(options or {})
    for key, value in overrides:
        merged[key] = value
    return merged


def group_by_prefix(names, groups=None):
    groups = {} if groups is None else groups
    for name in names:
        groups.setdefault(name[:1], []).append(name)
    return groups


def make_printers(labels):
    printers = []
    for label in labels:
        printers.append(partial(print, label))
        printers.append(lambda label=label: print(label))
    return printers


def apply_now(values, factors):
    results = []
    for factor in factors:
        results.extend(map(lambda value: value * factor, values))
    return results


def totals(lines):
    numbers = [int(line) for line in lines if line.strip()]
    total = sum(numbers)
    biggest = max(numbers) if numbers else 0
    return total, biggest


def pairs(items):
    for left, right in zip(items, items[1:]):
        yield left, right


def clean_keys(record):
    cleaned = {}
    for key, value in record.items():
        cleaned[key.strip().lower()] = value
    for key in list(record):
        if key.startswith("_"):
            record.pop(key)
    return cleaned


def rescale(weights):
    for key in weights:
        weights[key] = weights[key] * 2
    return weights


def status_of(code):
    if code == 200:
        return "ok"
    if code is None:
        return "unknown"
    return "error"


def read_settings(path):
    with open(path) as handle:
        return yaml.load(handle, Loader=yaml.SafeLoader)


def read_payload(text):
    try:
        return json.loads(text)
    except ValueError:
        logger.exception("bad payload")
        return None


def list_directory(directory):
    output = subprocess.run(["ls", "-l", directory], capture_output=True, text=True, check=True)
    quoted = subprocess.run("ls -l " + shlex.quote(directory), shell=True, check=True)
    return output.stdout, quoted.returncode


async def ping(host):
    await asyncio.sleep(0.1)
    return host


async def ping_all(hosts):
    pending = [asyncio.create_task(ping(host)) for host in hosts]
    done = await asyncio.gather(*pending)
    first = ping(hosts[0])
    return done, await first
