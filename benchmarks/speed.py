"""Speed and memory of the CycleGAN oversampler, against the machine's limit.

One command, one run, every number measured in that run::

    python -m benchmarks.speed [--quick] [--device cpu|cuda] [--markdown FILE]

1. fp32 matmul peak (GFLOP/s) on the shapes the networks multiply;
2. time per joint training iteration at the paper's scale (1582 features,
   four classes, generators 1000-500-1000, discriminators 1000-1000, batch 64)
   for :class:`CycleGANNet.train_step` and for the per-class loop of
   ``benchmarks/reference.py``, and both as a fraction of the peak;
3. generation throughput (rows/s) of ``CycleGANNet.transfer`` and of the
   public ``sample`` at the paper's scale;
4. wall time of a default ``fit_resample`` on EmoDB IS09 (four classes,
   TESS as source) beside SMOTE and CTGAN on the same data;
5. peak resident memory of a fit whose source is a 200,000 x 1582 float32
   ``numpy.memmap``, measured in a fresh process;
6. per-epoch cost of a small ("fast" preset) fit on EmoDB: skorch's loop
   against bare train steps and the matmul time at peak;
7. one default fit alone and two at once, for ``n_threads="auto"`` and None;
8. a default fit on EmoDB (TESS source) per phase against the matmul peak
   measured at its own shapes, and a profile of its joint epochs;
9. wall time of leave-one-speaker-out cross-validation on EmoDB with
   ``n_jobs=1`` and 2, for ``n_threads="auto"`` and None.

FLOPs are counted analytically (matmuls only, 2 per multiply-add) for what the
trainer computes: no input gradient for rows that need none, and no
discriminator weight gradient in generator steps (the trainer freezes them);
``benchmarks._flops`` holds that model.  Timings interleave the contenders
round by round, so a busy machine slows them alike; the tables give the median
and the best round.  The sections live in ``benchmarks._speed_sections``; the
measurements in ``benchmarks._speed_fits`` (in this process) and
``benchmarks._speed_children`` (in fresh processes).
"""

import argparse
import sys
import time
from pathlib import Path

import torch

from ._speed_children import contention_child, loso_child, memmap_child
from ._speed_sections import SECTIONS, Run, applies, machine, peak_section

CHILDREN = {
    "memmap_child": memmap_child,
    "contention_child": contention_child,
    "loso_child": loso_child,
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer rounds, shorter fits, a 20,000-row memmap",
    )
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=list(SECTIONS),
        help="leave out sections 2, 3, 4, 5, 6, 7, 8 or 9",
    )
    parser.add_argument("--memmap-child", help=argparse.SUPPRESS)
    parser.add_argument("--contention-child", help=argparse.SUPPRESS)
    parser.add_argument("--loso-child", help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device is available")
    return args


class Report:
    """The Markdown report: printed section by section, and kept in a file.

    The file is rewritten after every section, so an interrupted run keeps
    the tables it finished.
    """

    def __init__(self, heading, path=None):
        self.lines, self.path = [heading, ""], path
        print(heading, flush=True)

    def show(self, title, text):
        self.lines.extend([f"### {title}", "", text, ""])
        print(f"\n### {title}\n\n{text}", flush=True)
        if self.path:
            Path(self.path).write_text("\n".join(self.lines))


def main(argv=None):
    args = parse_args(argv)
    for name, child in CHILDREN.items():
        if getattr(args, name):  # a fresh process started by a section
            return child(getattr(args, name), args.epochs)
    command = " ".join(sys.argv[1:] if argv is None else argv)
    report = Report(
        f"Machine: {machine(args.device)}; device `{args.device}`; "
        f"`python -m benchmarks.speed {command}`; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        args.markdown,
    )
    title, text, run = peak_section(Run(args.device, args.quick))
    report.show(title, text)
    for name, (section, _) in SECTIONS.items():
        if name not in args.skip and applies(name, run):
            report.show(*section(run))
    return None


if __name__ == "__main__":
    main()
