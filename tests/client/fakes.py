"""A fake clock whose sleep advances time: the pure parts are tested without waiting."""

from __future__ import annotations


class FakeTime:
    def __init__(self, start: float = 1_767_225_600.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
