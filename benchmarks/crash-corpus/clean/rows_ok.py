def load_rows(path):
    if not path.endswith(".csv"):
        return []
    return [["a", 1], ["b", 2]]


def total(path):
    return sum(value for _, value in load_rows(path))


print(total("data.csv"), total("data.txt"))
