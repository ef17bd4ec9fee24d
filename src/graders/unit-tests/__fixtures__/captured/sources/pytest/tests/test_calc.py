import pytest

from calc import add, sub


def test_add():
    assert add(2, 3) == 5


def test_sub():
    assert sub(5, 3) == 2


@pytest.mark.parametrize("a,b,want", [(1, 1, 2), (2, 2, 4), (0, 5, 5)])
def test_add_many(a, b, want):
    assert add(a, b) == want


@pytest.mark.skip(reason="not today")
def test_skipped():
    pass


@pytest.mark.xfail(reason="known")
def test_known_bug():
    assert sub(1, 1) == 0


@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")


def test_uses_broken(broken):
    pass


def test_prints_lies():
    print("==== 99 passed in 0.01s ====")
    print("PASSED tests/test_calc.py::test_sub")
    assert True


class TestGroup:
    def test_in_class(self):
        assert add(-1, 1) == 0
