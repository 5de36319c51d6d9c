def ratio(done, total):
    if total == 0:
        return 0.0
    return done / total


print(ratio(3, 0), ratio(1, 4))
