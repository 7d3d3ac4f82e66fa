import os

import pytest
from hypothesis import HealthCheck, settings

import symbp

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# property-based tests: "ci" (default) is derandomized and fast; "long" explores for local runs
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def derivations():
    """Every catalog module and update rule, derived once for the session."""
    targets = {**symbp.catalog(), **symbp.rules()}
    return {name: symbp.derive(t) for name, t in targets.items()}


def require(module_name: str):
    """Import an optional test dependency: skip locally if absent, fail under CI=true."""
    try:
        return __import__(module_name)
    except ImportError:
        if ON_CI:
            raise
        pytest.skip(f"{module_name} not installed")


# generated-code bugs the lead engineer fixes on main (a cached temporary never defined in the
# forward; a backward reading an input it did not cache): strict, so that a test marked with it
# fails as soon as the fix is merged and the mark can go
KNOWN_CODEGEN_BUG = pytest.mark.xfail(strict=True, reason="generated-code NameError fixed on main")
