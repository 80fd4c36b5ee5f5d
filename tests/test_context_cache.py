"""Page computations are cached on everything the context holds, never on a hand-picked key."""

from __future__ import annotations

from dashboard.context import cached_on_context


class _Ctx:
    def __init__(self, key: tuple) -> None:
        self.key = key

    def cache_key(self) -> tuple:
        return self.key


def test_a_result_is_reused_only_for_the_same_context_and_arguments() -> None:
    calls: list[tuple[str, int]] = []

    @cached_on_context(max_entries=4)
    def first(ctx, x: int) -> tuple[str, int]:
        calls.append(("first", x))
        return ("first", x)

    @cached_on_context(max_entries=4)
    def second(ctx, x: int) -> tuple[str, int]:
        calls.append(("second", x))
        return ("second", x)

    assert first(_Ctx(("v1",)), 1) == ("first", 1)
    assert first(_Ctx(("v1",)), 1) == ("first", 1)  # same context, same argument: cached
    assert second(_Ctx(("v1",)), 1) == ("second", 1)  # another function never shares the entry
    assert first(_Ctx(("v2",)), 1) == ("first", 1)  # a new data version or setting: computed again
    assert first(_Ctx(("v1",)), 2) == ("first", 2)
    assert calls == [("first", 1), ("second", 1), ("first", 1), ("first", 2)]
