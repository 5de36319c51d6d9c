def describe(name, age):
    return "Name: " + name + ", age: " + age


people = [("ada", 36), ("bob", 41)]
for name, age in people:
    print(describe(name, age))
