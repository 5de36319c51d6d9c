def average(scores):
    total = sum(scores)
    return total / len(scores)


def report(students):
    for name, scores in students.items():
        print(name, average(scores))


report({"ada": [90, 85], "bob": []})
