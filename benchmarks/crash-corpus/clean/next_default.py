def first_negative(values):
    return next((v for v in values if v < 0), None)


print(first_negative([3, 5, -1]))
print(first_negative([3, 5]))
