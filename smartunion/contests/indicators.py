def register_indicators() -> None:
    pass
