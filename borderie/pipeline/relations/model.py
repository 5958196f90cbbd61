"""Multinomial logistic regression weights in a form that cannot run code (JSON + ``.npy``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse


class LinearModel:
    """Weights fitted by scikit-learn, applied with one sparse matrix product."""

    def __init__(self, features: list[str], classes: list[str], coef: np.ndarray, intercept: np.ndarray):
        self.features = features
        self.index = {f: k for k, f in enumerate(features)}
        self.classes = classes
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        if self.coef.ndim != 2 or self.coef.shape[1] != len(features):
            raise ValueError(f"coef has shape {self.coef.shape}, expected (n_classes, {len(features)})")

    def vectorize(self, rows: list[dict[str, float]]) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        get = self.index.get
        for row in rows:
            for name, value in row.items():
                k = get(name)
                if k is not None:
                    indices.append(k)
                    data.append(value)
            indptr.append(len(indices))
        return sparse.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), indptr), shape=(len(rows), len(self.features)))

    def proba(self, rows: list[dict[str, float]]) -> np.ndarray:
        """Class probabilities, one row per feature dict (columns in ``self.classes`` order)."""
        scores = np.asarray(self.vectorize(rows) @ self.coef.T, dtype=np.float32) + self.intercept
        if scores.shape[1] == 1:  # binary model: one column of logits for class 1
            p1 = 1 / (1 + np.exp(-scores[:, 0]))
            return np.stack([1 - p1, p1], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    @classmethod
    def from_sklearn(cls, vectorizer, clf) -> "LinearModel":
        return cls(list(vectorizer.get_feature_names_out()), [str(c) for c in clf.classes_], clf.coef_, clf.intercept_)

    def to_disk(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / "model.json").write_text(json.dumps({"features": self.features, "classes": self.classes}, ensure_ascii=False), encoding="utf-8")
        np.save(path / "coef.npy", self.coef, allow_pickle=False)
        np.save(path / "intercept.npy", self.intercept, allow_pickle=False)

    @classmethod
    def from_disk(cls, path: Path) -> "LinearModel":
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
        coef = np.load(path / "coef.npy", allow_pickle=False)
        intercept = np.load(path / "intercept.npy", allow_pickle=False)
        return cls(meta["features"], meta["classes"], coef, intercept)
