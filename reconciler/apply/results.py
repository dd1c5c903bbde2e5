"""What an apply did: one StepResult per step, and the run's summary."""

from __future__ import annotations

from dataclasses import dataclass, field

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class StepResult:
    step_id: str
    kind: str
    address: str
    status: str  # ok | failed | skipped
    seconds: float
    message: str = ""  # what happened, or why it failed / was skipped


@dataclass(slots=True)
class ApplyResult:
    results: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0
    requests: int = 0
    throttled: int = 0  # 429s seen
    verify_problems: list[str] = field(default_factory=list)  # planned here, still different
    verify_notes: list[str] = field(default_factory=list)  # not planned here, now different

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return self.count(FAILED) == 0 and self.count(SKIPPED) == 0 and not self.verify_problems

    def summary_line(self) -> str:
        line = (
            f"Apply {'complete' if self.ok else 'failed'}: {self.count(OK)} applied, "
            f"{self.count(FAILED)} failed, {self.count(SKIPPED)} skipped in {self.seconds:.1f} s "
            f"({self.requests} requests, {self.throttled} throttled)."
        )
        return line
