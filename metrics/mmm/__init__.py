"""The joint marketing-mix model: every channel's spend and the baseline explain one weekly outcome together.

    weekly outcome = baseline(trend, seasons, controls) + sum_c beta_c * hill(adstock(spend_c))

``fit_mmm`` (fit.py) estimates it (MAP, bootstrap intervals, optional lift-test calibration),
``channel_summary`` / ``decomposition`` (summary.py) report it, ``diagnose`` (diagnostics.py)
says how far to trust it and ``optimise_mix`` (optimise.py) splits a budget on it.
Pure numpy/scipy/polars; ``python -m metrics.mmm`` fits a CSV file from the command line.
"""

from metrics.mmm.data import LiftTest, MMMInput, MMMInputError, lift_tests, mmm_input
from metrics.mmm.diagnostics import Diagnostics, diagnose
from metrics.mmm.fit import MMMFit, fit_mmm
from metrics.mmm.objective import Priors
from metrics.mmm.optimise import MixBudgetError, MixPlan, optimise_mix
from metrics.mmm.summary import channel_summary, decomposition

__all__ = [
    "Diagnostics", "LiftTest", "MMMFit", "MMMInput", "MMMInputError", "MixBudgetError", "MixPlan", "Priors",
    "channel_summary", "decomposition", "diagnose", "fit_mmm", "lift_tests", "mmm_input", "optimise_mix",
]
