def greet(name, greeting=None):
    if greeting is None:
        greeting = "Hello"
    return f"{greeting}, {name.title()}"


print(greet("ada"), greet("bob", "Hi"))
