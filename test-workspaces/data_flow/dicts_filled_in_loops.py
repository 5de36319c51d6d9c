"""Dicts filled by a loop: after the loop their keys are the loop's business, not empty."""

LIMITS = {"cpu": "2", "memory": "512M"}


def parse_limits(limits):
    parsed = {}
    for resource, text in limits.items():
        parsed[resource] = text.rstrip("M")
    return parsed


def lowest_cpu(hosts):
    by_host = {}
    for host in hosts:
        by_host[host["name"]] = parse_limits(host["limits"])
    for host in hosts:
        # A second loop over the same data reads keys the first one stored.
        print(host["name"], by_host[host["name"]]["cpu"])
    return min(by_host.values(), key=lambda limits: limits["cpu"])


def tally_owners(files):
    owners = {}
    for path, owner in files:
        # The first pass reads the dict as built, before any store.
        # expect: key-error confidence=likely
        owners[owner] += 1
        print(path)
    return owners


limits = parse_limits(LIMITS)
print(limits["cpu"])
print(lowest_cpu([{"name": "a", "limits": LIMITS}]))
