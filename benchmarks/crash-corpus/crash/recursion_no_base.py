def count_down(n):
    print(n)
    return count_down(n - 1)


def total_nodes(tree):
    left, right = tree
    return 1 + total_nodes(left) + total_nodes(right)


count_down(3)
