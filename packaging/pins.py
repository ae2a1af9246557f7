"""Prints the exact pins a build installs (``pins.py [EXTRA ...]``): install_requires from
setup.cfg plus the named extras, one a line, for ``pip install -r``. The Makefile and the
Windows and macOS workflows read the same pins."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path


def pins(extras: list[str]) -> list[str]:
    """The requirement lines of Duly's own dependencies and of ``extras``."""
    setup = configparser.ConfigParser()
    setup.read(Path(__file__).resolve().parents[1] / "setup.cfg")
    text = setup["options"]["install_requires"] + "".join(
        setup["options.extras_require"][extra] for extra in extras)
    return [line.strip() for line in text.splitlines() if line.strip()]


if __name__ == "__main__":
    print("\n".join(pins(sys.argv[1:])))
