class Shape:
    def area(self):
        raise NotImplementedError


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side ** 2


class Circle(Shape):
    def __init__(self, radius):
        self.radius = radius

    def area(self):
        return 3.14159 * self.radius ** 2


shapes = [Square(2), Circle(1)]
print(sorted(shape.area() for shape in shapes))
print(max(shapes, key=lambda shape: shape.area()).area())
