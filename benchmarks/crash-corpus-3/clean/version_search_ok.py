"""Finds the first release that contains a feature, by binary search over versions."""

RELEASES = [(1, 0), (1, 1), (1, 4), (2, 0), (2, 3), (3, 0)]
FEATURE_SINCE = {"async": (2, 0), "plugins": (1, 4), "telemetry": (3, 1)}


def first_release(releases, since, low, high):
    if low == high:
        return releases[low] if releases[low] >= since else None
    middle = (low + high) // 2
    if releases[middle] >= since:
        return first_release(releases, since, low, middle)
    return first_release(releases, since, middle + 1, high)


def main():
    print(f"{len(RELEASES)} releases")
    for feature, since in FEATURE_SINCE.items():
        found = first_release(RELEASES, since, 0, len(RELEASES) - 1)
        if found is None:
            print(f"{feature}: not released yet")
        else:
            print(f"{feature}: first shipped in {found[0]}.{found[1]}")


main()
