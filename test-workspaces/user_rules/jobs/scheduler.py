"""A tiny job runner whose team rules live in `.remedy/rules/`."""

import os
import time


def backoff_for(attempt):
    """Seconds to wait before the next attempt; None once the attempts run out."""
    if attempt < 3:
        return 2 ** attempt
    return None


def run_with_retries(action, attempts):
    for attempt in range(attempts):
        if action():
            return True
        delay = backoff_for(attempt)
        # expect: sleep-none-delay confidence=likely
        time.sleep(delay)
    return False


def run_guarded(action, attempts):
    for attempt in range(attempts):
        if action():
            return True
        delay = backoff_for(attempt)
        if delay is None:
            break
        # The guard above rules None out: no finding.
        time.sleep(delay)
    return False


def pause_forever_broken():
    delay = None
    if os.environ.get("FAST"):
        delay = None
    # expect: sleep-none-delay confidence=definite
    time.sleep(delay)  # heal: sleep-none-delay user:sleep-none-delay


def pause_configured():
    delay = float(os.environ.get("PAUSE", "1.5"))
    time.sleep(delay)
