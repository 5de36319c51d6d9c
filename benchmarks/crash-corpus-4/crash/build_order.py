"""Orders build targets so that every target is built after its dependencies."""

TARGETS = {
    "app": ["lib", "assets"],
    "lib": ["core"],
    "core": [],
    "assets": ["icons"],
    "icons": [],
    "docs": ["app", "theme"],
}


def build_order(targets):
    waiting = {name: list(deps) for name, deps in targets.items()}
    order = []
    while waiting:
        ready = sorted(name for name, deps in waiting.items() if not deps)
        if not ready:
            raise RuntimeError(f"cycle among {sorted(waiting)}")
        for name in ready:
            order.append(name)
            del waiting[name]
            for deps in waiting.values():
                if name in deps:
                    deps.remove(name)
        print(f"round done: {ready}")
    return order


def mark_done(pending, finished):
    for name in finished:
        pending.remove(name)
    return pending


def main():
    order = build_order({k: v for k, v in TARGETS.items() if k != "docs"})
    print("build order:", " -> ".join(order))
    pending = list(order)
    mark_done(pending, ["core", "lib"])
    print("still pending:", pending)
    mark_done(pending, ["icons", "theme"])
    print("still pending:", pending)


main()
