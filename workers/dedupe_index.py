"""The shared dedupe index in Redis: exact and near copies, decided atomically.

Every article's text gets a MinHash signature (rensa's R-MinHash, 128
permutations over word 4-shingles of the normalized body). 32 bands of 2 rows
are its LSH buckets.
One Lua script takes each decision in one step: an article already indexed keeps
its decision (a re-run or a revision); a known content hash makes an exact copy;
otherwise the band buckets give candidates, each confirmed by the Jaccard its
signature estimates against the threshold, and the best makes a near copy; then
the article is inserted. Two workers racing on copies of one story therefore see
one original. Copies point at their cluster's original, never at another copy.

Memory is kept under 1 KB per article from 100,000 articles up, and a decision
costs the same at a million as at ten thousand: ids (8 bytes in buckets, 10 in
records) and band hashes are raw bytes; a band bucket is one string of 12-byte
entries (band hash, id), searched in the script, 4,096 buckets a band, so a
bucket key's overhead is shared by its entries and a bucket stays short (a
small index pays the buckets' keys, 13 MB); signatures keep 8 bits per value
(an 8-bit collision adds 1/256 to the equal rate, corrected for). All keys
share one hash tag, so the script runs unchanged on Redis Cluster.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from rensa import RMinHash

from workers import keys

PERMUTATIONS = 128
SEED = 20240319  # the permutations: every worker, and every rebuild, must share it
BANDS, ROWS = 32, 2  # candidates: 0.995 at J=0.4, 0.08 at J=0.05
# per band: 131,072 strings in all, 24 entries (300 bytes) each at 100k articles,
# 244 (2.9 KB) at a million. A decision reads and searches 32 of them, so its
# cost follows their length: with 256 a band it grew tenfold from 100k articles
# to a million (bench-scale); the 13 MB the keys cost is 130 bytes an article at
# 100k and 13 at a million.
BUCKETS = 4096
CONTENT_BUCKETS = 1024
OLDER_LAYOUT = (  # what doctor and work say of an index of the older layout
    "the dedupe index holds an older layout: copies of the articles it indexed "
    "are not found; run `dateline dedupe rebuild`"
)
SHINGLE = 4
WORD = re.compile(r"\w+")
KIND = {b"o": None, b"e": "exact", b"n": "near"}

# KEYS: [1] content bucket, [2] this article's record, [3..] its band buckets
# ARGV: [1] id (10 raw bytes), [2] content field, [3] signature (128 bytes),
#       [4] threshold (0..1), [5] record key prefix, [6..] band hashes (4 bytes)
# A band bucket is a string of 12-byte entries: band hash (4 bytes), id (8 bytes).
_DECIDE = """
local me, content, sig = ARGV[1], ARGV[2], ARGV[3]
local me8 = string.sub(me, 1, 8)  -- band buckets and record keys use 8 id bytes
local threshold, prefix = tonumber(ARGV[4]), ARGV[5]
local n = string.len(sig)
local buckets = {}
local function bucket(i)
  if not buckets[i] then buckets[i] = redis.call('GET', KEYS[i]) or '' end
  return buckets[i]
end
local function entries(i, needle)  -- where `needle` starts an entry of bucket i
  local found, s, from = {}, bucket(i), 1
  while true do
    local at = string.find(s, needle, from, true)
    if not at then return found end
    if (at - 1) % 12 == 0 then found[#found + 1] = at end
    from = at + 1
  end
end
local function hex(raw)
  return (string.gsub(raw, '.', function(c)
    return string.format('%02x', string.byte(c))
  end))
end
local function insert(tail, known)  -- a known article may be in its buckets
  redis.call('HSETNX', KEYS[1], content, me)
  for i = 3, #KEYS do
    local entry = ARGV[i + 3] .. me8
    if not known or #entries(i, entry) == 0 then
      redis.call('APPEND', KEYS[i], entry)
    end
  end
  redis.call('SET', KEYS[2], sig .. tail)
end
local record = redis.call('GET', KEYS[2])
if record then  -- a re-run, or a revision of this article: its decision stands
  local tail = string.sub(record, n + 1)
  insert(tail, true)
  return {string.sub(tail, 11, 11), string.sub(tail, 1, 10), string.byte(tail, 12), 1}
end
local owner = redis.call('HGET', KEYS[1], content)
if owner and owner ~= me then
  local rec = redis.call('GET', prefix .. hex(string.sub(owner, 1, 8)))
  local orig = rec and string.sub(rec, n + 1, n + 10) or owner
  local tail = orig .. 'e' .. string.char(100)
  insert(tail)
  return {'e', orig, 100, 0}
end
local best, best_eq, seen, mine = nil, -1, {}, {string.byte(sig, 1, n)}
for i = 3, #KEYS do
  local s = bucket(i)
  for _, at in ipairs(entries(i, ARGV[i + 3])) do
    local c = string.sub(s, at + 4, at + 11)
    if c ~= me8 and not seen[c] then
      seen[c] = true
      local rec = redis.call('GET', prefix .. hex(c))
      if rec then
        local eq, theirs = 0, {string.byte(rec, 1, n)}
        for k = 1, n do
          if theirs[k] == mine[k] then eq = eq + 1 end
        end
        if eq > best_eq then best, best_eq = rec, eq end
      end
    end
  end
end
if best then
  local chance = 1 / 256
  local similarity = (best_eq / n - chance) / (1 - chance)
  if similarity >= threshold then
    local orig = string.sub(best, n + 1, n + 10)
    local pct = math.floor(similarity * 100 + 0.5)
    insert(orig .. 'n' .. string.char(pct))
    return {'n', orig, pct, 0}
  end
end
insert(me .. 'o' .. string.char(100))
return {'o', me, 100, 0}
"""


@dataclass(frozen=True)
class Signature:
    values: bytes  # 8 low bits of each MinHash value
    bands: tuple[bytes, ...]  # 4-byte hash of each band's rows

    @property
    def hex(self) -> str:
        """What storage keeps: the values, then the band hashes (a rebuild needs
        both; the 8-bit values alone cannot give the bands back)."""
        return (self.values + b"".join(self.bands)).hex()


@dataclass(frozen=True)
class Decision:
    original_id: str  # the cluster's original (this article when it is one)
    dup_kind: str | None  # None, "exact" or "near"
    similarity: float  # estimated Jaccard with the original (1.0 for itself)
    known: bool  # this article was already indexed: a re-run or a revision
    decided_at: datetime  # Redis's clock when decided: the order of all decisions


def shingles(normalized: str, size: int = SHINGLE) -> list[str]:
    words = WORD.findall(normalized)
    if len(words) < size:
        return [" ".join(words)] if words else []
    runs = zip(*(words[i:] for i in range(size)), strict=False)  # shorter tails end it
    return [" ".join(run) for run in runs]


def text_signature(normalized: str) -> Signature:
    """The MinHash signature of a normalized body (see workers.dedupe).

    Signed on a thread of its own: once a thread has run rensa's MinHash, the
    libxml2 code it runs afterwards (trafilatura) is 10-25% slower."""
    return sign_later(normalized).result()


def sign_later(normalized: str) -> Future[Signature]:
    """text_signature without the wait: a worker collects its job's signatures
    when the job's dedupe decisions go out, extracting the next page meanwhile."""
    return _signer().submit(_sign, normalized)


_signers: dict[int, ThreadPoolExecutor] = {}


def _signer() -> ThreadPoolExecutor:
    # a pool's thread does not survive a fork: one pool per process
    pid = os.getpid()
    if pid not in _signers:
        _signers.clear()
        _signers[pid] = ThreadPoolExecutor(1, thread_name_prefix="minhash")
    return _signers[pid]


def _sign(normalized: str) -> Signature:
    minhash = RMinHash(num_perm=PERMUTATIONS, seed=SEED)
    minhash.update(shingles(normalized) or [""])
    values = minhash.digest()
    packed = struct.pack(f"<{PERMUTATIONS}I", *values)
    width = 4 * ROWS  # bytes of one band's values
    bands = tuple(
        hashlib.blake2b(packed[b * width : (b + 1) * width], digest_size=4).digest()
        for b in range(BANDS)
    )
    return Signature(bytes(v & 0xFF for v in values), bands)


class DedupeIndex:
    """The shared, race-free dedupe decisions of every worker, held in Redis."""

    def __init__(self, redis: Any, threshold: float) -> None:
        self.redis = redis
        self.threshold = threshold
        self._decide = redis.register_script(_DECIDE)

    def decide(
        self, article_id: str, content_hash: str, signature: Signature
    ) -> Decision:
        """Original, exact copy or near copy of what is indexed; then indexed."""
        return self.decide_many([(article_id, content_hash, signature)])[0]

    def decide_many(
        self, articles: Sequence[tuple[str, str, Signature]]
    ) -> list[Decision]:
        """`decide` for each (article_id, content_hash, signature), in order, in
        one round trip. The decisions and Redis's clock run as one transaction,
        so their times order every worker's decisions as Redis took them (a
        rebuild replays them in that order)."""
        if not articles:
            return []
        pipe = self.redis.pipeline(transaction=True)
        for article_id, content_hash, signature in articles:
            self._call(article_id, content_hash, signature, pipe)
        pipe.time()
        *results, (seconds, micros) = pipe.execute()
        clock = datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=micros)
        return [
            Decision(
                original_id=bytes(orig).hex(),
                dup_kind=KIND[bytes(kind)],
                similarity=int(pct) / 100,
                known=bool(known),
                decided_at=clock + timedelta(microseconds=i),  # in the batch's order
            )
            for i, (kind, orig, pct, known) in enumerate(results)
        ]

    def _call(
        self, article_id: str, content_hash: str, signature: Signature, pipe: Any
    ) -> None:
        me = bytes.fromhex(article_id)
        content = bytes.fromhex(content_hash)[:8]
        band_keys = [
            keys.DEDUPE_BAND.format(b, int.from_bytes(f[:2], "big") % BUCKETS)
            for b, f in enumerate(signature.bands)
        ]
        self._decide(
            keys=[
                keys.DEDUPE_CONTENT.format(
                    int.from_bytes(content[:2], "big") % CONTENT_BUCKETS
                ),
                keys.DEDUPE_ARTICLE.format(article_id[:16]),
                *band_keys,
            ],
            args=[
                me,
                content,
                signature.values,
                self.threshold,
                keys.DEDUPE_ARTICLE.format(""),
                *signature.bands,
            ],
            client=pipe,
        )

    def older_layout(self) -> bool:
        """Whether the index holds band buckets of the layout before this one:
        copies of the articles it indexed are not found until a rebuild."""
        probes = [keys.DEDUPE_BAND_256.format(0, b) for b in range(64)]
        return bool(self.redis.exists(*probes))

    def clear(self) -> int:
        """Delete the whole index (before a rebuild); returns keys deleted."""
        deleted = 0
        for batch in _batches(self.redis.scan_iter(match=keys.DEDUPE_ALL, count=1000)):
            deleted += self.redis.delete(*batch)
        return deleted


def rebuild(index: DedupeIndex, store: Any) -> dict[str, Any]:
    """Re-create the index from stored signatures, first stored first, and report
    where a decision taken now differs from the stored one."""
    deleted = index.clear()
    records = {r["article_id"]: r for r in store.iter_records()}
    count, differences = 0, []
    for article_id, content_hash, minhash in store.iter_signatures():
        values = bytes.fromhex(minhash)
        signature = Signature(values[:PERMUTATIONS], _bands_of(values))
        decision = index.decide(article_id, content_hash, signature)
        count += 1
        stored = records.get(article_id, {}).get("cluster_id") or article_id
        if decision.original_id != stored:
            differences.append((article_id, stored, decision.original_id))
    return {
        "articles": count,
        "deleted": deleted,
        "changed": len(differences),
        "differences": differences,
    }


def _bands_of(values: bytes) -> tuple[bytes, ...]:
    return tuple(
        values[PERMUTATIONS + 4 * b : PERMUTATIONS + 4 * (b + 1)] for b in range(BANDS)
    )


def _batches(items: Any, size: int = 500) -> Any:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
