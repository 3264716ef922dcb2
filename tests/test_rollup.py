"""The roll-up engine against a dense linear solve, on random supply graphs with and without
recycling loops."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.footprint.rollup import (
    DENSE_LOOP_LIMIT,
    InfeasibleLoop,
    component_matrix,
    rollup,
    supply_order,
)


@st.composite
def supply_graphs(draw, loops: bool):
    """A random graph: n products, components drawn 'upstream' (higher index), then shuffled,
    optionally with recycling edges that send material back downstream."""
    n = draw(st.integers(1, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m = draw(st.integers(0, 3 * n))
    parents = rng.integers(0, n, m)
    components = rng.integers(0, n, m)
    keep = components > parents
    parents, components = parents[keep], components[keep]
    quantities = rng.uniform(0.0, 2.0, parents.size)
    if loops and parents.size:
        back = rng.integers(0, parents.size, draw(st.integers(1, 5)))
        # small quantities keep each loop's gain below one
        parents = np.r_[parents, components[back]]
        components = np.r_[components, parents[back]]
        quantities = np.r_[quantities, rng.uniform(0.0, 0.05, back.size)]
        quantities[: keep.sum()] *= 0.2
    shuffle = rng.permutation(n)
    direct = rng.uniform(0.0, 10.0, (n, 4))
    return n, shuffle[parents], shuffle[components], quantities, direct


def dense_solve(n, parents, components, quantities, direct):
    a = np.zeros((n, n))
    np.add.at(a, (parents, components), quantities)
    return np.linalg.solve(np.eye(n) - a, direct)


@settings(max_examples=150, deadline=None)
@given(supply_graphs(loops=False))
def test_acyclic_rollup_equals_a_dense_solve(graph):
    n, parents, components, quantities, direct = graph
    result = rollup(component_matrix(n, parents, components, quantities), direct)
    np.testing.assert_allclose(result, dense_solve(*graph), rtol=1e-10, atol=1e-10)


@settings(max_examples=150, deadline=None)
@given(supply_graphs(loops=True))
def test_rollup_with_loops_equals_a_dense_solve(graph):
    n, parents, components, quantities, direct = graph
    result = rollup(component_matrix(n, parents, components, quantities), direct)
    np.testing.assert_allclose(result, dense_solve(*graph), rtol=1e-10, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(supply_graphs(loops=True), st.floats(0.1, 10), st.floats(0.1, 10))
def test_rollup_is_linear_in_inputs_and_conserves_stage_sums(graph, a, b):
    n, parents, components, quantities, direct = graph
    matrix = component_matrix(n, parents, components, quantities)
    other = np.random.default_rng(7).uniform(0, 5, direct.shape)
    combined = rollup(matrix, a * direct + b * other)
    np.testing.assert_allclose(
        combined, a * rollup(matrix, direct) + b * rollup(matrix, other), rtol=1e-9, atol=1e-9
    )
    # the total of the stages is the roll-up of the total
    totals = rollup(matrix, direct.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(rollup(matrix, direct).sum(axis=1), totals[:, 0], rtol=1e-10)


@settings(max_examples=60, deadline=None)
@given(supply_graphs(loops=False), st.floats(0.1, 10))
def test_doubling_a_component_quantity_scales_its_contribution(graph, factor):
    n, parents, components, quantities, direct = graph
    if parents.size == 0:
        return
    # one level: the parent's footprint grows by (factor - 1) * qty * component footprint
    base = rollup(component_matrix(n, parents, components, quantities), direct)
    changed = quantities.copy()
    changed[0] *= factor
    after = rollup(component_matrix(n, parents, components, changed), direct)
    delta = (factor - 1) * quantities[0] * base[components[0]]
    np.testing.assert_allclose(after[parents[0]] - base[parents[0]], delta, rtol=1e-8, atol=1e-8)


def test_products_come_before_their_components():
    matrix = component_matrix(4, [3, 3, 1, 0], [1, 2, 0, 2], [1, 1, 1, 1])
    order, _ = supply_order(matrix)
    rank = {product: i for i, product in enumerate(order)}
    assert rank[3] < rank[1] < rank[0] < rank[2]


def test_a_loop_larger_than_the_dense_limit_is_solved_exactly():
    n = DENSE_LOOP_LIMIT + 50
    ring = np.arange(n)
    parents, components = ring, (ring + 1) % n  # one big recycling ring
    quantities = np.full(n, 0.9)
    direct = np.ones((n, 1))
    result = rollup(component_matrix(n, parents, components, quantities), direct)
    # x = 1 + 0.9 x on the ring, so every product's footprint is 10
    np.testing.assert_allclose(result[:, 0], 10.0, rtol=1e-9)


@pytest.mark.parametrize(
    "parents, components, quantities",
    [
        ([0], [0], [1.0]),  # a product made from one unit of itself
        ([0, 1], [1, 0], [2.0, 0.5]),  # a loop with gain exactly one
        ([0, 1], [1, 0], [3.0, 0.5]),  # a loop with gain above one: finite but negative
        (np.arange(500), (np.arange(500) + 1) % 500, np.full(500, 1.01)),  # big runaway loop
    ],
)
def test_a_loop_that_needs_more_than_it_makes_is_refused(parents, components, quantities):
    n = max(max(parents), max(components)) + 1
    with pytest.raises(InfeasibleLoop) as caught:
        rollup(component_matrix(n, parents, components, quantities), np.ones((n, 1)))
    assert caught.value.products


def test_negative_or_infinite_quantities_are_refused():
    with pytest.raises(ValueError, match="not negative"):
        component_matrix(2, [0], [1], [-1.0])
    with pytest.raises(ValueError, match="finite"):
        component_matrix(2, [0], [1], [np.inf])


def test_a_recycling_loop_has_the_hand_computed_answer():
    # cathode (0) uses 0.5 of precursor (1); precursor takes back 0.1 of cathode scrap
    matrix = component_matrix(3, [0, 1, 2], [1, 0, 0], [0.5, 0.1, 2.0])
    result = rollup(matrix, np.array([[1.0], [2.0], [0.0]]))
    cathode = (1 + 0.5 * 2) / (1 - 0.5 * 0.1)
    assert result[0, 0] == pytest.approx(cathode, rel=1e-12)
    assert result[1, 0] == pytest.approx(2 + 0.1 * cathode, rel=1e-12)
    assert result[2, 0] == pytest.approx(2 * cathode, rel=1e-12)  # the cell, downstream


def test_the_fallback_ordering_puts_products_before_their_components():
    from junkan.footprint.rollup import _topological_rank

    # condensed graph 0 -> 2, 1 -> 0, 1 -> 3, 3 -> 2 (parent -> component)
    rank = _topological_rank(4, np.array([0, 1, 1, 3]), np.array([2, 0, 3, 2]))
    for parent, child in ((0, 2), (1, 0), (1, 3), (3, 2)):
        assert rank[parent] < rank[child]
