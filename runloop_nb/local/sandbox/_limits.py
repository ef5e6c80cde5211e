"""``launch_parameters`` -> ``Limits`` (runloop-api §9.3 resource sizes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runloop_nb.local.sandbox._base import Limits

#: (cpu cores, memory GiB, disk GiB) of each named size, as documented by Runloop.
RESOURCE_SIZES: dict[str, tuple[float, int, int]] = {
    "X_SMALL": (0.5, 1, 4),
    "SMALL": (1, 2, 4),
    "MEDIUM": (2, 4, 8),
    "LARGE": (2, 8, 16),
    "X_LARGE": (4, 16, 16),
    "XX_LARGE": (8, 32, 16),
}
_CUSTOM_FIELDS = ("custom_cpu_cores", "custom_gb_memory", "custom_disk_size")
_DEFAULT_SIZE = "MEDIUM"
_MAX_FILE_MB = 1024


def limits_from_launch_parameters(lp: Mapping[str, Any] | None) -> Limits:
    """The devbox limits for ``launch_parameters`` (None or no size: MEDIUM, 2 cpu/4 GiB/8 GiB).

    Raises:
        ValueError: an unknown size, or custom values Runloop would reject (the message says
            which values are allowed).
    """
    lp = lp or {}
    size = lp.get("resource_size_request") or _DEFAULT_SIZE
    given_custom = [name for name in _CUSTOM_FIELDS if lp.get(name) is not None]
    if size == "CUSTOM_SIZE":
        cpus, memory_gb, disk_gb = _custom_size(lp)
    elif size in RESOURCE_SIZES:
        if given_custom:
            raise ValueError(
                f"{', '.join(given_custom)} given with resource_size_request={size!r}; "
                "set resource_size_request to 'CUSTOM_SIZE' to use custom values"
            )
        cpus, memory_gb, disk_gb = RESOURCE_SIZES[size]
    else:
        allowed = ", ".join([*RESOURCE_SIZES, "CUSTOM_SIZE"])
        raise ValueError(f"resource_size_request must be one of {allowed}; got {size!r}")
    return _limits(cpus, memory_gb, disk_gb)


def _limits(cpus: float, memory_gb: int, disk_gb: int) -> Limits:
    disk_mb = disk_gb * 1024
    return Limits(
        cpus=float(cpus),
        memory_mb=memory_gb * 1024,
        disk_mb=disk_mb,
        max_file_mb=min(_MAX_FILE_MB, disk_mb),
    )


def _custom_size(lp: Mapping[str, Any]) -> tuple[float, int, int]:
    default_cpus, default_memory, default_disk = RESOURCE_SIZES[_DEFAULT_SIZE]
    cpus = _number(lp, "custom_cpu_cores", default_cpus)
    memory_gb = _number(lp, "custom_gb_memory", default_memory)
    disk_gb = _number(lp, "custom_disk_size", default_disk)
    if not (cpus in (0.5, 1) or (cpus % 2 == 0 and 2 <= cpus <= 16)):
        raise ValueError(f"custom_cpu_cores must be 0.5, 1 or a multiple of 2 up to 16; got {cpus}")
    if not (memory_gb == 1 or (memory_gb % 2 == 0 and 2 <= memory_gb <= 64)):
        raise ValueError(f"custom_gb_memory must be 1 or a multiple of 2 up to 64; got {memory_gb}")
    if not (disk_gb % 2 == 0 and 2 <= disk_gb <= 64):
        raise ValueError(f"custom_disk_size must be a multiple of 2 from 2 to 64; got {disk_gb}")
    if not 2 <= memory_gb / cpus <= 8:
        raise ValueError(
            "custom_cpu_cores:custom_gb_memory must be between 1:2 and 1:8; "
            f"got {cpus} cores with {memory_gb} GiB"
        )
    return cpus, int(memory_gb), int(disk_gb)


def _number(lp: Mapping[str, Any], name: str, default: float) -> float:
    value = lp.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number; got {value!r}")
    if name != "custom_cpu_cores" and not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number of GiB; got {value!r}")
    return value
