_cache = None


def get_cache():
    global _cache
    if _cache is None:
        _cache = {}
    return _cache


def remember(key, value):
    get_cache()[key] = value


remember("a", 1)
print(get_cache())
