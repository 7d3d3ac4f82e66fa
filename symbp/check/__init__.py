"""check: derivations -> reports. Every derivative checked against central finite differences."""
from __future__ import annotations

from ..derive import dispatch
from .network import verify_network
from .verification import Check, Report, verify_module, verify_rule

__all__ = ["verify", "Check", "Report", "verify_module", "verify_rule", "verify_network"]

_VERIFY = {"module": verify_module, "rule": verify_rule, "network": verify_network}


def verify(d, seed: int = 0, **options) -> Report:
    """Check a derivation against central finite differences; ``r.ok``, ``r.max_rel_error``."""
    return dispatch(_VERIFY, d, "verify")(d, seed=seed, **options)
