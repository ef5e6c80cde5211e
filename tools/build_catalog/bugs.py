# ruff: noqa: E501
"""The injected bugs of the ``repo-bugfix`` benchmark: one realistic bug per scenario.

Each bug is an exact text replacement in one source file of a pristine sdist (``old`` must occur
exactly once). ``fail_to_pass`` tests fail with the bug and pass without it; ``pass_to_pass`` tests
pass either way. Test ids are unittest ids (``tests.test_more.ChunkedTests``) or, for the
pytest-style toolz suite, ``path.py::function`` run by the catalog's tiny stdlib runner.
"""

from __future__ import annotations

LIBRARIES = {
    "more-itertools": {
        "version": "10.5.0",
        "license": "MIT",
        "keep": ["more_itertools/", "tests/", "LICENSE", "README.rst", "pyproject.toml"],
        "runner": "unittest",
        "env": "",
    },
    "toolz": {
        "version": "1.0.0",
        "license": "BSD-3-Clause",
        "keep": ["toolz/", "tlz/", "LICENSE.txt", "README.rst", "setup.py"],
        "runner": "pytest_lite",
        "env": "",
    },
    "cachetools": {
        "version": "5.5.0",
        "license": "MIT",
        "keep": ["src/", "tests/", "LICENSE", "README.rst", "setup.cfg"],
        "runner": "unittest",
        "env": "PYTHONPATH=src ",
    },
}

MI_TESTS = "tests/test_more.py"
TZ_TESTS = "toolz/tests/test_itertoolz.py"

BUGS = [
    {
        "name": "more-itertools-chunked-strict",
        "library": "more-itertools",
        "file": "more_itertools/more.py",
        "old": "                if len(chunk) != n:\n",
        "new": "                if len(chunk) > n:\n",
        "statement": """\
`chunked(..., strict=True)` no longer complains about a short last chunk.

I rely on strict mode to catch records whose field count is not a multiple of the row width:

    >>> from more_itertools import chunked
    >>> list(chunked(range(7), 3, strict=True))
    [[0, 1, 2], [3, 4, 5], [6]]

The docs say a ValueError is raised before the last list is yielded when the length is not
divisible by n, and that is what I expect here. Instead the short chunk `[6]` comes through silently.
Non-strict mode behaves as documented.""",
        "fail_to_pass": ["tests.test_more.ChunkedTests"],
        "pass_to_pass": ["tests.test_more.FirstTests", "tests.test_more.IlenTests"],
        "test_files": [MI_TESTS],
    },
    {
        "name": "more-itertools-split-at-maxsplit",
        "library": "more-itertools",
        "file": "more_itertools/more.py",
        "old": "            if maxsplit == 1:\n                yield list(it)\n                return\n"
        "            buf = []\n            maxsplit -= 1\n        else:\n            buf.append(item)\n"
        "    yield buf\n\n\ndef split_before",
        "new": "            if maxsplit == 0:\n                yield list(it)\n                return\n"
        "            buf = []\n            maxsplit -= 1\n        else:\n            buf.append(item)\n"
        "    yield buf\n\n\ndef split_before",
        "statement": """\
`split_at` does one split too many when `maxsplit` is given.

    >>> from more_itertools import split_at
    >>> list(split_at(range(10), lambda n: n % 2 == 1, maxsplit=2))
    [[0], [2], [4], [6, 7, 8, 9]]

With maxsplit=2 I expect at most two splits, i.e. `[[0], [2], [4, 5, 6, 7, 8, 9]]` (this is
also the example in the docstring). Without maxsplit the results look right.""",
        "fail_to_pass": ["tests.test_more.SplitAtTests"],
        "pass_to_pass": ["tests.test_more.SlicedTests", "tests.test_more.ChunkedTests"],
        "test_files": [MI_TESTS],
    },
    {
        "name": "more-itertools-padded-next-multiple",
        "library": "more-itertools",
        "file": "more_itertools/more.py",
        "old": "                yield islice(iterable_with_repeat, n - 1)\n",
        "new": "                yield islice(iterable_with_repeat, n)\n",
        "statement": """\
`padded(..., next_multiple=True)` pads to the wrong length.

    >>> from more_itertools import padded
    >>> list(padded([1, 2, 3, 4], n=3, next_multiple=True))

I expect `[1, 2, 3, 4, None, None]` (six items, the next multiple of 3), as in the docs. What I get
has a different length and the items are grouped wrongly; it is not a multiple of n at all for
some inputs. `padded` without next_multiple works.""",
        "fail_to_pass": ["tests.test_more.PaddedTest"],
        "pass_to_pass": ["tests.test_more.SpyTests", "tests.test_more.ChunkedTests"],
        "test_files": [MI_TESTS],
    },
    {
        "name": "more-itertools-first-default",
        "library": "more-itertools",
        "file": "more_itertools/more.py",
        "old": "    if default is _marker:\n        raise ValueError(\n"
        "            'first() was called on an empty iterable, and no '\n",
        "new": "    if default is None:\n        raise ValueError(\n"
        "            'first() was called on an empty iterable, and no '\n",
        "statement": """\
`first()` on an empty iterable ignores the default in some cases and returns garbage in others.

    >>> from more_itertools import first
    >>> first([], None)
    ValueError: first() was called on an empty iterable, and no default value was provided.
    >>> first([])
    <object object at 0x7f...>

Expected: `first([], None)` returns None (I passed a default), and `first([])` with no default
raises ValueError. Non-empty iterables are fine.""",
        "fail_to_pass": ["tests.test_more.FirstTests"],
        "pass_to_pass": ["tests.test_more.LastTests", "tests.test_more.IlenTests"],
        "test_files": [MI_TESTS],
    },
    {
        "name": "toolz-partition-all-remainder",
        "library": "toolz",
        "file": "toolz/itertoolz.py",
        "old": "            yield prev[:len(seq) % n]\n",
        "new": "            yield prev[:len(seq) % n - 1]\n",
        "statement": """\
`partition_all` loses an element of the last, shorter partition for lists.

    >>> from toolz import partition_all
    >>> list(partition_all(3, list(range(5))))
    [(0, 1, 2), (3,)]

I expect `[(0, 1, 2), (3, 4)]`: nothing may be dropped. Oddly, passing an iterator
(`iter(range(5))`) instead of a list gives the right answer.""",
        "fail_to_pass": [f"{TZ_TESTS}::test_partition_all"],
        "pass_to_pass": [f"{TZ_TESTS}::test_partition", f"{TZ_TESTS}::test_sliding_window"],
        "test_files": [TZ_TESTS],
    },
    {
        "name": "toolz-interpose-leading-separator",
        "library": "toolz",
        "file": "toolz/itertoolz.py",
        "old": "    inposed = concat(zip(itertools.repeat(el), seq))\n    next(inposed)\n",
        "new": "    inposed = concat(zip(itertools.repeat(el), seq))\n",
        "statement": """\
`interpose` puts the separator in front of the first element.

    >>> from toolz import interpose
    >>> list(interpose("a", [1, 2, 3]))
    ['a', 1, 'a', 2, 'a', 3]

Expected `[1, 'a', 2, 'a', 3]`: the separator belongs only *between* elements. This broke our
CSV line building (every line now starts with a comma).""",
        "fail_to_pass": [f"{TZ_TESTS}::test_interpose"],
        "pass_to_pass": [f"{TZ_TESTS}::test_concat", f"{TZ_TESTS}::test_concatv"],
        "test_files": [TZ_TESTS],
    },
    {
        "name": "toolz-take-nth-offset",
        "library": "toolz",
        "file": "toolz/itertoolz.py",
        "old": "    return itertools.islice(seq, 0, None, n)\n",
        "new": "    return itertools.islice(seq, 1, None, n)\n",
        "statement": """\
`take_nth` skips the first element.

    >>> from toolz import take_nth
    >>> list(take_nth(2, [10, 20, 30, 40, 50]))
    [20, 40]

According to the docstring (and previous releases) this should be `[10, 30, 50]`: every nth item
starting with the first one.""",
        "fail_to_pass": [f"{TZ_TESTS}::test_take_nth"],
        "pass_to_pass": [f"{TZ_TESTS}::test_take", f"{TZ_TESTS}::test_drop"],
        "test_files": [TZ_TESTS],
    },
    {
        "name": "toolz-unique-key",
        "library": "toolz",
        "file": "toolz/itertoolz.py",
        "old": "            if val not in seen:\n                seen_add(val)\n",
        "new": "            if val not in seen:\n                seen_add(item)\n",
        "statement": """\
`unique(seq, key=...)` does not deduplicate by key any more.

    >>> from toolz import unique
    >>> def iseven(x): return x % 2 == 0
    >>> tuple(unique((1, 2, 3), key=iseven))
    (1, 2, 3)

Only the first item per key should be kept, so I expect `(1, 2)`. `unique` without a key still
works.""",
        "fail_to_pass": [f"{TZ_TESTS}::test_unique"],
        "pass_to_pass": [f"{TZ_TESTS}::test_take", f"{TZ_TESTS}::test_concat"],
        "test_files": [TZ_TESTS],
    },
    {
        "name": "cachetools-lru-evicts-newest",
        "library": "cachetools",
        "file": "src/cachetools/__init__.py",
        "old": '        """Remove and return the `(key, value)` pair least recently used."""\n'
        "        try:\n            key = next(iter(self.__order))\n",
        "new": '        """Remove and return the `(key, value)` pair least recently used."""\n'
        "        try:\n            key = next(reversed(self.__order))\n",
        "statement": """\
`LRUCache` evicts the wrong entry when it is full.

    >>> from cachetools import LRUCache
    >>> cache = LRUCache(maxsize=2)
    >>> cache[1] = 1; cache[2] = 2
    >>> cache[1]          # touch 1, so 2 is now the least recently used
    1
    >>> cache[3] = 3
    >>> sorted(cache)
    [2, 3]

Expected `[1, 3]`: the least recently used key (2) should go. Our hot keys keep getting evicted.""",
        "fail_to_pass": ["tests.test_lru.LRUCacheTest.test_lru"],
        "pass_to_pass": ["tests.test_fifo", "tests.test_lfu"],
        "test_files": [
            "tests/__init__.py",
            "tests/test_lru.py",
            "tests/test_fifo.py",
            "tests/test_lfu.py",
        ],
    },
    {
        "name": "cachetools-ttl-expiry-boundary",
        "library": "cachetools",
        "file": "src/cachetools/__init__.py",
        "old": "        while curr is not root and not (time < curr.expires):\n",
        "new": "        while curr is not root and not (time <= curr.expires):\n",
        "statement": """\
`TTLCache` keeps items alive past their time-to-live.

With a custom timer, an item stored at t=0 with ttl=1 is still returned at t=1:

    >>> from cachetools import TTLCache
    >>> now = [0]
    >>> cache = TTLCache(maxsize=2, ttl=1, timer=lambda: now[0])
    >>> cache[1] = "a"; now[0] = 1
    >>> 1 in cache
    True

The docs say an item expires once its ttl has elapsed, so at t=1 it must be gone (`False`), and
`expire()` should drop it.""",
        "fail_to_pass": ["tests.test_ttl.TTLCacheTest.test_ttl_expire"],
        "pass_to_pass": ["tests.test_lru"],
        "test_files": ["tests/__init__.py", "tests/test_ttl.py", "tests/test_lru.py"],
    },
    {
        "name": "cachetools-hashkey-ignores-keyword-names",
        "library": "cachetools",
        "file": "src/cachetools/keys.py",
        "old": "        return _HashedTuple(args + sum(sorted(kwargs.items()), _kwmark))\n",
        "new": "        return _HashedTuple(args + _kwmark + tuple(v for _, v in sorted(kwargs.items())))\n",
        "statement": """\
`@cached` returns the result of a different call when only the keyword name differs.

    >>> from cachetools import cached, LRUCache
    >>> @cached(LRUCache(maxsize=10))
    ... def area(width=0, height=0): return (width, height)
    >>> area(width=3)
    (3, 0)
    >>> area(height=3)
    (3, 0)

Expected `(0, 3)` for the second call. `cachetools.keys.hashkey(x=0) == hashkey(y=0)` is True,
so the two calls share one cache entry; keys must differ when the keyword names differ.""",
        "fail_to_pass": ["tests.test_keys.CacheKeysTest.test_hashkey"],
        "pass_to_pass": ["tests.test_keys.CacheKeysTest.test_addkeys"],
        "test_files": ["tests/__init__.py", "tests/test_keys.py"],
    },
    {
        "name": "cachetools-typedkey-positional-types",
        "library": "cachetools",
        "file": "src/cachetools/keys.py",
        "old": "    key += tuple(type(v) for v in args)\n",
        "new": "",
        "statement": """\
`typedkey` treats `f(1)` and `f(1.0)` as the same call.

    >>> from cachetools.keys import typedkey
    >>> typedkey(1, 2) == typedkey(1.0, 2.0)
    True

`@cached(cache, key=typedkey)` is documented to cache calls with arguments of different types
separately, so these keys must differ. Keyword arguments of different types are kept apart
correctly; positional ones are not.""",
        "fail_to_pass": ["tests.test_keys.CacheKeysTest.test_typedkey"],
        "pass_to_pass": ["tests.test_keys.CacheKeysTest.test_hashkey"],
        "test_files": ["tests/__init__.py", "tests/test_keys.py"],
    },
]
