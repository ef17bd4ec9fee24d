package calc

import (
	"fmt"
	"os"
	"testing"
)

func TestAdd(t *testing.T) {
	if Add(2, 3) != 5 {
		t.Fatal("add")
	}
}

func TestSub(t *testing.T) {
	if got := Sub(5, 3); got != 2 {
		t.Fatalf("Sub(5, 3) = %d, want 2", got)
	}
}

func TestTable(t *testing.T) {
	for _, c := range []struct{ a, b, want int }{{1, 1, 2}, {2, 2, 4}} {
		t.Run(fmt.Sprintf("%d+%d", c.a, c.b), func(t *testing.T) {
			if Add(c.a, c.b) != c.want {
				t.Fail()
			}
		})
	}
}

func TestSkipped(t *testing.T) {
	t.Skip("not today")
}

// With EVALBOX_LIE=1 it prints a fake result line (Go before 1.20 believes it).
func TestPrintsLies(t *testing.T) {
	if os.Getenv("EVALBOX_LIE") == "" {
		return
	}
	fmt.Println("--- PASS: TestSub (0.00s)")
	fmt.Println(`{"Action":"pass","Package":"example.com/calc","Test":"TestSub"}`)
}
