"""The CyCADA-style benchmark: frozen classifier, label-keeping term, pl-test."""

import numpy as np
import pytest
import torch
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from benchmarks import cycada
from benchmarks.source_study import Fold, classifier

TINY = {
    "pretrain_epochs": 20,
    "max_epochs": 150,
    "module__generator_hidden": (32,),
    "module__discriminator_hidden": (32,),
    "module__classifier_hidden": (8,),
}


def corpora(n=(40, 30, 20, 12), shift=1.5, seed=0):
    """Four separable classes, and a shifted, rescaled "test corpus"."""
    rng = np.random.default_rng(seed)
    centres = 3 * rng.normal(size=(len(n), 6))
    X = np.vstack([c + rng.normal(size=(m, 6)) for c, m in zip(centres, n)])
    y = np.repeat(np.array(["a", "b", "c", "d"], dtype=object), n)
    X_test = 0.5 * (centres[rng.integers(len(n), size=60)] + rng.normal(size=(60, 6)))
    return X, y, X_test + shift


def test_frozen_classifier_reads_source_scaled_rows_as_the_mlp_reads_X():
    X, y, X_test = corpora()
    classes, y_encoded = np.unique(y, return_inverse=True)
    source_scaler = MinMaxScaler().fit(X_test)
    frozen = cycada.frozen_classifier(X, y_encoded, source_scaler, seed=0)
    scaler = StandardScaler().fit(X)
    mlp = classifier(0).fit(scaler.transform(X), y_encoded)
    rows = np.vstack([X, X_test])
    logits = frozen(torch.as_tensor(source_scaler.transform(rows), dtype=torch.float32))
    np.testing.assert_array_equal(
        logits.argmax(1).numpy(), mlp.predict(scaler.transform(rows))
    )
    assert not any(p.requires_grad for p in frozen.parameters())


def test_label_keeping_loss_adds_its_weighted_term_only_when_handed_rows():
    frozen = torch.nn.Linear(3, 2)
    loss = cycada.LabelKeepingLoss(frozen, lambda_keep=2.0)
    rng = torch.Generator().manual_seed(0)
    K, B = 2, 4
    args = [
        torch.randn(K, B, 1, generator=rng),
        torch.randn(K, B, 1, generator=rng),
        torch.randn(K, B, 3, generator=rng),
        torch.randn(K, B, 3, generator=rng),
        torch.randn(K, B, 3, generator=rng),
        torch.randn(K, B, 3, generator=rng),
        torch.randn(K * B, K, generator=rng),
    ]
    plain = loss.generators(*args)["loss"]
    translated = torch.randn(K, B, 3, generator=rng)
    loss.translated = lambda: translated
    keep = loss.keep_loss(translated)
    labels = torch.tensor([0] * B + [1] * B)
    expected = torch.nn.functional.cross_entropy(
        frozen(translated.reshape(-1, 3)), labels
    )
    assert keep.item() == pytest.approx(expected.item())
    assert loss.generators(*args)["loss"].item() == pytest.approx(
        plain.item() + 2.0 * keep.item()
    )


def test_translation_keeps_more_labels_with_the_term_and_fills_the_counts():
    X, y, X_test = corpora()
    counts = {"b": 10, "c": 20, "d": 28}
    kept = {}
    for lam in (1.0, 0.0):
        rows, labels, kept[lam], moved = cycada.translate(
            X, y, X_test, counts, 0, lam, TINY
        )
        assert moved.shape == X.shape
        assert rows.shape == (58, X.shape[1])
        assert {c: int(np.sum(labels == c)) for c in counts} == counts
        # Moved into the test corpus's style: nearer its mean than X's.
        assert abs(rows.mean() - X_test.mean()) < abs(rows.mean() - X.mean())
    assert kept[1.0] > kept[0.0]
    # The test corpus tells the real rows apart better than the translated ones.
    assert cycada.domain_auc(moved, X_test, 0) < cycada.domain_auc(X, X_test, 0)


def test_pl_test_shares_a_small_test_corpus_among_the_classes():
    X, y, X_test = corpora(n=(60, 20, 10, 8))
    fold = Fold(X, y, None, X_test[:30], None, X_test[:30], seed=0)
    rows, labels = cycada.pseudo_labelled(fold)
    assert {c: int(np.sum(labels == c)) for c in fold.counts} == fold.counts
    # 132 rows needed, 30 available: every minority class gets some of them,
    # each test row under one label only.
    aligned = {c: {r.tobytes() for r in rows[labels == c]} for c in fold.counts}
    assert all(aligned.values())
    union = set().union(*aligned.values())
    assert len(union) == sum(len(v) for v in aligned.values()) <= 30
