"""Generators, files and pairing iterators: what their loops bind."""


def readings():
    yield 1
    yield 2.5


for reading in readings():
    print(reading)  # hover[reading]: Value**: `1 (int) | 2.5 (float)`

collected = list(readings())  # hover[collected]: list[int | float]

names = ["ada", "grace"]
for position, name in enumerate(names):
    print(position, name)  # hover[position]: Value**: `int`

for left, right in zip(names, [1, 2]):
    print(left, right)  # hover[right]: Value**: `1 (int) | 2 (int)`

with open("notes.txt") as handle:
    text = handle.read()  # hover[text]: Value**: `str`
    for line in handle:
        print(line)  # hover[line]: Value**: `str`

with open("notes.bin", "rb") as raw:
    payload = raw.read()  # hover[payload]: Value**: `bytes`
    print(payload.decode("utf-8"))  # expect-not: unknown-attribute
