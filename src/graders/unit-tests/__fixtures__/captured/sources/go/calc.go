package calc

func Add(a, b int) int { return a + b }

// Sub has a bug on purpose.
func Sub(a, b int) int { return a + b }
