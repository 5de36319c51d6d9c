def first_negative(values):
    return next(v for v in values if v < 0)


readings = [3, 5, 8, 13]
print("first negative:", first_negative(readings))
