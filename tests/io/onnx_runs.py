"""Running an exported graph in onnxruntime and comparing it with lucidnet."""

import numpy as np

RTOL = {np.float32: 1e-5, np.float64: 1e-12}


def run(exported, *inputs, names=None):
    """The outputs ``names`` (None: every one) of ``exported`` (a ModelProto),
    by onnxruntime, on ``inputs`` in the order of the graph's inputs."""
    import onnxruntime

    session = onnxruntime.InferenceSession(
        exported.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    feeds = {spec.name: value for spec, value in zip(session.get_inputs(), inputs)}
    return session.run(names, feeds)


def assert_close(actual, expected, dtype):
    """Equal shapes, and values within a relative RTOL of the output's largest
    magnitude (a value that crosses zero has no relative error of its own)."""
    assert actual.shape == expected.shape
    rtol = RTOL[dtype]
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * np.abs(expected).max())
