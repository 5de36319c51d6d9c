queue = ["ada", "bob", "cy"]


def serve(name):
    if name in queue:
        queue.remove(name)
    return name


serve("bob")
serve("dan")
print(queue)
