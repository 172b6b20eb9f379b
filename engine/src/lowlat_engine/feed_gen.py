"""Market data sources for the feed simulator: a seeded random walk, and recorded files.

The random walk keeps, per symbol, `levels` bid and ask levels one tick apart around a mid
price (bids at mid-1..mid-levels ticks, asks at mid+1..mid+levels). Most events change the
size of one level; some move the mid by one tick, which shifts both sides (four messages).
The book it describes is always uncrossed.
"""

from __future__ import annotations

import random
import struct
from collections import deque
from collections.abc import Iterator

from lowlat_engine.wire import MESSAGE, MESSAGE_SIZE, MSG_LEVEL, SIDE_ASK, SIDE_BID, encode_symbol

# (type, side, size, symbol, price) without the timestamp, which is stamped at publish time
Event = tuple[int, int, int, bytes, int]

RECORD_MAGIC = b"LLFEED01"
RECORD_HEADER = struct.Struct("<8sI")  # magic, message size


class RandomWalk:
    def __init__(
        self,
        symbols: list[str],
        seed: int = 1,
        levels: int = 5,
        tick: int = 100,  # 0.01 in fixed point
        start_price: int = 1_000_000,  # 100.00
        move_probability: float = 0.05,
        max_size: int = 1000,
    ) -> None:
        if levels < 1:
            raise ValueError("levels must be >= 1")
        self._rnd = random.Random(seed)
        self._symbols = [encode_symbol(s) for s in symbols]
        self._levels = levels
        self._tick = tick
        self._move_p = move_probability
        self._max_size = max_size
        self._mid = {}
        self._sizes: dict[bytes, dict[int, list[int]]] = {}
        self._pending: deque[Event] = deque()
        for i, sym in enumerate(self._symbols):
            self._mid[sym] = start_price + i * 100 * tick
            self._sizes[sym] = {
                SIDE_BID: [self._size() for _ in range(levels)],
                SIDE_ASK: [self._size() for _ in range(levels)],
            }

    def _size(self) -> int:
        return int(self._rnd.random() * self._max_size) + 1

    def _price(self, sym: bytes, side: int, level: int) -> int:
        step = (level + 1) * self._tick
        return self._mid[sym] - step if side == SIDE_BID else self._mid[sym] + step

    def initial_book(self) -> list[Event]:
        """The level messages that describe the starting book (published first)."""
        events = []
        for sym in self._symbols:
            for side in (SIDE_BID, SIDE_ASK):
                for level, size in enumerate(self._sizes[sym][side]):
                    events.append((MSG_LEVEL, side, size, sym, self._price(sym, side, level)))
        return events

    def next(self) -> Event:
        if self._pending:
            return self._pending.popleft()
        rnd = self._rnd
        sym = self._symbols[int(rnd.random() * len(self._symbols))]
        if rnd.random() < self._move_p and self._mid[sym] > (self._levels + 2) * self._tick:
            self._move(sym, 1 if rnd.random() < 0.5 else -1)
            return self._pending.popleft()
        side = SIDE_BID if rnd.random() < 0.5 else SIDE_ASK
        # the touch changes more often than the back of the book
        level = min(int(rnd.expovariate(1.0)), self._levels - 1)
        size = self._size()
        self._sizes[sym][side][level] = size
        return MSG_LEVEL, side, size, sym, self._price(sym, side, level)

    def _move(self, sym: bytes, direction: int) -> None:
        """Shift the mid one tick; the side moved toward loses its best level."""
        sizes = self._sizes[sym]
        bids, asks = sizes[SIDE_BID], sizes[SIDE_ASK]
        old_best_bid = self._price(sym, SIDE_BID, 0)
        old_best_ask = self._price(sym, SIDE_ASK, 0)
        old_worst_bid = self._price(sym, SIDE_BID, self._levels - 1)
        old_worst_ask = self._price(sym, SIDE_ASK, self._levels - 1)
        self._mid[sym] += direction * self._tick
        pending = self._pending
        new = self._size()
        if direction > 0:
            # asks lose their best level, gain one at the back; bids gain a new best level
            pending.append((MSG_LEVEL, SIDE_ASK, 0, sym, old_best_ask))
            asks.pop(0)
            asks.append(self._size())
            pending.append((MSG_LEVEL, SIDE_ASK, asks[-1], sym, self._price(sym, SIDE_ASK, self._levels - 1)))
            pending.append((MSG_LEVEL, SIDE_BID, 0, sym, old_worst_bid))
            bids.pop()
            bids.insert(0, new)
            pending.append((MSG_LEVEL, SIDE_BID, new, sym, self._price(sym, SIDE_BID, 0)))
        else:
            pending.append((MSG_LEVEL, SIDE_BID, 0, sym, old_best_bid))
            bids.pop(0)
            bids.append(self._size())
            pending.append((MSG_LEVEL, SIDE_BID, bids[-1], sym, self._price(sym, SIDE_BID, self._levels - 1)))
            pending.append((MSG_LEVEL, SIDE_ASK, 0, sym, old_worst_ask))
            asks.pop()
            asks.insert(0, new)
            pending.append((MSG_LEVEL, SIDE_ASK, new, sym, self._price(sym, SIDE_ASK, 0)))


class Replay:
    """Events from a recorded file; `rewind()` starts over (the publisher clears its books first)."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as f:
            data = f.read()
        if len(data) < RECORD_HEADER.size:
            raise ValueError(f"{path}: not a feed recording (too short)")
        magic, size = RECORD_HEADER.unpack_from(data, 0)
        if magic != RECORD_MAGIC or size != MESSAGE_SIZE:
            raise ValueError(f"{path}: not a feed recording (bad header)")
        body = data[RECORD_HEADER.size :]
        if not body or len(body) % MESSAGE_SIZE:
            raise ValueError(f"{path}: recording is empty or ends in a partial message")
        self._events = [MESSAGE.unpack_from(body, i) for i in range(0, len(body), MESSAGE_SIZE)]
        self._iter: Iterator = iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def initial_book(self) -> list[Event]:
        return []

    def rewind(self) -> None:
        self._iter = iter(self._events)

    def next(self) -> Event | None:
        """The next recorded event, or None at the end of the recording."""
        for mtype, side, _r, size, symbol, price, _ts in self._iter:
            return mtype, side, size, symbol, price
        return None


class Recorder:
    """Writes every published message (32-byte wire records) after a small file header."""

    def __init__(self, path: str) -> None:
        self._f = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._f.write(RECORD_HEADER.pack(RECORD_MAGIC, MESSAGE_SIZE))

    def write(self, data) -> None:
        self._f.write(data)

    def close(self) -> None:
        self._f.close()
