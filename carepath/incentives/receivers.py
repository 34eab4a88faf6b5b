"""Stub: replaced by its owner (rewards). connect() wires treatment attendance to rewards."""


def connect() -> None:
    return None
