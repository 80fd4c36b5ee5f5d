"""The fitted model applied to weekly data, possibly with more weeks than it was fitted on."""

from __future__ import annotations

import numpy as np

from metrics.mmm.data import MMMInput
from metrics.mmm.fit import MMMFit, baseline_columns
from metrics.mmm.transforms import delayed, saturated_all


def media_parts(fit: MMMFit, spend: np.ndarray) -> np.ndarray:
    """Weekly contribution of every channel (n, C) for a spend matrix in the fit's channel order."""
    x = np.column_stack([delayed(spend[:, j], fit.delays[j]) for j in range(spend.shape[1])])
    h, _ = saturated_all(x, fit.theta, np.log(fit.kappa), np.log(fit.s), fit.scale, grad=False, before=fit.before)
    return h * fit.beta


def predict(fit: MMMFit, data: MMMInput) -> np.ndarray:
    """Predicted weekly outcome for ``data`` (same channels and controls, starting on the fit's first week)."""
    if data.channels != fit.channels or data.control_names != fit.data.control_names:
        raise ValueError("the data's channels and controls must be those the model was fitted on")
    if data.weeks[0] != fit.data.weeks[0]:
        raise ValueError("the data must start on the week the model's data started")
    design, _ = baseline_columns(data, fit.data.weeks[0], fit.fourier, fit.t_mean)
    return design @ fit.base_coef + media_parts(fit, data.spend).sum(1)
