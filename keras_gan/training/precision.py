"""`mixed_precision="auto"`: the mixed precision this machine runs fastest.

- A TPU: `"bfloat16"`.
- GPUs: `"bfloat16"` when every GPU has compute capability 8.0 or more
  (Ampere and later: bfloat16 tensor cores, no loss scaling needed),
  `"float16"` (loss-scaled) from 7.0 (Volta, Turing), else `None`.
- A CPU alone: `"bfloat16"` when it has bfloat16 units (the `avx512_bf16`
  or `amx_bf16` flags of `/proc/cpuinfo`: Intel Cooper Lake and Sapphire
  Rapids on, AMD Zen 4 on), else `None` (float32): without them TensorFlow
  emulates bfloat16, slower than float32.
"""

import tensorflow as tf

__all__ = [
    "AUTO",
    "CPUINFO",
    "CPU_BFLOAT16_FLAGS",
    "cpu_has_bfloat16",
    "for_gpus",
    "resolve",
]

AUTO = "auto"
CPU_BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16")
CPUINFO = "/proc/cpuinfo"


def cpu_has_bfloat16(cpuinfo=CPUINFO):
    """Whether the CPU lists bfloat16 units among its flags.

    Args:
        cpuinfo: The file to read. Defaults to `/proc/cpuinfo`; where it
            cannot be read (not Linux), the answer is `False`.
    """
    try:
        with open(cpuinfo) as file:
            for line in file:
                name, sep, value = line.partition(":")
                if sep and name.strip() == "flags":
                    return bool(set(value.split()) & set(CPU_BFLOAT16_FLAGS))
    except OSError:
        return False
    return False


def for_gpus(compute_capabilities):
    """The mixed precision for GPUs of these compute capabilities
    (`(major, minor)` tuples; `None` for one that is unknown)."""
    if not compute_capabilities or None in compute_capabilities:
        return None
    lowest = min(tuple(c) for c in compute_capabilities)
    if lowest >= (8, 0):
        return "bfloat16"
    if lowest >= (7, 0):
        return "float16"
    return None


def resolve(value, strategy="default", cpuinfo=CPUINFO):
    """`value` itself, or for `"auto"` the mixed precision this machine
    runs fastest (`"bfloat16"`, `"float16"` or `None`, float32).

    Args:
        value: `"auto"`, `"float16"`, `"bfloat16"` or `None`.
        strategy: The run's strategy name (`"tpu"` means bfloat16).
            Defaults to `"default"`.
        cpuinfo: Where to read the CPU's flags. Defaults to
            `/proc/cpuinfo`.
    """
    if value != AUTO:
        return value
    if strategy == "tpu":
        return "bfloat16"
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return for_gpus(
            [
                tf.config.experimental.get_device_details(gpu).get(
                    "compute_capability"
                )
                for gpu in gpus
            ]
        )
    return "bfloat16" if cpu_has_bfloat16(cpuinfo) else None
