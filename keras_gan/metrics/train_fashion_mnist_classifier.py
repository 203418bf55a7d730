r"""Trains the Fashion-MNIST feature classifier and caches it.

    python -m keras_gan.metrics.train_fashion_mnist_classifier \
        --cache_dir=~/.cache/keras_gan

Prints the test accuracy and where the model was written. With a model
already cached it prints the recorded accuracy, unless --retrain.
"""

import os
import time

from absl import app, flags

from keras_gan.metrics import classifier

CACHE_DIR = flags.DEFINE_string(
    "cache_dir",
    None,
    "Cache folder. Defaults to $KERAS_GAN_CACHE, else ~/.cache/keras_gan.",
)
DATA_DIR = flags.DEFINE_string(
    "data_dir",
    None,
    "Folder with the Fashion-MNIST IDX .gz files. Defaults to "
    "/usr/share/datasets/fashion-mnist.",
)
EPOCHS = flags.DEFINE_integer("epochs", 5, "Training epochs.")
SEED = flags.DEFINE_integer("seed", 0, "Global random seed.")
RETRAIN = flags.DEFINE_bool(
    "retrain", False, "Train and overwrite the cache even if it holds a model."
)


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    cache_dir = CACHE_DIR.value
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
    model_path, _ = classifier.fashion_mnist_classifier_paths(cache_dir)
    start = time.perf_counter()
    _, test_accuracy = classifier.load_or_train_fashion_mnist_classifier(
        cache_dir=cache_dir,
        data_dir=DATA_DIR.value,
        epochs=EPOCHS.value,
        seed=SEED.value,
        retrain=RETRAIN.value,
        verbose=2,
    )
    seconds = time.perf_counter() - start
    print(f"model: {model_path}")
    print(f"test_accuracy: {test_accuracy:.4f}")
    print(f"seconds (load or train, including data loading): {seconds:.1f}")


if __name__ == "__main__":
    app.run(main)
