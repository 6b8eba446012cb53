"""Where ``lucidnet tune``'s fits run, and the bar that counts them.

Local processes through joblib (its loky backend), or a dask cluster through
joblib's dask backend: the same ``Parallel`` call either way, so the fits and
their results do not depend on where they ran. ``local:N`` starts a cluster
for this search only and closes it at the end, on an error or a Ctrl-C too.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys

from .data_files import DataError, plural

CONNECT_TIMEOUT = 5  # seconds: a scheduler that does not answer by then is not there
DASK_HINT = "pip install 'lucidnet[dask]'"
LOCAL_CLUSTER = re.compile(r"local:(\d+)")


def cluster_address(text):
    """argparse's type for ``--cluster``: ``local:N`` or a scheduler's address."""
    import argparse

    match = LOCAL_CLUSTER.fullmatch(text)
    if (match and int(match.group(1)) >= 1) or (not match and "://" in text):
        return text
    raise argparse.ArgumentTypeError(
        f"expected local:N (N worker processes started here) or a dask scheduler's address "
        f"like tcp://host:8786, got {text!r}"
    )


@contextlib.contextmanager
def fit_workers(jobs, cluster):
    """Yields ``(n_jobs, where)``: joblib's ``n_jobs`` for the fits, and the
    words saying where they run; with ``cluster``, joblib's backend is dask."""
    if cluster is None:
        yield jobs, plural(jobs, "local process", "local processes")
        return
    try:
        import distributed
        from joblib import parallel_config
    except ImportError:
        raise DataError(f"--cluster needs dask's distributed scheduler: {DASK_HINT}") from None
    with contextlib.ExitStack() as stack:
        match = LOCAL_CLUSTER.fullmatch(cluster)
        if match:
            n = int(match.group(1))
            local = distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=logging.ERROR,
            )  # fmt: skip
            stack.enter_context(local)
            stack.enter_context(distributed.Client(local))
            where = f"a local dask cluster of {plural(n, 'worker process', 'worker processes')}"
        else:
            client = stack.enter_context(_connect(distributed, cluster))
            n = len(client.scheduler_info().get("workers", {}))
            if not n:
                raise DataError(f"--cluster {cluster}: the scheduler has no workers to run fits")
            where = f"the dask cluster at {cluster} ({plural(n, 'worker')})"
        stack.enter_context(parallel_config(backend="dask"))
        yield -1, where


def _connect(distributed, address):
    try:
        return distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (ValueError, TypeError) as exc:  # an address dask cannot read
        raise DataError(f"--cluster {address}: {' '.join(str(exc).split())}") from None
    except OSError:  # refused, or no answer: dask tries until the timeout either way
        raise DataError(
            f"--cluster {address}: no dask scheduler answered within {CONNECT_TIMEOUT} s; "
            f"start one with 'dask scheduler' and workers with 'dask worker {address}', or "
            "use --cluster local:N"
        ) from None


def run_fits(fit, tasks, n_jobs, progress) -> list:
    """``fit(*task)`` for every task, in any order as they finish (the bar
    moves with each; ``fit`` returns what identifies its task)."""
    from joblib import Parallel, delayed
    from tqdm import tqdm

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    results = []
    with tqdm(total=len(tasks), unit="fit", file=sys.stderr, disable=not progress) as bar:
        for result in parallel(delayed(fit)(*task) for task in tasks):
            results.append(result)
            bar.update()
    return results
