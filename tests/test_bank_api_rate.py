"""The bank API's rate limit per key (bot/api_guard.RateLimiter), on an injected clock."""

from __future__ import annotations

from bot.api_guard import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_ten_seconds_worth_at_once_then_its_rate_and_other_keys_are_apart():
    clock = Clock()
    limiter = RateLimiter(60, clock)  # one a second, bursts of ten
    assert [limiter.take("crm") for _ in range(10)] == [0.0] * 10
    assert limiter.take("crm") == 1.0  # the eleventh waits a second
    assert limiter.take("bi") == 0.0  # another key has its own bucket
    clock.now += 0.5
    assert limiter.take("crm") == 0.5
    clock.now += 0.5
    assert limiter.take("crm") == 0.0
    clock.now += 3600  # an idle key refills no further than its burst
    assert [limiter.take("crm") for _ in range(11)].count(0.0) == 10


def test_a_slow_rate_still_allows_one_request():
    limiter = RateLimiter(1, Clock())  # one a minute
    assert limiter.take("crm") == 0.0
    assert 59 < limiter.take("crm") <= 60
