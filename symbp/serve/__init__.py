"""serve: ``symbp serve`` — a local web page where a forward expression gets its derivation."""
from .server import WorkerPool, make_server, serve

__all__ = ["serve", "make_server", "WorkerPool"]
