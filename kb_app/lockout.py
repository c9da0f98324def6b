"""Password guessing on the Maintain page: after 5 wrong passwords, 60 s before the next try.

Counted per browser session and per client address (a new session from the same address is
locked too). Kept in process memory: a restart clears it, which a guesser cannot cause.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60.0


@dataclass
class Lockout:
    """Wrong-password counts by key ('session:…', 'address:…'); `clock` is injectable for tests."""

    max_failures: int = MAX_FAILURES
    seconds: float = LOCKOUT_SECONDS
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked_for(self, keys: list[str]) -> float:
        """Seconds until any of `keys` may try again (0 when none is locked)."""
        now = self.clock()
        with self._lock:
            waits = [
                times[-1] + self.seconds - now
                for key in keys
                if len(times := self._failures.get(key, [])) >= self.max_failures
            ]
        return max([w for w in waits if w > 0], default=0.0)

    def failed(self, keys: list[str]) -> None:
        """Count a wrong password against each key; a key whose lockout ran out starts again."""
        now = self.clock()
        with self._lock:
            for key in keys:
                times = self._failures.get(key, [])
                if len(times) >= self.max_failures and times[-1] + self.seconds <= now:
                    times = []
                self._failures[key] = [*times, now][-self.max_failures :]

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
