"""Derivation + code generation time of Linear/ReLU chains of 10, 20, 50 and 100 nodes.

Target (issue 5): linear growth, 100 nodes in under 10 s. Each distinct module is derived once,
so the time is the two modules' derivations plus a per-node cost of printing a call.

    python benchmarks/bench_graph.py
"""
from symbp.codegen.network import time_chain


def main():
    print(f"{'nodes':>6} {'derive+generate':>16} {'per node':>10}")
    for n in (10, 20, 50, 100):
        t = time_chain(n)
        print(f"{n:>6} {t:>14.2f} s {1000 * t / n:>8.1f} ms")


if __name__ == "__main__":
    main()
