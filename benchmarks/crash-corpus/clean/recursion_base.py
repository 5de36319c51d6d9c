def count_nodes(tree):
    if tree is None:
        return 0
    left, right = tree
    return 1 + count_nodes(left) + count_nodes(right)


print(count_nodes(((None, None), (None, None))))
