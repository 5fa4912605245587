"""Draw docs/figures/cyclegan.png, the user guide's picture of the model.

A picture rather than a Mermaid block, so the docs show it offline (Mermaid is
rendered by JavaScript from a CDN).  Run from the repository root::

    python docs/figures/make_cyclegan_diagram.py
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

OUT = Path(__file__).with_name("cyclegan.png")
DATA, NET, ROWS, LOSS = "#dbe9f6", "#fde2c8", "#e3f1dc", "#555555"


def box(ax, xy, text, color, width=1.9, height=0.6, round_=0.15):
    x, y = xy
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle=f"round,pad=0.02,rounding_size={round_}",
            facecolor=color,
            edgecolor="#333333",
            linewidth=1,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=9)


def arrow(ax, start, end, dashed=False):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": LOSS if dashed else "#333333",
            "linestyle": "--" if dashed else "-",
            "shrinkA": 2,
            "shrinkB": 2,
        },
    )


def main():
    fig, ax = plt.subplots(figsize=(10, 5.2))
    ax.set_xlim(0, 12.6)
    ax.set_ylim(-1.1, 5.0)
    ax.axis("off")
    source = (1.2, 2.2)
    box(ax, source, "unlabelled\nsource S", DATA, width=1.8, height=1.0)
    rows = [(4.0, "1"), (2.2, "2"), (0.4, "N")]
    for y, k in rows:
        g, synthetic = (3.6, y), (6.0, y)
        discriminator, real = (8.7, y), (11.3, y)
        box(ax, g, f"generator G$_{k}$", NET, width=1.6)
        box(ax, synthetic, f"synthetic\nclass {k}", DATA, width=1.6, height=0.8)
        box(ax, discriminator, f"D$_{k}$: real\nclass {k}?", NET, width=1.7, height=0.8)
        box(ax, real, f"real rows of\nclass {k}", ROWS, width=1.7, height=0.8)
        arrow(ax, (source[0] + 0.9, source[1]), (g[0] - 0.8, y))
        arrow(ax, (g[0] + 0.8, y), (synthetic[0] - 0.8, y))
        arrow(ax, (synthetic[0] + 0.8, y), (discriminator[0] - 0.85, y))
        arrow(ax, (real[0] - 0.85, y), (discriminator[0] + 0.85, y))
    ax.text(3.6, 1.3, "⋮", ha="center", fontsize=14)
    # Class 1's way back: F_1 and the cycle loss.
    box(ax, (3.6, 4.75), "inverse F$_1$", NET, width=1.4, height=0.45)
    arrow(ax, (6.0, 4.4), (4.3, 4.75))
    arrow(ax, (2.9, 4.75), (1.2, 2.75), dashed=True)
    ax.text(1.05, 3.9, "cycle loss\nF$_1$(G$_1$(s)) ≈ s", ha="center", fontsize=8)
    # The classifier sees every class's synthetic rows.
    ax.add_patch(
        FancyBboxPatch(
            (5.0, -0.1),
            2.0,
            4.6,
            boxstyle="round,pad=0.02,rounding_size=0.2",
            facecolor="none",
            edgecolor=LOSS,
            linestyle="--",
        )
    )
    box(
        ax,
        (6.0, -0.75),
        "shared classifier C (loss λ$_{cls}$)",
        NET,
        width=3.4,
        height=0.5,
    )
    arrow(ax, (6.0, -0.1), (6.0, -0.5))
    fig.tight_layout()
    fig.savefig(OUT, dpi=110)
    print(OUT)


if __name__ == "__main__":
    main()
