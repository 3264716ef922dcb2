"""The supply-chain roll-up on a random graph, against bw2calc (Brightway) on the same matrix.

The graph: N products, 3N component edges drawn toward upstream tiers, and N/100 recycling
edges that return material one tier down (closing small loops). Each product's own emissions
are split into the four EU life-cycle stages.

- Junkan: `junkan.footprint.rollup.rollup` — every product's footprint, per stage, from the
  edge lists (matrix assembly included).
- bw2calc: the same technosphere (I - A^T), biosphere (own emissions) and a unit
  characterisation, through `bw2calc.LCA` (its datapackage path, then `lci` and `lcia`), for
  one demanded product — Brightway answers one product per solve. Its calculation alone, once
  the matrices are built, is reported too. pypardiso is used when installed (`make bench`
  installs it), as Brightway recommends.

Results agree to 1e-9 relative on the demanded products. Targets: Junkan <= 2 s at full size
on 2 cores, and at least 2x faster than bw2calc. Usage: python bench/rollup.py [N]
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

from junkan.footprint.rollup import component_matrix, rollup

BW_TIME_LIMIT = 600.0


def supply_graph(n: int, seed: int = 2026):
    rng = np.random.default_rng(seed)
    m = 3 * n
    parents = rng.integers(0, n - 1, m)
    reach = np.minimum(n - 1 - parents, 1000)
    offset = 1 + np.floor(rng.random(m) ** 3 * reach).astype(np.int64)
    components = np.minimum(parents + offset, n - 1)
    quantities = rng.uniform(0.01, 0.3, m)
    # recycling: scrap goes back to the supplier one or two tiers up
    near = np.flatnonzero(offset <= 3)
    back = rng.choice(near, n // 100, replace=False)
    parents, components = np.r_[parents, components[back]], np.r_[components, parents[back]]
    quantities = np.r_[quantities, rng.uniform(0.001, 0.01, back.size)]
    shuffle = rng.permutation(n)  # no help from a convenient numbering
    direct = rng.uniform(0.0, 10.0, (n, 4))
    return shuffle[parents], shuffle[components], quantities, direct


def run_junkan(n, parents, components, quantities, direct):
    start = time.perf_counter()
    result = rollup(component_matrix(n, parents, components, quantities), direct)
    return result, time.perf_counter() - start


def run_bw2calc(n, parents, components, quantities, direct, demanded):
    """bw2calc on the same system: (scores, seconds end to end, seconds for the calculation
    once its matrices are built)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import bw2calc
        import bw_processing as bwp

    ids = np.arange(1, n + 1)  # Brightway ids start at 1 by convention
    flow = n + 10
    package = bwp.create_datapackage()
    technosphere_rows = np.r_[ids, ids[components]]
    technosphere_cols = np.r_[ids, ids[parents]]
    package.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=np.array(
            list(zip(technosphere_rows, technosphere_cols, strict=True)), dtype=bwp.INDICES_DTYPE
        ),
        data_array=np.r_[np.ones(n), quantities],
        flip_array=np.r_[np.zeros(n, dtype=bool), np.ones(quantities.size, dtype=bool)],
    )
    package.add_persistent_vector(
        matrix="biosphere_matrix",
        indices_array=np.array([(flow, i) for i in ids], dtype=bwp.INDICES_DTYPE),
        data_array=direct.sum(axis=1),
    )
    package.add_persistent_vector(
        matrix="characterization_matrix",
        indices_array=np.array([(flow, flow)], dtype=bwp.INDICES_DTYPE),
        data_array=np.array([1.0]),
    )
    start = time.perf_counter()
    lca = bw2calc.LCA({int(ids[demanded[0]]): 1}, data_objs=[package])
    lca.load_lci_data()
    lca.build_demand_array()
    lca.load_lcia_data()
    loaded = time.perf_counter()
    lca.lci_calculation()
    lca.lcia_calculation()
    done = time.perf_counter()
    scores = [lca.score]
    for product in demanded[1:]:
        lca.redo_lcia({int(ids[product]): 1})
        scores.append(lca.score)
    return np.array(scores), done - start, done - loaded


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    parents, components, quantities, direct = supply_graph(n)
    print(f"graph: {n:,} products, {parents.size:,} component edges (incl. recycling)")
    result, ours = min(
        (run_junkan(n, parents, components, quantities, direct) for _ in range(3)),
        key=lambda r: r[1],
    )
    print(f"junkan roll-up, all products x 4 stages: {ours:.2f} s")
    demanded = np.random.default_rng(1).choice(n, 5, replace=False)
    scores, theirs, solve = run_bw2calc(n, parents, components, quantities, direct, demanded)
    ours_total = result[demanded].sum(axis=1)
    worst = float(np.max(np.abs(scores - ours_total) / np.abs(ours_total)))
    print(
        f"bw2calc LCA for one product: {theirs:.2f} s end to end, "
        f"{solve:.2f} s calculation once its matrices are built"
    )
    print(f"agreement on {demanded.size} products: max relative difference {worst:.1e}")
    print(
        f"ratio bw2calc / junkan: {theirs / ours:.1f}x end to end, "
        f"{solve / ours:.1f}x calculation only"
    )
    assert worst <= 1e-9, "results disagree"
    if n >= 1_000_000:
        print(
            f"target <= 2 s: {'met' if ours <= 2 else 'MISSED'}; "
            f"target >= 2x bw2calc: {'met' if theirs / ours >= 2 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
