"""A figure of a quality report: per-class bars and real vs synthetic rows in 2-D."""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import check_random_state

from ._quality import METRICS, REPORT_COLUMNS, check_quality_rows

__all__ = ["plot_quality"]

# Where an ideal generator lands, drawn as a dashed line on its panel.
IDEAL = {
    "wasserstein": 0.0,
    "ks": 0.0,
    "detection_auc": 0.5,
    "diversity": 1.0,
    "memorisation": 0.5,
}
TITLES = {
    "wasserstein": "Wasserstein (0 ideal)",
    "ks": "KS statistic (0 ideal)",
    "detection_auc": "detection AUC (0.5 ideal)",
    "class_consistency": "class consistency (ticks: real rows)",
    "diversity": "diversity (1 ideal)",
    "memorisation": "memorisation (0.5 = fresh draws)",
    "tstr": "TSTR recall (higher better)",
}
# real_consistency is the reference drawn on the class_consistency panel.
PANELS = [m for m in METRICS if m != "real_consistency"]
COLUMNS = 4
#: Points per side in the PCA panel; more only blur it.
MAX_POINTS = 2000


def plot_quality(
    report,
    X_real=None,
    y_real=None,
    X_synthetic=None,
    y_synthetic=None,
    *,
    random_state=None,
):
    """Draw a quality report: one bar per class for each measure, and a 2-D PCA.

    Needs matplotlib (``pip install matplotlib``).

    Parameters
    ----------
    report : DataFrame
        The output of ``quality_report``.

    X_real : array-like of shape (n_real, n_features), default=None
        The real rows the report was made from.  With the three below, a
        last panel shows the rows on the first two principal components of
        the real rows (min-max scaled as in the report): real rows as dots,
        synthetic rows as crosses, one colour per class; at most 2000 rows
        of each.

    y_real : array-like of shape (n_real,), default=None
        Their labels.

    X_synthetic : array-like of shape (n_synthetic, n_features), default=None
        The synthetic rows the report was made from.

    y_synthetic : array-like of shape (n_synthetic,), default=None
        Their labels.

    random_state : int, RandomState instance or None, default=None
        Picks the rows shown when there are more than 2000.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Seven bar panels (the ``"all"`` row is left out; a class without a
        value is marked "n/a"), a dashed line at the ideal value, on the
        class consistency panel a black tick at each class's
        ``real_consistency``, and the PCA panel when the rows are given.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from imblearn.over_sampling import SMOTE
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_cyclegan import plot_quality, quality_report
    >>> X, y = make_classification(n_samples=200, n_features=4, weights=[0.8],
    ...                            random_state=0)
    >>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    >>> X_syn, y_syn = X_res[len(X):], y_res[len(X):]
    >>> report = quality_report(X, y, X_syn, y_syn, random_state=0)
    >>> fig = plot_quality(report, X, y, X_syn, y_syn)
    >>> len(fig.axes)
    8
    """
    plt = _pyplot()
    missing = [c for c in REPORT_COLUMNS if c not in getattr(report, "columns", ())]
    if missing:
        raise ValueError(
            f"report lacks column(s) {missing}; pass the DataFrame quality_report "
            "returns."
        )
    rows = (X_real, y_real, X_synthetic, y_synthetic)
    given = [r is not None for r in rows]
    if any(given) and not all(given):
        raise ValueError(
            "Pass all of X_real, y_real, X_synthetic and y_synthetic, or none."
        )
    classes = report[report["class"].astype(str) != "all"]
    fig = plt.figure(figsize=(18 if all(given) else 14, 5.5), layout="constrained")
    grid = fig.add_gridspec(2, COLUMNS + 2 * all(given))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    names = classes["class"].astype(str).tolist()
    for k, metric in enumerate(PANELS):
        ax = fig.add_subplot(grid[k // COLUMNS, k % COLUMNS])
        values = classes[metric].to_numpy(dtype=float)
        positions = np.arange(len(names))
        ax.bar(
            positions,
            np.nan_to_num(values),
            color=[colours[i % len(colours)] for i in range(len(names))],
        )
        ax.set_xticks(positions, names)
        for x in positions[np.isnan(values)]:
            # A class the measure could not judge: say so rather than show 0.
            ax.text(x, 0, "n/a", ha="center", va="bottom", fontsize="small")
        if metric in IDEAL:
            ax.axhline(IDEAL[metric], color="black", linestyle="--", linewidth=1)
        if metric == "class_consistency":
            reference = classes["real_consistency"].to_numpy(dtype=float)
            ax.scatter(positions, reference, marker="_", s=400, color="black")
        ax.set_title(TITLES[metric], fontsize="medium")
        ax.tick_params(axis="x", labelrotation=45 if len(names) > 4 else 0)
    if all(given):
        _plot_pca(fig.add_subplot(grid[:, COLUMNS:]), *rows, colours, random_state)
    return fig


def _plot_pca(ax, X_real, y_real, X_synthetic, y_synthetic, colours, random_state):
    X_real, y_real, X_synthetic, y_synthetic = check_quality_rows(
        X_real, y_real, X_synthetic, y_synthetic
    )
    scaler = MinMaxScaler().fit(X_real)
    real = scaler.transform(X_real)
    pca = PCA(n_components=min(2, *real.shape), random_state=0).fit(real)
    rng = check_random_state(random_state)
    for k, label in enumerate(np.unique(y_real)):
        colour = colours[k % len(colours)]
        for rows, labels, marker, kind in (
            (real, y_real, "o", "real"),
            (X_synthetic * scaler.scale_ + scaler.min_, y_synthetic, "x", "synthetic"),
        ):
            points = rows[labels == label]
            if not len(points):
                continue
            if len(points) > MAX_POINTS:
                points = points[rng.choice(len(points), MAX_POINTS, replace=False)]
            points = pca.transform(points)
            ax.scatter(
                points[:, 0],
                points[:, -1],
                s=12,
                marker=marker,
                color=colour,
                alpha=0.5 if kind == "real" else 0.8,
                label=f"{label} {kind}",
            )
    share = pca.explained_variance_ratio_
    ax.set_xlabel(f"PC 1 ({share[0]:.0%} of the real rows' variance)")
    ax.set_ylabel(f"PC 2 ({share[-1]:.0%})")
    ax.set_title("real (dots) and synthetic (crosses) rows", fontsize="medium")
    ax.legend(fontsize="small", markerscale=1.5)


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "plot_quality needs matplotlib, which is not installed: "
            "pip install matplotlib"
        ) from exc
    return plt
