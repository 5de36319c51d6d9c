"""Lists a simulated directory tree with sizes, largest first."""

TREE = {
    "README.md": (1200, "2024-01-02"),
    "setup.py": (800, "2024-01-05"),
    "src/app.py": (5300, "2024-02-10"),
    "src/util.py": (2100, "2024-02-11"),
}


def stat_entry(path):
    size, modified = TREE[path]
    kind = "dir" if path.endswith("/") else "file"
    return path, size, kind


def listing(paths):
    entries = []
    for path in paths:
        name, size, _kind = stat_entry(path)
        entries.append((size, name))
    entries.sort(reverse=True)
    return entries


def main():
    paths = sorted(TREE)
    print(f"{len(paths)} entries")
    for size, name in listing(paths):
        print(f"{size:>6} {name}")


main()
