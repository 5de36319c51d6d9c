def shout(text):
    return text.uppercase() + "!"


print(shout("hello"))
