"""check: derivations -> reports. Every derivative checked against central finite differences;
someone else's backward (:func:`check_backward`) and a student's formula (:func:`check_answer`)
checked against the derivation."""
from __future__ import annotations

from ..derive import dispatch
from .answer import Counterexample, Verdict, check_answer
from .backward import BackwardCheck, BackwardReport, check_backward
from .compare import Diagnosis
from .network import verify_network
from .verification import Check, Report, verify_module, verify_rule

__all__ = ["verify", "Check", "Report", "verify_module", "verify_rule", "verify_network",
           "check_backward", "check_answer", "BackwardCheck", "BackwardReport", "Verdict",
           "Counterexample", "Diagnosis"]

_VERIFY = {"module": verify_module, "rule": verify_rule, "network": verify_network}


def verify(d, seed: int = 0, **options) -> Report:
    """Check a derivation against central finite differences; ``r.ok``, ``r.max_rel_error``."""
    return dispatch(_VERIFY, d, "verify")(d, seed=seed, **options)
