"""A problem found in content: where it is and what is wrong, in plain words.

>>> str(Problem("questions/vneid.yaml", 12, "no correct option"))
'questions/vneid.yaml:12: no correct option'
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str
    severity: str = "error"  # "error" stops an install; "warning" does not

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        prefix = "" if self.severity == "error" else "(cảnh báo) "
        return f"{where}: {prefix}{self.message}"


@dataclass
class Problems:
    """Collects problems while reading, so every one is reported at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int, message: str) -> None:
        self.items.append(Problem(file, line, message, "error"))

    def warning(self, file: str, line: int, message: str) -> None:
        self.items.append(Problem(file, line, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items)
