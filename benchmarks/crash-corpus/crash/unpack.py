def parse_pair(line):
    key, value = line.split("=")
    return key.strip(), value.strip()


def parse_point():
    x, y = (1, 2, 3)
    return x + y


print(parse_point())
