def add(a, b):
    return a + b


# Both of these have a bug for the agent to fix.
def sub(a, b):
    return a + b


def mul(a, b):
    return a + b
