def apply_discount(price: float, percent: float) -> float:
    """The price after taking `percent` percent off."""
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, got {percent}")
    return round(price * percent / 100, 2)
