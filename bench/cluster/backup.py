"""Back-up and restore: ``pg_dump`` in custom format, ``pg_restore`` into a fresh database.

The documented procedure (docs/reliability.md, "Back-ups") is these two functions; the
restore drill (tests/cluster/test_restore_drill.py) runs them and compares the API.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .postgres import bin_dir


def dump(database_url: str, path: Path) -> Path:
    """A consistent snapshot of one database (one transaction, MVCC: writers carry on),
    compressed, restorable table by table and in parallel. Written beside and renamed, so a
    failed dump never replaces a good one."""
    # (the writer's pid in the name: two test workers may make the same template at once)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    subprocess.run(
        [
            str(bin_dir() / "pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={partial}",
            f"--dbname={database_url}",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    os.replace(partial, path)
    return path


def restore(path: Path, database_url: str, jobs: int = 2) -> None:
    """Restore a dump into an existing, empty database; any error fails the restore (a
    restore that half-worked is not a back-up)."""
    subprocess.run(
        [
            str(bin_dir() / "pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--jobs={jobs}",
            f"--dbname={database_url}",
            str(path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
