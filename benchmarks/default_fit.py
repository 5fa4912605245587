"""Time one default fit with a source on a nEMO leave-one-speaker-out fold.

Issue 22's bar: ``CycleGANOversampler(source=film)`` with its defaults
(``mode="auto"``: three inner folds choose between interpolation and the
film's selected rows) fits a nEMO training fold in under 30 s on one thread::

    OMP_NUM_THREADS=1 python -m benchmarks.default_fit --fold 0 --seed 0

The training fold is nEMO's four classes without the test speaker, each class
subsampled to issue 22's imbalanced profile (neutral 100 %, happy 50 %,
anger 25 %, sad 15 %, seeded by seed and fold), as ``source_study`` does; the
speakers are passed as ``groups`` so that the inner folds split by speaker.
"""

import argparse
import time

import numpy as np
import pandas as pd

from ._paper_data import DATA, EMOTIONS

# Share of each class kept in a nEMO training fold (issue 22's profile).
PROFILE = {"neutral": 1.0, "happy": 0.5, "anger": 0.25, "sad": 0.15}
META = ["file", "speaker", "gender", "label"]


def training_fold(fold, seed):
    """``(X, y, speakers, source)`` of one subsampled nEMO training fold."""
    frame = pd.read_csv(DATA / "nemo_is09.csv.gz")
    frame = frame[frame["label"].isin(EMOTIONS)].reset_index(drop=True)
    columns = [c for c in frame.columns if c not in META]
    speakers = frame["speaker"].astype(str).to_numpy()
    train = frame[speakers != np.unique(speakers)[fold]]
    rng = np.random.default_rng([seed, fold])
    keep = np.sort(
        np.concatenate(
            [
                rng.choice(idx, int(round(share * len(idx))), replace=False)
                for c, share in PROFILE.items()
                for idx in [np.flatnonzero(train["label"].to_numpy() == c)]
            ]
        )
    )
    train = train.iloc[keep]
    source = pd.read_csv(DATA / "cartoons_source_is09.csv.gz")[columns]
    return (
        train[columns].to_numpy(float),
        train["label"].to_numpy(dtype=object),
        train["speaker"].astype(str).to_numpy(),
        source.to_numpy(float),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from sklearn_cyclegan import CycleGANOversampler

    X, y, speakers, source = training_fold(args.fold, args.seed)
    sampler = CycleGANOversampler(
        source=source, random_state=args.seed, device="cpu", n_threads=1
    )
    start = time.perf_counter()
    sampler.fit_resample(X, y, groups=speakers)
    seconds = time.perf_counter() - start
    counts = dict(zip(*np.unique(y, return_counts=True)))
    print(f"training rows per class: {counts}; source rows: {len(source)}")
    print(f"mode_: {sampler.mode_}; inner UAR %: {sampler.summary_['inner_uar']}")
    print(f"fit_resample: {seconds:.1f} s")


if __name__ == "__main__":
    main()
