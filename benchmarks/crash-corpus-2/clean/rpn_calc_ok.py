"""A reverse Polish notation calculator run over a batch of expressions."""

import operator

OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


def evaluate(expression):
    stack = []
    for token in expression.split():
        if token in OPERATORS:
            if len(stack) < 2:
                return None
            right = stack.pop()
            left = stack.pop()
            stack.append(OPERATORS[token](left, right))
        else:
            stack.append(float(token))
    return stack.pop()


BATCH = ["3 4 +", "5 1 2 + 4 * + 3 -", "2 +", "6 3 /"]


def main():
    results = []
    for expression in BATCH:
        value = evaluate(expression)
        if value is None:
            print(f"{expression!r:>22} is malformed")
            continue
        results.append(value)
        print(f"{expression!r:>22} = {value:g}")
    print("sum of results:", sum(results))


main()
