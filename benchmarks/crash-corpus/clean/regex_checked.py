import re


def parse_version(text):
    match = re.match(r"v(\d+)\.(\d+)", text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


print(parse_version("v1.2"))
print(parse_version("release-3"))
