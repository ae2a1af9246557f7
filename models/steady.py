"""Answers that stay the same while a batch of documents is prepared.

A batch of a thousand letters asks the store the same questions a thousand times:
the business and its logo, who signs, the templates and stages, a customer's details
and invoices (asked again by each part of the letter that needs them). Inside
:func:`steady`, a function marked :func:`steady_answer` reads the store once for each
set of arguments and answers from memory after that; outside, it reads every time,
as it always did.

Only what the batch itself never changes is marked: printing letters records
contacts, stage executions and charges, so an invoice's charges, read ahead for the
batch, are forgotten when a charge is recorded on it (:func:`forget`) and read again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_answers: ContextVar[dict[Hashable, Any] | None] = ContextVar("steady_answers", default=None)


@contextmanager
def steady() -> Iterator[dict[Hashable, Any]]:
    """A block within which the store's steady answers are read once; nested blocks
    share the outermost one's memory, which is let go when it ends."""
    if _answers.get() is not None:
        yield _answers.get() or {}
        return
    memory: dict[Hashable, Any] = {}
    token = _answers.set(memory)
    try:
        yield memory
    finally:
        _answers.reset(token)


def steady_answer(function: Callable[P, R]) -> Callable[P, R]:
    """Mark a function whose answer does not change while a batch is prepared (its
    arguments hashable, its answer never changed by its callers)."""

    @functools.wraps(function)
    def answer(*args: P.args, **kwargs: P.kwargs) -> R:
        memory = _answers.get()
        if memory is None:
            return function(*args, **kwargs)
        key = (function.__qualname__, function.__module__, args, tuple(sorted(kwargs.items())))
        if key not in memory:
            memory[key] = function(*args, **kwargs)
        result: R = memory[key]
        return result

    return answer


def remember(function: Callable[..., Any], value: Any, *args: Hashable) -> None:
    """Give a steady function's answer for ``args`` ahead of asking, e.g. read for many
    customers in one query; does nothing outside :func:`steady`."""
    memory = _answers.get()
    if memory is not None:
        memory[_key(function, args)] = value


def recalled(function: Callable[..., Any], *args: Hashable) -> Any:
    """The answer remembered for ``function`` and ``args`` inside :func:`steady`; None
    when there is none (or outside it)."""
    memory = _answers.get()
    if memory is None:
        return None
    return memory.get(_key(function, args))


def forget(function: Callable[..., Any], *args: Hashable) -> None:
    """Let go of an answer remembered for ``function`` and ``args``, once the store has
    changed under it, so that it is read again; does nothing outside :func:`steady`."""
    memory = _answers.get()
    if memory is not None:
        memory.pop(_key(function, args), None)


def _key(function: Callable[..., Any], args: tuple[Hashable, ...]) -> Hashable:
    inner = getattr(function, "__wrapped__", function)
    return (inner.__qualname__, inner.__module__, args, ())
