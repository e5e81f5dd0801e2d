"""Time item analysis on 10,000 synthetic attempts of a 30-question quiz.

The responses come from a simple ability model (seeded): ability ~ N(0, 1), item difficulties
spread over [-2, 2], P(correct) = logistic(ability - difficulty). Items 0-11 are 4-option single
choice (a wrong answer picks a distractor, one of them rarely), 12-17 true/false, 18-23 partial
credit (two half-credit steps), 24-29 short answer. Only `analyse` is timed, not building the
responses.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from course.analytics import ItemInfo, ItemResponse, analyse

ATTEMPTS = 10_000
ITEMS = 30


def make_responses(
    attempts: int = ATTEMPTS, draw: int | None = None, seed: int = 7
) -> tuple[list[ItemResponse], dict[str, ItemInfo]]:
    """Responses of `attempts` attempts to all 30 items, or to `draw` of them picked at random per attempt."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(0.0, 1.0, attempts)
    difficulty = np.linspace(-2.0, 2.0, ITEMS)
    rng.shuffle(difficulty)
    p = 1.0 / (1.0 + np.exp(-(ability[:, None] - difficulty[None, :])))
    correct = rng.random((attempts, ITEMS)) < p
    half_steps = (rng.random((attempts, ITEMS)) < p).astype(float) * 0.5 + correct * 0.5
    keys = rng.integers(0, 4, ITEMS)
    distractor = rng.choice(3, size=(attempts, ITEMS), p=[0.6, 0.38, 0.02])
    tf_keys = rng.integers(0, 2, ITEMS)
    if draw is None:
        drawn = np.broadcast_to(np.arange(ITEMS), (attempts, ITEMS))
    else:
        drawn = np.argsort(rng.random((attempts, ITEMS)), axis=1)[:, :draw]

    info = {}
    for j in range(ITEMS):
        item_id = f"q{j:02d}"
        if j < 12:
            info[item_id] = ItemInfo(item_id, 4, frozenset({int(keys[j])}))
        elif j < 18:
            info[item_id] = ItemInfo(item_id, 2, frozenset({int(tf_keys[j])}))
        else:
            info[item_id] = ItemInfo(item_id)
    responses = []
    for a in range(attempts):
        for j in drawn[a].tolist():
            item_id = f"q{j:02d}"
            right = bool(correct[a, j])
            if j < 12:
                wrong = [o for o in range(4) if o != keys[j]]
                pick = int(keys[j]) if right else wrong[distractor[a, j]]
                responses.append(ItemResponse(a, item_id, float(right), (pick,)))
            elif j < 18:
                pick = int(tf_keys[j]) if right else 1 - int(tf_keys[j])
                responses.append(ItemResponse(a, item_id, float(right), (pick,)))
            elif j < 24:
                responses.append(ItemResponse(a, item_id, float(half_steps[a, j])))
            else:
                responses.append(ItemResponse(a, item_id, float(right)))
    return responses, info


def run(repeats: int = 3, draw: int | None = None) -> dict[str, float]:
    """Median seconds to analyse 10,000 attempts of the fixed 30-item form (or random draws of `draw`)."""
    responses, info = make_responses(draw=draw)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        stats = analyse(responses, info)
        times.append(time.perf_counter() - start)
    if stats.n_attempts != ATTEMPTS or stats.alpha is None:
        raise SystemExit(f"unexpected analysis: {stats.n_attempts} attempts, alpha {stats.alpha}")
    return {"item_analysis_10k_seconds": round(statistics.median(times), 3), "item_analysis_10k_attempts": ATTEMPTS}


if __name__ == "__main__":
    print(run())
