"""``python -m runloop_nb.local.catalog``: rebuild the prebuilt catalog from its sources."""

from ._prebuilt import main

main()
