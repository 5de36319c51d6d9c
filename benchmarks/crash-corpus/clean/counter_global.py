counter = 0


def increment():
    global counter
    counter += 1
    return counter


print(increment())
