import pytest

from pricing import apply_discount


def test_ten_percent_off():
    assert apply_discount(80.0, 10) == 72.0


def test_no_discount_keeps_the_price():
    assert apply_discount(19.99, 0) == 19.99


def test_rejects_a_negative_percent():
    with pytest.raises(ValueError):
        apply_discount(10.0, -5)
