"""Amounts of memory in words: one function, shared by every message that
names one (model files, training estimates, the command)."""

__all__ = ["byte_text"]


def byte_text(n_bytes: float) -> str:
    """Bytes in the unit that reads best: ``'1,000 bytes'``, ``'4.2 KiB'``, ``'3 GiB'``."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            if unit == "bytes":
                return f"{n_bytes:,.0f} bytes"
            return f"{n_bytes:,.1f}".removesuffix(".0") + f" {unit}"
        n_bytes /= 1024
