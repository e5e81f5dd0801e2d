"""Item analysis of quiz responses: how hard each question is, how well it separates stronger from
weaker attempts, and how reliable the quiz is as a whole.

In the spirit of Moodle's quiz statistics, with these choices:

* **Attempt score** is the mean of the attempt's item scores (0..1), so attempts that drew
  different numbers of items are comparable.
* **Facility** is an item's mean score, with a 95% interval: the Wilson score interval when every
  score on the item is 0 or 1, else mean ± 1.96·SE clipped to [0, 1] ((0, 1) when n = 1, as one
  partial-credit score says nothing about spread). `sd` is the sample SD (0.0 when n < 2).
* **Discrimination** is the corrected item-total correlation: Pearson r between the item score and
  the *rest score*, the attempt's mean over its other items. Only attempts with at least one other
  item take part (a lone item has no rest score). It is None when fewer than 3 attempts take part
  or either side has zero variance. Its 95% interval uses Fisher's z (needs more than 3 attempts;
  a perfect ±1 has the degenerate interval (r, r)).
* **Discriminative efficiency** is discrimination divided by the largest correlation the two sets
  of scores could reach: Pearson r between the item scores sorted ascending and the rest scores
  sorted ascending (Moodle's definition). An item whose correct answers go exactly to the attempts
  doing best on the rest of the quiz has efficiency 1, even when r itself is well below 1.
* **Reliability**: when every attempt has every item (a complete matrix), Cronbach's alpha,
  labelled "KR-20" when every score is 0 or 1 (the same formula). When attempts drew different
  items, standardised alpha k·r̄ / (1 + (k−1)·r̄): r̄ is the mean pairwise inter-item Pearson r over
  the attempts holding both items (pairs with fewer than 3 such attempts, or zero variance on
  either side, are skipped), k the mean number of items per attempt. Alpha is "not computable"
  (None) with fewer than 2 items or attempts, zero variance of attempt totals, no qualifying pair,
  or a standardised denominator ≤ 0. A negative alpha is reported as computed; the standard error
  of measurement sd·√(1−alpha) (attempt-score scale) is then None.
* Zero variance means a sum of squared deviations of at most `ZERO_SS` per observation (an SD
  below 10⁻⁶ on the 0..1 scale), so rounding noise never passes for a real spread.

Only items that appear in the responses are reported; `items` adds what the responses cannot say
(option count, keys). For an item with no `option_count`, the option count is inferred from the
largest option index picked. Malformed input raises ValueError: a score outside 0..1, the same
item twice in one attempt, or an option index outside the item's options.

The work is vectorised with numpy. Item figures are sums over the filled cells (one per response),
so a quiz drawn at random from a large bank costs what its responses cost, not attempts × bank
size; only reliability builds the dense attempts × items matrix, for its pairwise matrix products.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Any, TypeVar

import numpy as np

Z95 = 1.96
TOO_HARD = 0.2  # facility below this
TOO_EASY = 0.95  # facility above this
LOW_DISCRIMINATION = 0.2  # discrimination below this
SMALL_SAMPLE = 20  # n below this
ZERO_SS = 1e-12  # sum of squared deviations per observation at or below which variance counts as zero

KR20 = "KR-20"
CRONBACH = "Cronbach's alpha"
STANDARDISED = "standardised alpha (random draws)"
NOT_COMPUTABLE = "not computable"


@dataclass(frozen=True)
class ItemInfo:
    """What the analysis needs to know about one item (question)."""

    item_id: str
    option_count: int = 0  # choice questions: number of options (true/false: 2); 0 for other types
    keys: frozenset[int] = frozenset()  # indices of correct options (true/false: {0} if True else {1})

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", frozenset(self.keys))
        if self.option_count < 0:
            raise ValueError(f"item {self.item_id!r}: option_count must not be negative")
        if self.option_count and any(not 0 <= k < self.option_count for k in self.keys):
            raise ValueError(f"item {self.item_id!r}: a key is not one of its {self.option_count} options")


@dataclass(frozen=True)
class ItemResponse:
    """One learner's response to one item within one attempt."""

    attempt_id: int | str
    item_id: str
    score: float  # 0..1 (partial credit allowed)
    choices: tuple[int, ...] | None = None  # option indices picked; None for other types or unanswered


@dataclass(frozen=True)
class Responses:
    """Many item responses as parallel columns: what `analyse` reads, without an object per response.

    10,000 attempts of 20 questions are 200,000 responses; building a dataclass for each cost more
    than the whole analysis. `ItemResponse`s still go in through `Responses.of`.
    """

    attempt_ids: list[int | str]
    item_ids: list[str]
    scores: list[float]
    choices: list[tuple[int, ...] | None]

    @classmethod
    def of(cls, responses: Iterable[ItemResponse]) -> Responses:
        """The columns of a sequence of responses."""
        rows = list(responses)
        return cls([r.attempt_id for r in rows], [r.item_id for r in rows], [r.score for r in rows], [r.choices for r in rows])

    def __len__(self) -> int:
        return len(self.item_ids)

    def at(self, index: int) -> ItemResponse:
        """One response, for error messages."""
        return ItemResponse(self.attempt_ids[index], self.item_ids[index], self.scores[index], self.choices[index])


@dataclass(frozen=True)
class ItemStats:
    """The analysis of one item."""

    item_id: str
    n: int
    facility: float
    facility_ci: tuple[float, float]
    sd: float
    discrimination: float | None
    discrimination_ci: tuple[float, float] | None
    efficiency: float | None
    option_counts: tuple[int, ...] | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class TestStats:
    """The analysis of a whole quiz."""

    __test__ = False  # not a pytest test class, despite the name

    n_attempts: int
    n_items: int
    mean: float
    sd: float
    alpha: float | None
    alpha_method: str
    sem: float | None
    items: tuple[ItemStats, ...]


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (n ≥ 1)."""
    p = successes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def fisher_interval(r: float, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Fisher-z interval for a Pearson r from n pairs; None when n ≤ 3."""
    if n <= 3:
        return None
    if abs(r) >= 1.0:
        return r, r
    centre = math.atanh(r)
    half = z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


_K = TypeVar("_K", bound=Hashable)


def _indices(keys: list[_K]) -> tuple[list[_K], np.ndarray]:
    """The distinct keys in first-seen order, and each key's position among them."""
    distinct = list(dict.fromkeys(keys))
    position = {key: i for i, key in enumerate(distinct)}
    return distinct, np.fromiter(map(position.__getitem__, keys), dtype=np.intp, count=len(keys))


@dataclass(frozen=True)
class _Cells:
    """The responses as filled cells of the attempts × items matrix: row, column and score of each."""

    item_ids: list[str]  # sorted; column j is item_ids[j]
    n_attempts: int
    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray

    @cached_property
    def attempt_totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Per attempt (row): the sum of its scores and how many items it holds."""
        return np.bincount(self.rows, self.scores, self.n_attempts), np.bincount(self.rows, minlength=self.n_attempts)

    def dense(self) -> tuple[np.ndarray, np.ndarray]:
        """Scores and presence as attempts × items matrices (absent cells score 0)."""
        cells = self.rows * len(self.item_ids) + self.cols
        scores = np.zeros(self.n_attempts * len(self.item_ids))
        scores[cells] = self.scores
        present = np.zeros(self.n_attempts * len(self.item_ids), dtype=bool)
        present[cells] = True
        shape = (self.n_attempts, len(self.item_ids))
        return scores.reshape(shape), present.reshape(shape)


def _cells(responses: Responses) -> _Cells:
    """Each response's row (attempt) and column (item, sorted ids), checked: scores in 0..1, no item twice."""
    attempts, rows = _indices(responses.attempt_ids)
    seen_items, first_cols = _indices(responses.item_ids)
    scores = np.fromiter(responses.scores, dtype=np.float64, count=len(responses))
    in_range = (scores >= 0.0) & (scores <= 1.0)  # also False for NaN
    if not in_range.all():
        bad = responses.at(int(np.flatnonzero(~in_range)[0]))
        raise ValueError(f"score {bad.score!r} for item {bad.item_id!r} in attempt {bad.attempt_id!r} is not in 0..1")
    item_ids = sorted(seen_items)
    order = {item_id: i for i, item_id in enumerate(item_ids)}
    cols = np.array([order[item_id] for item_id in seen_items], dtype=np.intp)[first_cols]
    cell = rows * len(item_ids) + cols
    counts = np.bincount(cell, minlength=len(attempts) * len(item_ids))
    if counts.max(initial=0) > 1:
        bad = responses.at(int(np.flatnonzero(counts[cell] > 1)[0]))
        raise ValueError(f"item {bad.item_id!r} appears more than once in attempt {bad.attempt_id!r}")
    return _Cells(item_ids, len(attempts), rows, cols, scores)


def _per_item(cells: _Cells, values: np.ndarray | None = None) -> np.ndarray:
    """Per item (column): the sum of `values` over its cells, or with no values, how many cells it has."""
    return np.bincount(cells.cols, values, minlength=len(cells.item_ids))


def _option_counts(
    responses: Responses, cols: np.ndarray, item_ids: list[str], items: Mapping[str, ItemInfo]
) -> list[tuple[int, ...] | None]:
    """For each item, how many attempts picked each option (None for items without options)."""
    choices: list[Any] = responses.choices  # the picked ones (below) are tuples
    picked = np.flatnonzero(np.fromiter(map(bool, choices), dtype=bool, count=len(choices)))
    declared = np.array([items[i].option_count if i in items else 0 for i in item_ids], dtype=np.int64)
    if not len(picked):
        return [(0,) * int(c) if c else None for c in declared]
    chosen = [choices[i] for i in picked.tolist()]
    lengths = np.fromiter(map(len, chosen), dtype=np.intp, count=len(chosen))
    options = np.fromiter(chain.from_iterable(chosen), dtype=np.int64, count=int(lengths.sum()))
    which = np.repeat(picked, lengths)  # the response each pick belongs to
    item_of = cols[which]
    inferred = np.zeros(len(item_ids), dtype=np.int64)
    np.maximum.at(inferred, item_of, options + 1)
    width = np.where(declared > 0, declared, inferred)
    bad = (options < 0) | (options >= width[item_of])
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        r = responses.at(int(which[first]))
        raise ValueError(
            f"attempt {r.attempt_id!r} picked {r.choices!r} on item {r.item_id!r}, "
            f"which has options 0..{int(width[item_of[first]]) - 1}"
        )
    stride = int(width.max())
    if lengths.max() > 1:  # one count per attempt and option, even if a response lists an option twice
        codes = np.sort(which.astype(np.int64) * stride + options)
        keep = np.ones(len(codes), dtype=bool)
        keep[1:] = codes[1:] != codes[:-1]
        codes = codes[keep]
        item_of, options = cols[codes // stride], codes % stride
    per_item = np.bincount(item_of * stride + options, minlength=len(item_ids) * stride).reshape(len(item_ids), stride)
    return [tuple(int(c) for c in per_item[j, :w]) if w else None for j, w in enumerate(width)]


def _pearson_groups(
    group: np.ndarray, x: np.ndarray, y: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per group: count, means of x and y, centred sums of squares of x and y, and the cross product."""
    m = np.bincount(group, minlength=groups)
    safe = np.maximum(m, 1)
    mx = np.bincount(group, x, groups) / safe
    my = np.bincount(group, y, groups) / safe
    dx = x - mx[group]
    dy = y - my[group]
    return (
        m,
        mx,
        my,
        np.bincount(group, dx * dx, groups),
        np.bincount(group, dy * dy, groups),
        np.bincount(group, dx * dy, groups),
    )


def _discrimination(cells: _Cells) -> tuple[np.ndarray, list[float | None], list[float | None]]:
    """Per item: attempts with a rest score, the item-rest correlation and the discriminative efficiency.

    Computed on the filled cells only (a drawn quiz fills a small share of the matrix): sums by
    bincount, and the sorted pairs of the largest reachable r by one sort per side.
    """
    n_items = len(cells.item_ids)
    row_sum, row_count = cells.attempt_totals
    x, rows, cols = cells.scores, cells.rows, cells.cols
    valid = row_count[rows] > 1  # a lone item has no rest score
    if not valid.all():
        x, rows, cols = x[valid], rows[valid], cols[valid]
    rest = (row_sum[rows] - x) / (row_count[rows] - 1)
    m, mx, my, sxx, syy, sxy = _pearson_groups(cols, x, rest, n_items)
    defined = (m >= 3) & (sxx > ZERO_SS * m) & (syy > ZERO_SS * m)
    if not defined.any():
        return m, [None] * n_items, [None] * n_items
    # Largest reachable r: each item's scores and rest scores, both sorted ascending, paired in order.
    # Sorting item + value/2 sorts by item, then by value (values are in 0..1, so items never
    # overlap): one plain sort per side, a fraction of a two-key lexsort. Taking the item back off
    # leaves each value within two float steps of the item number (under 4e-12 for a bank of
    # 10,000 questions), far below any figure shown.
    item_of = np.repeat(np.arange(n_items), m)
    xs = (np.sort(cols + 0.5 * x) - item_of) * 2.0
    ys = (np.sort(cols + 0.5 * rest) - item_of) * 2.0
    sxy_max = np.bincount(item_of, (xs - mx[item_of]) * (ys - my[item_of]), n_items)
    discrimination: list[float | None] = []
    efficiency: list[float | None] = []
    for j in range(n_items):
        if not defined[j]:
            discrimination.append(None)
            efficiency.append(None)
            continue
        r = float(np.clip(sxy[j] / math.sqrt(sxx[j] * syy[j]), -1.0, 1.0))
        discrimination.append(r)
        # r / r_max; both share the denominator √(sxx·syy), and sxy_max > 0 when both vary.
        efficiency.append(float(np.clip(sxy[j] / sxy_max[j], -1.0, 1.0)) if sxy_max[j] > 0 else None)
    return m, discrimination, efficiency


def _reliability(cells: _Cells) -> tuple[float | None, str]:
    """Cronbach's alpha / KR-20 on a complete matrix, standardised alpha on random draws."""
    n_attempts, n_items = cells.n_attempts, len(cells.item_ids)
    if n_attempts < 2 or n_items < 2:
        return None, NOT_COMPUTABLE
    scores, present = cells.dense()  # the pairwise sums below are matrix products
    if present.all():
        totals = scores.sum(axis=1)
        total_var = totals.var(ddof=1)
        if total_var * (n_attempts - 1) <= ZERO_SS * n_attempts:
            return None, NOT_COMPUTABLE
        item_var = scores.var(axis=0, ddof=1).sum()
        alpha = n_items / (n_items - 1) * (1.0 - item_var / total_var)
        dichotomous = bool(np.all((scores == 0.0) | (scores == 1.0)))
        return float(alpha), KR20 if dichotomous else CRONBACH
    # Pairwise correlations over shared attempts, all pairs at once. Centring each column on its
    # mean first keeps the raw-moment formulas below free of cancellation.
    weights = present.astype(np.float64)
    counts = present.sum(axis=0)
    centred = np.where(present, scores - scores.sum(axis=0) / counts, 0.0)
    shared = weights.T @ weights  # [i, j]: attempts holding both i and j
    sums = centred.T @ weights  # [i, j]: sum of item i over those attempts
    squares = (centred * centred).T @ weights
    cross = centred.T @ centred
    safe = np.maximum(shared, 1.0)
    ss = squares - sums * sums / safe  # [i, j]: item i's sum of squares over attempts shared with j
    cov = cross - sums * sums.T / safe
    upper = np.triu(np.ones((n_items, n_items), dtype=bool), k=1)
    usable = upper & (shared >= 3) & (ss > ZERO_SS * shared) & (ss.T > ZERO_SS * shared)
    if not usable.any():
        return None, NOT_COMPUTABLE
    r = np.clip(cov[usable] / np.sqrt(ss[usable] * ss.T[usable]), -1.0, 1.0)
    mean_r = float(r.mean())
    k = float(present.sum(axis=1).mean())
    denominator = 1.0 + (k - 1.0) * mean_r
    if denominator <= 0.0:
        return None, NOT_COMPUTABLE
    return k * mean_r / denominator, STANDARDISED


def _flags(
    n: int, facility: float, discrimination: float | None, option_counts: tuple[int, ...] | None, keys: frozenset[int]
) -> tuple[str, ...]:
    flags = []
    if facility < TOO_HARD:
        flags.append("too hard")
    if facility > TOO_EASY:
        flags.append("too easy")
    if discrimination is not None and discrimination < LOW_DISCRIMINATION:
        flags.append("low discrimination")
    if n >= 1 and option_counts and keys and any(count == 0 and option not in keys for option, count in enumerate(option_counts)):
        flags.append("unused distractor")
    if n < SMALL_SAMPLE:
        flags.append("small sample")
    return tuple(flags)


def analyse(responses: Iterable[ItemResponse] | Responses, items: Mapping[str, ItemInfo] | None = None) -> TestStats:
    """Item and test statistics for a set of quiz responses (see the module docstring)."""
    responses = responses if isinstance(responses, Responses) else Responses.of(responses)
    items = items or {}
    if not responses:
        return TestStats(0, 0, 0.0, 0.0, None, NOT_COMPUTABLE, None, ())
    cells = _cells(responses)
    item_ids, x = cells.item_ids, cells.scores

    n = _per_item(cells)
    successes = _per_item(cells, x)
    facility = successes / n
    deviations = x - facility[cells.cols]
    item_ss = _per_item(cells, deviations * deviations)
    item_sd = np.where((n >= 2) & (item_ss > ZERO_SS * n), np.sqrt(item_ss / np.maximum(n - 1, 1)), 0.0)
    dichotomous = _per_item(cells, (x != 0.0) & (x != 1.0)) == 0
    pairs, discrimination, efficiency = _discrimination(cells)
    option_counts = _option_counts(responses, cells.cols, item_ids, items)

    stats = []
    for j, item_id in enumerate(item_ids):
        nj, fac, sd = int(n[j]), float(facility[j]), float(item_sd[j])
        if dichotomous[j]:
            ci = wilson_interval(int(round(successes[j])), nj)
        elif nj >= 2:
            half = Z95 * sd / math.sqrt(nj)
            ci = (max(0.0, fac - half), min(1.0, fac + half))
        else:
            ci = (0.0, 1.0)
        r = discrimination[j]
        info = items.get(item_id)
        stats.append(
            ItemStats(
                item_id=item_id,
                n=nj,
                facility=fac,
                facility_ci=ci,
                sd=sd,
                discrimination=r,
                discrimination_ci=fisher_interval(r, int(pairs[j])) if r is not None else None,
                efficiency=efficiency[j],
                option_counts=option_counts[j],
                flags=_flags(nj, fac, r, option_counts[j], info.keys if info else frozenset()),
            )
        )

    n_attempts = cells.n_attempts
    row_sum, row_count = cells.attempt_totals
    attempt_scores = row_sum / row_count
    mean = float(attempt_scores.mean())
    sd = float(attempt_scores.std(ddof=1)) if n_attempts >= 2 else 0.0
    alpha, method = _reliability(cells)
    sem = sd * math.sqrt(1.0 - alpha) if alpha is not None and alpha >= 0.0 else None
    return TestStats(n_attempts, len(item_ids), mean, sd, alpha, method, sem, tuple(stats))


def score_histogram(shares: Iterable[float], bins: int = 10) -> list[int]:
    """Count scores (0..1 shares of the marks) in equal-width bins; a full score falls in the last bin."""
    counts = [0] * bins
    for share in shares:
        counts[min(max(int(share * bins), 0), bins - 1)] += 1
    return counts
