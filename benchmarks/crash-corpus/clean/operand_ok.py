def describe(name, age):
    return "Name: " + name + ", age: " + str(age)


for name, age in [("ada", 36), ("bob", 41)]:
    print(describe(name, age))
