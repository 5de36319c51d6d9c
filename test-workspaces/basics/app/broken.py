def broken(x)  # expect: syntax-error
    return x +  # expect: syntax-error


print "hello"  # expect: syntax-error
