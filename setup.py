"""Packaging for keras_gan."""

import pathlib

import setuptools

HERE = pathlib.Path(__file__).parent

setuptools.setup(
    name="keras_gan",
    version="0.1.0",
    description=(
        "Generative adversarial networks for Keras 3 on TensorFlow, "
        "trained with model.fit."
    ),
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=setuptools.find_packages(include=["keras_gan", "keras_gan.*"]),
    install_requires=[
        # `tensorflow` on GPU machines; `tensorflow-cpu` satisfies it too
        # only by name, so CI installs tensorflow-cpu before this package.
        "keras>=3.6",
        "tensorflow-datasets>=4.9",
        # tensorflow-datasets 4.9 imports it without declaring it.
        "importlib_resources",
        "absl-py>=2.0",
        "tensorboard>=2.16",
        "numpy>=1.26",
        "scipy>=1.11",
        "pillow>=10.0",
        "matplotlib>=3.8",
        # keras_gan.data.digits loads the 8x8 digits from it.
        "scikit-learn>=1.3",
    ],
    extras_require={
        "cpu": ["tensorflow-cpu>=2.16"],
        "gpu": ["tensorflow[and-cuda]>=2.16"],
        # The other Keras backends keras_gan trains on (KERAS_BACKEND).
        "jax": ["jax>=0.4.30"],
        "torch": ["torch>=2.1"],
        # keras_gan.export.export_onnx: onnxruntime checks the model;
        # Keras converts with tf2onnx on TensorFlow, jax2onnx on JAX and
        # torch.onnx (part of PyTorch) on PyTorch.
        "onnx": [
            "onnx>=1.16",
            "onnxruntime>=1.18",
            "tf2onnx>=1.16",
            "jax2onnx>=0.10",
        ],
        # bin/benchmark's memory figures.
        "benchmark": ["psutil>=5.9"],
        # The tests cover benchmarks/ too.
        "test": ["pytest>=8", "ruff>=0.6", "hypothesis>=6.100", "psutil>=5.9"],
    },
    scripts=[
        f"bin/{name}"
        for name in (
            "train",
            "evaluate",
            "generate",
            "export",
            "train_classifier",
            # Their shared start-up, imported from beside them.
            "keras_gan_console.py",
        )
        if (HERE / "bin" / name).exists()
    ],
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
