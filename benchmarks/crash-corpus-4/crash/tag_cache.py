"""Memoises an expensive search for articles by author and tag set."""

ARTICLES = [
    {"id": 1, "author": "kim", "tags": ["python", "async"]},
    {"id": 2, "author": "kim", "tags": ["rust"]},
    {"id": 3, "author": "lee", "tags": ["python", "testing"]},
    {"id": 4, "author": "kim", "tags": ["python", "testing", "async"]},
]


class SearchCache:
    def __init__(self):
        self.entries = {}
        self.hits = 0
        self.misses = 0

    def lookup(self, key, compute):
        if key in self.entries:
            self.hits += 1
            return self.entries[key]
        self.misses += 1
        value = compute()
        self.entries[key] = value
        return value


def search(author, tags):
    return [a["id"] for a in ARTICLES if a["author"] == author and set(tags) <= set(a["tags"])]


QUERIES = [
    ("kim", "python"),
    ("lee", "testing"),
    ("kim", "python"),
    ("kim", ["python", "async"]),
    ("kim", ["python", "async"]),
]


def normalise(tags):
    if isinstance(tags, str):
        return (tags,)
    return sorted(tags)


def main():
    cache = SearchCache()
    for author, tags in QUERIES:
        key = (author, normalise(tags))
        ids = cache.lookup(key, lambda: search(author, key[1]))
        print(f"{author} {key[1]} -> {ids}")
    print(f"hits={cache.hits} misses={cache.misses}")


main()
