"""A grid search on a dask cluster, through joblib, gives the serial scores."""

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline
from joblib import parallel_backend
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_cyclegan import CycleGANOversampler

from .conftest import FAST

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def client():
    # One single-threaded worker inside this process keeps the test cheap (no
    # worker processes importing torch).  Real clusters need worker processes:
    # the sampler seeds torch's process-wide generator, which two fits running
    # as threads of one process would share (see the user guide).
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_grid_search_on_dask_matches_serial(imbalanced, client):
    X, y = imbalanced
    pipeline = make_pipeline(
        CycleGANOversampler(random_state=0, **FAST), LogisticRegression(max_iter=500)
    )
    search = GridSearchCV(
        pipeline,
        {"cycleganoversampler__lambda_cls": [0.0, 2.0]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        scoring="balanced_accuracy",
    )

    serial = clone(search).fit(X, y).cv_results_
    with parallel_backend("dask"):
        on_dask = clone(search).set_params(n_jobs=2).fit(X, y).cv_results_

    for split in ["split0_test_score", "split1_test_score"]:
        np.testing.assert_array_equal(on_dask[split], serial[split])
