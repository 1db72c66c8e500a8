"""Reading a policy's TOML: typed values out of a table, each error naming the file and the key."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from debt.money import MoneyError, to_decimal


class PolicyError(ValueError):
    """A policy that cannot be used; the message names the file, the key and the reason."""

    def __init__(self, source: str, key: str, reason: str) -> None:
        super().__init__(f"{source}: {key}: {reason}")
        self.source, self.key, self.reason = source, key, reason



class _Reader:
    """Reads typed values out of a TOML table, naming the key on every error."""

    def __init__(self, source: str, table: dict[str, Any], prefix: str = "") -> None:
        self.source, self.table, self.prefix = source, table, prefix

    def fail(self, key: str, reason: str) -> PolicyError:
        return PolicyError(self.source, self.prefix + key, reason)

    def sub(self, key: str) -> _Reader:
        value = self.table.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "missing table")
        return _Reader(self.source, value, f"{self.prefix}{key}.")

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "missing")
            return default
        value = self.table[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(key, "must be a whole number")
        if kind in (str, bool, list, dict) and not isinstance(value, kind):
            raise self.fail(key, f"must be a {kind.__name__}")
        return value

    def count(self, key: str, default: Any = ..., low: int = 0) -> int:
        value = self.get(key, int, default)
        if value is not None and value < low:
            raise self.fail(key, f"must be at least {low}")
        return value

    def decimal(self, key: str, default: Any = ..., high: Decimal | None = None) -> Decimal:
        raw = self.get(key, object, default)
        if isinstance(raw, float):
            raise self.fail(key, 'write decimals as strings, e.g. "0.05"')
        try:
            value = to_decimal(raw)
        except MoneyError as exc:
            raise self.fail(key, str(exc)) from None
        if value < 0 or (high is not None and value > high):
            raise self.fail(key, f"must be between 0 and {high}" if high else "must not be negative")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = ...) -> str:
        value = self.get(key, str, default)
        if value is not None and value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}")
        return value

    def clock(self, key: str) -> time:
        try:
            return time.fromisoformat(self.get(key, str))
        except ValueError:
            raise self.fail(key, "must be a time like 08:00") from None
