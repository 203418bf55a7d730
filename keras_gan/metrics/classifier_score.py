"""Classifier score: the Inception Score formula on any classifier."""

import numpy as np

__all__ = [
    "classifier_score_from_logits",
    "classifier_score_from_probabilities",
]


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _score_from_log_probabilities(log_probabilities, num_splits):
    if log_probabilities.ndim != 2:
        raise ValueError(
            "Expected class predictions of shape [num_samples, num_classes]. "
            f"Received: shape={log_probabilities.shape}"
        )
    num_samples = log_probabilities.shape[0]
    if not 1 <= num_splits <= num_samples:
        raise ValueError(
            "Invalid value for argument `num_splits`. Expected an integer in "
            f"[1, num_samples={num_samples}]. Received: num_splits={num_splits}"
        )
    probabilities = np.exp(log_probabilities)
    scores = []
    for i in range(num_splits):
        start = i * num_samples // num_splits
        stop = (i + 1) * num_samples // num_splits
        p = probabilities[start:stop]
        log_p = log_probabilities[start:stop]
        marginal = p.mean(axis=0)
        # p * (log p - log p(y)) with 0 log 0 = 0: zero the logarithms where
        # p = 0 (p(y) > 0 wherever p > 0), so no -inf enters the product.
        log_marginal = np.log(np.where(marginal > 0, marginal, 1.0))
        log_ratio = np.where(p > 0, log_p - log_marginal, 0.0)
        kl = (p * log_ratio).sum(axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


def classifier_score_from_logits(logits, num_splits=10):
    """Classifier score (Inception Score) from class logits.

    Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016:

        IS = exp(E_x KL(p(y|x) || p(y))),   p(y) = E_x p(y|x)

    computed on each of `num_splits` consecutive splits of the samples, in
    float64. It is at most the number of classes (confident, balanced
    predictions) and at least 1 (every sample gets the same prediction).
    With a classifier trained on the domain (not InceptionV3) it is the
    "classifier score" of TF-GAN.

    Args:
        logits: array of shape `[num_samples, num_classes]`, unnormalised
            log-probabilities.
        num_splits: number of splits. Defaults to `10`.

    Returns:
        A tuple `(mean, std)` of Python floats over the splits.
    """
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(
            "Invalid value for argument `logits`. Expected shape "
            f"[num_samples, num_classes]. Received: shape={logits.shape}"
        )
    return _score_from_log_probabilities(_log_softmax(logits), num_splits)


def classifier_score_from_probabilities(probabilities, num_splits=10):
    """Classifier score (Inception Score) from class probabilities.

    Same formula as `classifier_score_from_logits`:
    `exp(E_x KL(p(y|x) || p(y)))` (Salimans et al., 2016), with
    `0 log 0 = 0`.

    Args:
        probabilities: array of shape `[num_samples, num_classes]` whose rows
            sum to 1.
        num_splits: number of splits. Defaults to `10`.

    Returns:
        A tuple `(mean, std)` of Python floats over the splits.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2:
        raise ValueError(
            "Invalid value for argument `probabilities`. Expected shape "
            f"[num_samples, num_classes]. Received: "
            f"shape={probabilities.shape}"
        )
    if (probabilities < 0).any() or not np.allclose(
        probabilities.sum(axis=1), 1.0, atol=1e-4
    ):
        raise ValueError(
            "Invalid value for argument `probabilities`. Expected "
            "non-negative rows that sum to 1; pass logits to "
            "`classifier_score_from_logits` instead."
        )
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        log_probabilities = np.log(probabilities)
    return _score_from_log_probabilities(log_probabilities, num_splits)
