import re


def parse_version(text):
    match = re.match(r"v(\d+)\.(\d+)", text)
    major = int(match.group(1))
    minor = int(match.group(2))
    return major, minor


print(parse_version("v1.2"))
print(parse_version("release-3"))
