import os

import pytest

import symbp

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


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


@pytest.fixture(scope="session")
def site():
    """Every output file and every page's blocks, ``(files, registry)``, built once per session."""
    from symbp.build import collect
    registry: dict = {}
    files, ok = collect(registry=registry)
    assert ok
    return files, registry
