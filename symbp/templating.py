"""templating: the one Jinja2 environment (templates hold layout only; Python prepares strings)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2


def template_dir() -> Path:
    """``templates/`` of the source tree, or ``symbp/templates`` of an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "symbp_nn.py.j2").is_file():
            return candidate
    raise FileNotFoundError("symbp templates not found (expected templates/ next to the package)")


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
