"""One translating fit, as every checkpoint benchmark runs it.

The checkpoint benchmarks time, kill and resume the CycleGANs' training, so
each fit asks for ``mode="translate"``: the default with a source may choose
rows that train no network, and nothing would be saved.
"""

from sklearn_cyclegan import CycleGANOversampler


def translated_rows(X, y, source, params, callbacks=None, seed=0):
    """``fit_resample``'s rows of a translating fit with ``params``."""
    sampler = CycleGANOversampler(
        mode="translate",
        source=source,
        random_state=seed,
        callbacks=callbacks,
        **params,
    )
    return sampler.fit_resample(X, y)[0]
