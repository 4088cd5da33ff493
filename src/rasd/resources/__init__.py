"""rasd's bundled data and the one way to load it: the bottom layer of the package.

Every stage finds its data files here (`data_path`) and loads the read-only objects it shares across
documents through `shared`: built once per process on first use, under a lock, then read by any number of
threads.  Such objects are immutable after loading; whatever a computation needs to remember while it runs
lives in that call, never in the shared object.  Nothing here imports another part of rasd.
"""
from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_LOADING = threading.RLock()  # re-entrant: a loader may load what it is built from
_UNSET = object()


def data_path(*parts: str) -> Path:
    """The path of a data file shipped inside the package (resources/<parts...>)."""
    return Path(str(files(__name__).joinpath(*parts)))


def shared(loader: Callable[..., T]) -> Callable[..., T]:
    """Decorate a loader: its result, for each choice of (hashable) arguments such as a backend name, is built
    once per process and shared by every caller.

    The lock makes two threads asking at once wait for one build instead of building twice; after the
    build, reading needs no lock.
    """
    built: dict[tuple, T] = {}

    @functools.wraps(loader)
    def get(*args) -> T:
        value = built.get(args, _UNSET)
        if value is _UNSET:
            with _LOADING:
                value = built.get(args, _UNSET)
                if value is _UNSET:
                    value = built[args] = loader(*args)
        return value  # type: ignore[return-value]

    return get


def read_lines(*parts: str) -> list[str]:
    """The non-empty lines of a data file that are not comments (`#`): the format of every word list."""
    with open(data_path(*parts), encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]


@shared
def language_data(name: str) -> dict:
    """A language data file (resources/language/<name>.json): the words a module looks for, kept out of its code."""
    with open(data_path("language", f"{name}.json"), encoding="utf-8") as handle:
        return json.load(handle)
