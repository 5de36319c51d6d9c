"""A splitter that returns None for one part when the pattern does not match."""

import re

_host_pattern = None


def split_host(url):
    global _host_pattern
    if _host_pattern is None:
        _host_pattern = re.compile("//([^/#?]*)(.*)", re.DOTALL)
    match = _host_pattern.match(url)
    if match:
        host, path = match.groups()
        return host, path
    return None, url


def proxied(url):
    host, selector = split_host(url)
    # expect: none-operand confidence=possible
    return "http://" + host + selector


def host_of(url):
    parts = split_host(url)
    # expect: none-operand confidence=possible
    return "host " + parts[0]
