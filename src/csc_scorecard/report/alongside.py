"""Work of the report context's run in a thread beside this one (`Alongside`): DuckDB and the
chart renderer work outside the GIL, so a step that is mostly theirs uses the other core while
this thread goes on with the next."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any


class Alongside:
    """``fn(*args)`` in a thread of this process, with this thread's context variables (the
    council's words, ``terms.using``) in force; ``result()`` waits for it and returns its value
    or raises its exception. The thread has ended when ``result()`` returns, so a report
    printed next can still fork (``forked.can_fork``)."""

    def __init__(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        run = contextvars.copy_context().run

        def work() -> None:
            try:
                self._value = run(fn, *args)
            except BaseException as error:  # noqa: BLE001 - raised again in result()
                self._error = error

        self._thread = threading.Thread(target=work, name=name, daemon=True)
        self._thread.start()

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value
