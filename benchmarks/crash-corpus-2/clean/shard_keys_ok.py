"""Assigns cache keys to the healthy nodes of a cluster by hashing."""

NODES = [
    {"name": "cache-a", "healthy": True},
    {"name": "cache-b", "healthy": True},
    {"name": "cache-c", "healthy": False},
]


def checksum(key):
    total = 0
    for position, char in enumerate(key):
        total += (position + 1) * ord(char)
    return total


def healthy(nodes):
    return [node["name"] for node in nodes if node["healthy"]]


def assign(keys, nodes):
    live = healthy(nodes)
    placement = {}
    if not live:
        return placement
    for key in keys:
        placement[key] = live[checksum(key) % len(live)]
    return placement


def main():
    keys = ["user:1", "user:2", "session:9"]
    for key, node in assign(keys, NODES).items():
        print(f"{key:<10} -> {node}")
    for node in NODES:
        node["healthy"] = False
    print("after outage:")
    for key, node in assign(keys, NODES).items():
        print(f"{key:<10} -> {node}")


main()
