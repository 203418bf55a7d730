"""Offline preparation of TFDS `fashion_mnist` from local IDX files.

Debian's `dataset-fashion-mnist` package installs the four original
Fashion-MNIST files in `/usr/share/datasets/fashion-mnist`, but not
byte-for-byte: the package build rewrote each gzip header (consistent with
`dh_strip_nondeterminism`): the stored file name was dropped and the
modification time set to the package's changelog date. The deflate stream
and the CRC-32/size trailer are untouched. So TFDS's `fashion_mnist`
builder, pointed at them with `manual_dir`, rejects them: their SHA-256
differs from the checksums TFDS registers for the upstream files.

What this module does, in order:

1. Finds the files: the `source_dir` argument, else the directory named by
   `$KERAS_GAN_FASHION_MNIST_DIR`, else `/usr/share/datasets/fashion-mnist`
   (an explicit directory is never silently replaced by the default).
2. Checks their structure, decompressing each one fully: IDX magic numbers
   (2051 images, 2049 labels), 60,000 train and 10,000 test examples,
   28x28 images, exactly the bytes the header announces, labels in 0..9;
   Python's `gzip` also checks the CRC-32 and length of the decompressed
   data against the trailer.
3. Restores the upstream gzip header where it was rewritten: flag FNAME,
   the upstream file name (the file name without `.gz`) and the upstream
   modification time (`_UPSTREAM_MTIMES`, recovered once by searching for
   the time that reproduces the registered SHA-256), keeping the deflate
   stream and trailer as they are. Files that still carry a header with
   a file name are used unchanged.
4. Compares the SHA-256 and size of each (restored) file with the
   checksums that TFDS itself registers for `fashion_mnist`
   (`url_checksums/fashion_mnist.txt`) and refuses the files on any
   mismatch.
5. Runs TFDS's own `fashion_mnist` builder with the restored files as its
   `manual_dir`; its download manager checks the same SHA-256 again
   before TFDS writes the dataset.

What is verified: each of the four files, after header restoration, is
byte-identical (SHA-256) to the file TFDS registers for `fashion_mnist`,
hence the decompressed IDX data are the upstream data; the structure
checks above. The result is the genuine `fashion_mnist` dataset of the
installed TFDS version (same builder, version and shards TFDS would write
after a download), readable by plain `tfds.load("fashion_mnist",
data_dir=...)`. What is not: the Debian gzip header itself (only used to
find the deflate stream), and the integrity of shards after TFDS wrote
them. Files that cannot be restored to the registered checksums
(recompressed another way, raw IDX, other data) are refused with
`DatasetUnavailableError` rather than prepared unverified.

Preparation is atomic (TFDS writes to an `incomplete.*` directory and
renames it) and idempotent (a prepared dataset is reused; nothing is
read from the source files then). It says what it does on the
`keras_gan.data.fashion_mnist` logger (INFO: what it prepares from where
into where, then how long it took), which `bin/` scripts print; TFDS's
own output meanwhile (a "Downloading and preparing dataset" line and
progress bars for a download that does not happen) is held back unless
that logger is enabled for DEBUG. Temporary files (restored `.gz` files
and TFDS's extraction, about 80 MB) live in a temporary directory inside
`data_dir` and are removed afterwards.
"""

import contextlib
import gzip
import hashlib
import io
import logging
import os
import pathlib
import struct
import tempfile
import time

import numpy as np

from keras_gan.data import tfds_source
from keras_gan.data.errors import DatasetUnavailableError

__all__ = [
    "CLASS_NAMES",
    "DEBIAN_PACKAGE",
    "DEFAULT_SOURCE_DIR",
    "FILES",
    "IMAGE_SHAPE",
    "NUM_CLASSES",
    "NUM_EXAMPLES",
    "SOURCE_DIR_ENV",
    "TFDS_NAME",
    "builder_for_load",
    "find_source_files",
    "is_prepared",
    "prepare",
    "tfds_builder",
]

_logger = logging.getLogger(__name__)

TFDS_NAME = "fashion_mnist"
SOURCE_DIR_ENV = "KERAS_GAN_FASHION_MNIST_DIR"
DEFAULT_SOURCE_DIR = "/usr/share/datasets/fashion-mnist"
DEBIAN_PACKAGE = "dataset-fashion-mnist"

IMAGE_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
NUM_EXAMPLES = {"train": 60000, "test": 10000}
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# file name -> (split, kind)
FILES = {
    "train-images-idx3-ubyte.gz": ("train", "images"),
    "train-labels-idx1-ubyte.gz": ("train", "labels"),
    "t10k-images-idx3-ubyte.gz": ("test", "images"),
    "t10k-labels-idx1-ubyte.gz": ("test", "labels"),
}

# Modification times in the upstream gzip headers (2017-08-31 10:50:06 and
# 10:50:27 UTC). Together with FNAME they are the only bytes the Debian
# build changed; the SHA-256 check below is what vouches for them.
_UPSTREAM_MTIMES = {
    "train-images-idx3-ubyte.gz": 1504176606,
    "train-labels-idx1-ubyte.gz": 1504176606,
    "t10k-images-idx3-ubyte.gz": 1504176627,
    "t10k-labels-idx1-ubyte.gz": 1504176627,
}

_IMAGES_MAGIC = 2051  # 0x00000803: unsigned byte, 3 dimensions
_LABELS_MAGIC = 2049  # 0x00000801: unsigned byte, 1 dimension
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_DEFLATE = 8
_FTEXT, _FHCRC, _FEXTRA, _FNAME, _FCOMMENT = 1, 2, 4, 8, 16


def find_source_files(source_dir=None):
    """Locates the four Fashion-MNIST IDX `.gz` files.

    Args:
        source_dir: directory holding the files. Defaults to `None`: the
            directory in `$KERAS_GAN_FASHION_MNIST_DIR`, else
            `/usr/share/datasets/fashion-mnist`.

    Returns:
        A dict from file name (e.g. `"train-images-idx3-ubyte.gz"`) to its
        `pathlib.Path`.

    Raises:
        DatasetUnavailableError: when any of the four files is missing;
            the message says what to install or where to put which files.
    """
    if source_dir is not None:
        directory, origin = source_dir, "argument `source_dir`"
    elif os.environ.get(SOURCE_DIR_ENV):
        directory = os.environ[SOURCE_DIR_ENV]
        origin = f"${SOURCE_DIR_ENV}"
    else:
        directory, origin = DEFAULT_SOURCE_DIR, "the default directory"
    directory = pathlib.Path(directory).expanduser()
    paths = {name: directory / name for name in FILES}
    missing = [name for name, path in paths.items() if not path.is_file()]
    if missing:
        raise DatasetUnavailableError(
            _missing_files_message(directory, origin, missing)
        )
    return paths


def is_prepared(data_dir=None):
    """Returns whether `fashion_mnist` is prepared in `data_dir`.

    Args:
        data_dir: TFDS data directory. Defaults to `None`:
            `tfds_source.default_data_dir()`.

    Returns:
        `True` when TFDS can read the dataset from `data_dir` as it is.
    """
    return tfds_source.is_prepared(tfds_builder(data_dir))


def prepare(source_dir=None, data_dir=None):
    """Prepares TFDS `fashion_mnist` offline from the local IDX files.

    Reuses a dataset already prepared in `data_dir` without touching the
    source files. Otherwise finds, checks and restores the files and runs
    TFDS's own builder on them (see the module docstring for what is
    verified). Logs one INFO line before (what, from where, into where)
    and one after (how long it took); TFDS's own progress output is held
    back unless this module's logger is enabled for DEBUG.

    Args:
        source_dir: directory with the four IDX `.gz` files. Defaults to
            `None`: `$KERAS_GAN_FASHION_MNIST_DIR`, else
            `/usr/share/datasets/fashion-mnist`.
        data_dir: TFDS data directory to prepare into. Defaults to `None`:
            `$TFDS_DATA_DIR`, else `~/tensorflow_datasets`.

    Returns:
        The prepared `tfds.core.DatasetBuilder` for `fashion_mnist`.

    Raises:
        DatasetUnavailableError: when the files are missing, malformed or
            not the upstream files.
    """
    builder = tfds_builder(data_dir)
    if tfds_source.is_prepared(builder):
        return builder
    paths = find_source_files(source_dir)
    for name, path in paths.items():
        _check_structure(name, path)
    registered = _registered_checksums()
    data_root = pathlib.Path(builder.data_dir_root)
    data_root.mkdir(parents=True, exist_ok=True)
    directory = next(iter(paths.values())).parent
    origin = (
        f"the Debian package files ({DEBIAN_PACKAGE})"
        if os.fspath(directory) == DEFAULT_SOURCE_DIR
        else "the IDX files"
    )
    _logger.info(
        "Preparing Fashion-MNIST from %s in %s, once, into %s",
        origin,
        directory,
        builder.data_dir,
    )
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(
        prefix=".keras_gan_fashion_mnist-", dir=data_root
    ) as tmp:
        manual_dir = pathlib.Path(tmp, "manual")
        manual_dir.mkdir()
        for name, path in paths.items():
            restored = _restore_upstream_gzip(name, path.read_bytes())
            _check_checksum(name, path, restored, registered[name])
            (manual_dir / name).write_bytes(restored)
        _download_and_prepare(builder, manual_dir, pathlib.Path(tmp, "dl"))
    _logger.info(
        "Prepared Fashion-MNIST in %.0f s; later runs read it from %s",
        time.perf_counter() - start,
        data_root,
    )
    return tfds_builder(data_dir)


def tfds_builder(data_dir=None):
    """The TFDS `fashion_mnist` builder of `data_dir`, prepared or not.

    Args:
        data_dir: The TFDS data directory. Defaults to `None`:
            `keras_gan.data.tfds_source.default_data_dir()`.
    """
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
    import tensorflow_datasets as tfds

    data_dir = data_dir or tfds_source.default_data_dir()
    return tfds.builder(TFDS_NAME, data_dir=os.path.expanduser(data_dir))


def _download_and_prepare(builder, manual_dir, download_dir):
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
    import tensorflow_datasets as tfds

    config = tfds.download.DownloadConfig(
        manual_dir=os.fspath(manual_dir), try_download_gcs=False
    )
    try:
        with _tfds_output_held_back():
            builder.download_and_prepare(
                download_dir=os.fspath(download_dir), download_config=config
            )
    except OSError:
        # Another process may have renamed its finished copy into place
        # first; its dataset is as good as ours.
        if not tfds_source.is_prepared(tfds_builder(builder.data_dir_root)):
            raise


@contextlib.contextmanager
def _tfds_output_held_back():
    """Holds back what TFDS prints to stdout and its progress bars (for a
    download that does not happen), unless our logger wants DEBUG."""
    if _logger.isEnabledFor(logging.DEBUG):
        yield
        return
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
    from tensorflow_datasets.core.utils import tqdm_utils

    # TFDS has a public switch for its bars but no getter: put back the
    # state the process had.
    was_active = getattr(tqdm_utils, "_active", True)
    tqdm_utils.display_progress_bar(False)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        tqdm_utils.display_progress_bar(was_active)


def _registered_checksums():
    # Imported on use: TFDS is slow to import, and only TFDS datasets need it.
    import tensorflow_datasets as tfds

    infos = tfds.builder_cls(TFDS_NAME).url_infos or {}
    by_name = {info.filename: info for info in infos.values()}
    missing = sorted(set(FILES) - set(by_name))
    if missing:
        raise DatasetUnavailableError(
            f"The installed tensorflow-datasets registers no checksum for "
            f"{missing} of `{TFDS_NAME}`, so the local files cannot be "
            "verified. Prepare `fashion_mnist` with `tfds.load` on a "
            "networked machine and copy its data_dir instead."
        )
    return by_name


def _read_gzip_header(data):
    """Returns (flags, xfl, os, header length) of a gzip member."""
    if len(data) < 18 or data[:2] != _GZIP_MAGIC or data[2] != _GZIP_DEFLATE:
        return None
    flags, xfl, os_byte = data[3], data[8], data[9]
    offset = 10
    if flags & _FEXTRA:
        (extra_len,) = struct.unpack("<H", data[offset : offset + 2])
        offset += 2 + extra_len
    for flag in (_FNAME, _FCOMMENT):
        if flags & flag:
            offset = data.index(b"\x00", offset) + 1
    if flags & _FHCRC:
        offset += 2
    return flags, xfl, os_byte, offset


def _restore_upstream_gzip(name, data):
    """Returns `data` with the upstream gzip header of file `name`.

    Files that still carry a stored file name are returned unchanged; the
    SHA-256 check decides in every case.
    """
    header = _read_gzip_header(data)
    if header is None:
        return data
    flags, xfl, os_byte, offset = header
    if flags & (_FNAME | _FEXTRA | _FCOMMENT | _FHCRC | _FTEXT):
        return data
    upstream_name = name[: -len(".gz")].encode("latin-1")
    restored = (
        _GZIP_MAGIC
        + bytes([_GZIP_DEFLATE, _FNAME])
        + struct.pack("<I", _UPSTREAM_MTIMES[name])
        + bytes([xfl, os_byte])
        + upstream_name
        + b"\x00"
    )
    return restored + data[offset:]


def _check_checksum(name, path, data, url_info):
    digest = hashlib.sha256(data).hexdigest()
    if digest != url_info.checksum or len(data) != int(url_info.size):
        raise DatasetUnavailableError(
            f"{path} is a well-formed IDX file but not the upstream "
            f"Fashion-MNIST `{name}`: after restoring the upstream gzip "
            f"header its SHA-256 is {digest} ({len(data)} bytes), while "
            f"tensorflow-datasets registers {url_info.checksum} "
            f"({int(url_info.size)} bytes). Use the files of the Debian "
            f"package (`apt-get install -y {DEBIAN_PACKAGE}`) or the "
            "original .gz files from "
            "https://github.com/zalandoresearch/fashion-mnist."
        )


def _check_structure(name, path):
    split, kind = FILES[name]
    expected_count = NUM_EXAMPLES[split]
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise DatasetUnavailableError(
            f"{path} is not a readable gzip file ({error}). Reinstall "
            f"`{DEBIAN_PACKAGE}` or replace the file with the original "
            f"`{name}`."
        ) from error

    def fail(problem):
        raise DatasetUnavailableError(
            f"{path} is not a valid Fashion-MNIST {split} {kind} IDX file: "
            f"{problem}. Reinstall `{DEBIAN_PACKAGE}` or replace the file "
            f"with the original `{name}`."
        )

    if kind == "images":
        if len(data) < 16:
            fail(f"{len(data)} bytes is shorter than the IDX header")
        magic, count, rows, cols = struct.unpack(">4I", data[:16])
        if magic != _IMAGES_MAGIC:
            fail(f"magic number {magic}, expected {_IMAGES_MAGIC}")
        if (rows, cols) != IMAGE_SHAPE[:2]:
            fail(f"images are {rows}x{cols}, expected 28x28")
        payload = len(data) - 16
        expected_payload = count * rows * cols
    else:
        if len(data) < 8:
            fail(f"{len(data)} bytes is shorter than the IDX header")
        magic, count = struct.unpack(">2I", data[:8])
        if magic != _LABELS_MAGIC:
            fail(f"magic number {magic}, expected {_LABELS_MAGIC}")
        payload = len(data) - 8
        expected_payload = count
    if count != expected_count:
        fail(f"{count} examples, expected {expected_count}")
    if payload != expected_payload:
        fail(f"{payload} data bytes, the header announces {expected_payload}")
    if kind == "labels":
        labels = np.frombuffer(data, dtype=np.uint8, offset=8)
        if labels.max() >= NUM_CLASSES:
            fail(f"label {int(labels.max())} outside 0..{NUM_CLASSES - 1}")


def _missing_files_message(directory, origin, missing):
    lines = [
        f"Fashion-MNIST is not available offline: {directory} ({origin}) "
        f"lacks {', '.join(missing)}.",
        "Either install the Debian package, which puts the files in "
        f"{DEFAULT_SOURCE_DIR}:",
        f"    apt-get install -y {DEBIAN_PACKAGE}",
        "or put the four original files "
        f"({', '.join(FILES)}) from "
        "https://github.com/zalandoresearch/fashion-mnist in a directory "
        f"and pass it as `source_dir` or set ${SOURCE_DIR_ENV} to it.",
    ]
    if origin != "the default directory":
        lines.append(
            f"(The default {DEFAULT_SOURCE_DIR} is only searched when "
            f"neither `source_dir` nor ${SOURCE_DIR_ENV} is set.)"
        )
    return "\n".join(lines)


def builder_for_load(data_dir, download):
    """The TFDS builder for `keras_gan.data.load`: prepared from the local
    files when they exist, else downloaded as `download` allows."""
    builder = tfds_builder(data_dir)
    if tfds_source.is_prepared(builder):
        return builder
    try:
        find_source_files()
    except DatasetUnavailableError:
        if download is False or (
            download is None and not tfds_source.network_reachable(builder)
        ):
            raise
        return tfds_source.download_and_prepare(builder)
    return prepare(data_dir=data_dir)
