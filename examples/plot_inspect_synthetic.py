"""Inspecting synthetic rows: distributions, PCA of real against synthetic.

Before trusting synthetic rows, look at them: do the per-feature distributions
of each class resemble the real ones, and do synthetic rows land where the real
rows of their class do?  Writes ``inspect_synthetic.png`` into
``$SKLEARN_CYCLEGAN_EXAMPLE_OUT``, or else a ``sklearn-cyclegan-examples``
folder in the system's temporary directory, never the current folder.
"""

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write a file; no window needed
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import load_wine  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sklearn_cyclegan import CycleGANOversampler  # noqa: E402

QUICK = (
    {"pretrain_epochs": 2, "max_epochs": 2}
    if os.environ.get("SKLEARN_CYCLEGAN_QUICK")
    else {}
)
OUT = Path(
    os.environ.get("SKLEARN_CYCLEGAN_EXAMPLE_OUT")
    or Path(tempfile.gettempdir()) / "sklearn-cyclegan-examples"
)
OUT.mkdir(parents=True, exist_ok=True)

X, y = load_wine(return_X_y=True, as_frame=True)
sampler = CycleGANOversampler(random_state=0, **QUICK)
sampler.fit_resample(
    X, y
)  # trains the networks (imbalanced-learn's fit() only validates)
# sample() then draws synthetic rows only: here 100 per class.
X_syn, y_syn = sampler.sample(100)

fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
feature = "proline"
for k, colour in zip(sampler.classes_, ["C0", "C1", "C2"]):
    axes[0].hist(
        X.loc[y == k, feature],
        bins=15,
        alpha=0.4,
        color=colour,
        density=True,
        label=f"class {k} real",
    )
    axes[0].hist(
        X_syn.loc[y_syn == k, feature],
        bins=15,
        histtype="step",
        color=colour,
        density=True,
        linewidth=2,
        label=f"class {k} synthetic",
    )
axes[0].set(title=f"{feature}: real (filled) vs synthetic (line)", xlabel=feature)
axes[0].legend(fontsize=7)

# Per-feature means in standard units: synthetic against real, per class.
scaler = StandardScaler().fit(X)
for k, colour in zip(sampler.classes_, ["C0", "C1", "C2"]):
    real = scaler.transform(X[y == k]).mean(axis=0)
    syn = scaler.transform(X_syn[y_syn == k]).mean(axis=0)
    axes[1].scatter(real, syn, color=colour, label=f"class {k}")
axes[1].axline((0, 0), slope=1, color="grey", linestyle=":")
axes[1].set(title="feature means (z-units)", xlabel="real", ylabel="synthetic")
axes[1].legend()

pca = PCA(2).fit(scaler.transform(X))
real_2d, syn_2d = (
    pca.transform(scaler.transform(X)),
    pca.transform(scaler.transform(X_syn)),
)
for k, colour in zip(sampler.classes_, ["C0", "C1", "C2"]):
    axes[2].scatter(
        *real_2d[y == k].T, color=colour, marker="o", s=18, label=f"class {k} real"
    )
    axes[2].scatter(
        *syn_2d[y_syn == k].T,
        color=colour,
        marker="x",
        s=14,
        alpha=0.6,
        label=f"class {k} synthetic",
    )
axes[2].set(title="PCA of the real rows", xlabel="PC 1", ylabel="PC 2")
axes[2].legend(fontsize=7)

fig.tight_layout()
path = OUT / "inspect_synthetic.png"
fig.savefig(path, dpi=100)
print(f"wrote {path}")
