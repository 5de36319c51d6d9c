queue = ["ada", "bob", "cy"]


def serve(name):
    queue.remove(name)
    return name


serve("bob")
serve("dan")
