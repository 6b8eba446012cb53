"""A real dask cluster for the tests of this folder: two worker processes.

Processes, not threads, so that every estimator really travels to a worker and
back (pickled) as it would on a cluster of machines; one thread each, so that
the two shared cores are not oversubscribed. Started once per test module:
starting one takes a few seconds.
"""

import pytest
from distributed import Client, LocalCluster


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
