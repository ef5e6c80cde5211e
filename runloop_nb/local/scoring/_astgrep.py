"""Finding the ast-grep binary that PyPI's ``ast-grep-cli`` installs next to the interpreter."""

from __future__ import annotations

import shutil
import sys
from functools import cache
from pathlib import Path


@cache
def ast_grep_binary() -> Path:
    """Host path of the ``ast-grep`` executable.

    Raises:
        FileNotFoundError: ast-grep is not installed (the message says how to install it).
    """
    beside_python = Path(sys.executable).parent / "ast-grep"
    if beside_python.is_file():
        return beside_python
    found = shutil.which("ast-grep")
    if found:
        return Path(found)
    raise FileNotFoundError(
        "the ast-grep binary was not found next to the Python interpreter or on PATH; "
        "install it with: pip install ast-grep-cli"
    )
