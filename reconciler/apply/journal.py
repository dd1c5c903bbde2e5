"""`--journal FILE`: one JSON line per step event, written and flushed as it happens, so a
crashed or killed apply leaves a record of what it did. Lines pass through the masker."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import IO

from reconciler.core.errors import ReconcilerError
from reconciler.core.masking import mask


class Journal:
    def __init__(self, path: str | Path | None) -> None:
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        if path is not None:
            try:
                self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                raise ReconcilerError(f"cannot open journal {path}: {exc.strerror}") from None

    def write(self, event: str, **fields: object) -> None:
        if self._file is None:
            return
        record: dict[str, object] = {
            "ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "event": event,
        }
        record.update(fields)
        line = mask(json.dumps(record, sort_keys=True, ensure_ascii=False))
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
