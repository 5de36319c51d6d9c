def average(scores):
    if not scores:
        return 0.0
    return sum(scores) / len(scores)


for name, scores in {"ada": [90, 85], "bob": []}.items():
    print(name, average(scores))
