"""Loops over a few known items run once per item: what one round appends or pops, the
next round sees."""

SEATS = ["1A", "1B", "2A"]


def board(seats, passengers):
    free = list(seats)
    for passenger in range(passengers):
        # expect: index-error
        seat = free.pop(0)
        print(f"passenger {passenger} -> {seat}")


def board_guarded(seats, passengers):
    free = list(seats)
    for passenger in range(passengers):
        if not free:
            print(f"passenger {passenger} waits")
            continue
        seat = free.pop(0)
        print(f"passenger {passenger} -> {seat}")


def rows_of(cells, width):
    rows = []
    for start in range(0, len(cells), width):
        rows.append(cells[start:start + width])
    return rows


def shelf_labels():
    labels = []
    for code in ("A", "B"):
        for level in (1, 2):
            labels.append(f"{code}{level}")
    return labels


board(SEATS, 4)
board_guarded(SEATS, 4)
board(SEATS, 3)
grid = rows_of([1, 2, 3, 4, 5, 6, 7], 3)
print(grid[2])
# expect: index-error
print(grid[3])
labels = shelf_labels()
print(labels[3])
# expect: index-error
print(labels[4])
