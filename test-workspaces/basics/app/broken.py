def broken(x)
    return x +


print "hello"
