"""Parameter values to JSON and back, without losing what JSON cannot say.

JSON has no tuples and only string keys, so a tuple becomes
``{"__tuple__": [...]}`` (``kernel_size=(3, 5)`` is one kernel of 3x5, where
the list ``[3, 5]`` is one size per layer) and a dict
(``class_weight={0: 1.0, 1: 3.0}``) becomes ``{"__items__": [[key, value], ...]}``
so that its integer keys stay integers. NumPy scalars become Python ones;
arrays become lists.

Nesting is bounded (:data:`MAX_NESTING`) both ways: the converters and the JSON
parser recurse once per level, and a file nested 100,000 deep must be refused
with a message, not by exhausting the interpreter's stack. :func:`json_extent`
measures a text's nesting and its count of values without parsing it, so that
a reader can refuse text that would make the parser build millions of objects.
"""

from __future__ import annotations

import numbers

import numpy as np

DICT_TAG = "__items__"
TUPLE_TAG = "__tuple__"
# Levels of lists and objects a model file's metadata may use. Real files use
# at most 6 (metadata -> params -> class_weight -> items -> pair -> value).
MAX_NESTING = 32

_BRACKET_STEP = np.zeros(256, dtype=np.int8)
_BRACKET_STEP[[ord("["), ord("{")]] = 1
_BRACKET_STEP[[ord("]"), ord("}")]] = -1
# One value starts after each of these (an array's or object's own value at
# its bracket, the next item after a comma, a member's value after a colon).
_VALUE_MARK = np.zeros(256, dtype=bool)
_VALUE_MARK[[ord(c) for c in "[{,:"]] = 1
_QUOTE = ord('"')
_CHUNK = 1 << 20


def to_json(value, name: str, _depth: int = 0):
    """A JSON-safe copy of ``value``; ``TypeError`` naming ``name`` otherwise."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple, np.ndarray, dict)) and _depth >= MAX_NESTING:
        raise TypeError(
            f"{name} cannot be stored in a model file: it nests lists or dicts more than "
            f"{MAX_NESTING} levels deep"
        )
    if isinstance(value, tuple):  # the tag's object and list: two levels
        return {TUPLE_TAG: [to_json(item, name, _depth + 2) for item in value]}
    if isinstance(value, (list, np.ndarray)):
        return [to_json(item, name, _depth + 1) for item in value]
    if isinstance(value, dict):
        # {"__items__": [[key, value], ...]}: each key and value three levels down.
        pairs = [
            [to_json(k, name, _depth + 3), to_json(v, name, _depth + 3)] for k, v in value.items()
        ]
        return {DICT_TAG: pairs}
    raise TypeError(
        f"{name}={value!r} cannot be stored in a model file: expected numbers, strings, "
        "booleans, None, or lists and dicts of them"
    )


def from_json(value, _depth: int = 0):
    """The inverse of :func:`to_json` (lists stay lists, tagged tuples come back
    as tuples of hashable items); ``ValueError`` for
    what ``to_json`` never writes, nesting deeper than ``MAX_NESTING`` included."""
    if isinstance(value, (list, dict)) and _depth >= MAX_NESTING:
        raise ValueError(f"lists or dicts nested more than {MAX_NESTING} levels deep")
    if isinstance(value, list):
        return [from_json(item, _depth + 1) for item in value]
    if isinstance(value, dict) and set(value) == {TUPLE_TAG}:
        items = value[TUPLE_TAG]
        if not isinstance(items, list):
            raise ValueError(f"expected a {{{TUPLE_TAG!r}: [...]}} object")
        return tuple(_hashable(from_json(item, _depth + 2)) for item in items)
    if isinstance(value, dict):
        items = value.get(DICT_TAG)
        if set(value) != {DICT_TAG} or not isinstance(items, list):
            raise ValueError(f"expected a {{{DICT_TAG!r}: [[key, value], ...]}} object")
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in items):
            raise ValueError("expected [key, value] pairs")
        return {_hashable(from_json(k, _depth + 3)): from_json(v, _depth + 3) for k, v in items}
    return value


def _hashable(key):
    if isinstance(key, (list, dict)):
        raise ValueError(f"a dict key cannot be a {type(key).__name__} ({key!r})")
    return key


def nesting_depth(text: str) -> int:
    """How deeply the arrays and objects of JSON ``text`` nest (see :func:`json_extent`)."""
    return json_extent(text)[0]


def json_extent(text: str) -> tuple[int, int]:
    """``(depth, values)``: how deeply the arrays and objects of JSON ``text``
    nest, and how many values it holds, both found without parsing it (and so
    without recursing or building objects). Brackets, commas and colons inside
    strings are not structure; outside, brackets step the depth up or down,
    and each ``[``, ``{``, ``,`` or ``:`` starts a value: ``values`` counts
    them, about one per object the parser builds (``[1, 2, 3]``: 3, for a list
    and 3 numbers; ``[[], []]``: 4, for 3 lists). Both are exact for valid
    JSON; in invalid JSON, they are what the parser reads before it stops."""
    # Escapes first, left to right as the parser reads them: an escaped
    # backslash, then an escaped quote, become two plain characters, so that
    # every quote left opens or closes a string.
    plain = text.encode("utf-8", "surrogatepass").replace(b"\\\\", b"__").replace(b'\\"', b"__")
    codes = np.frombuffer(plain, dtype=np.uint8)
    depth = deepest = values = 0
    in_string = np.uint8(0)
    # In chunks of a megabyte, so that 8 MB of brackets never needs 32 MB of
    # running sums; vectorized, as a regex over 1.6 million strings took 0.4 s.
    for start in range(0, codes.size, _CHUNK):
        chunk = codes[start : start + _CHUNK]
        # 1 from a string's opening quote to the character before its closing one.
        inside = np.bitwise_xor.accumulate(chunk == _QUOTE, dtype=np.uint8) ^ in_string
        in_string = inside[-1]
        outside = inside == 0
        running = np.cumsum(np.take(_BRACKET_STEP, chunk) * outside, dtype=np.int32)
        deepest = max(deepest, depth + int(running.max()))
        depth += int(running[-1])
        values += int(np.count_nonzero(_VALUE_MARK[chunk] & outside))
    return deepest, values
