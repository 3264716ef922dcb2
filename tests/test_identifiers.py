"""Identifier rules: published valid examples pass, and no one-character change slips through."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from junkan.identity.identifiers import (
    InvalidIdentifier,
    Scheme,
    bpn_with_check,
    candidate_schemes,
    gln_with_check,
    jp_corporate_number_with_check,
    lei_with_check,
    mod_1271_36,
    normalize,
)

# Published examples: BPNs from Catena-X documentation, LEIs from GLEIF's register,
# corporate numbers from Japan's National Tax Agency site, GLNs from GS1 examples.
VALID = {
    Scheme.BPNL: ["BPNL00000003AYRE", "BPNL00000003CRHK", "BPNL00000003B2OM", "BPNL00000003CML1"],
    Scheme.BPNS: ["BPNS00000003AYRE"],
    Scheme.LEI: ["529900T8BM49AURSDO55", "5493001KJTIIGC8Y1R12", "7LTWFZYICNSX8D621K86"],
    Scheme.JP_CORPORATE_NUMBER: ["7000012050002", "5835678256246"],
    Scheme.GLN: ["4012345000009", "0614141000012"],
    Scheme.DID: [
        "did:web:w3c-ccg.github.io",
        "did:web:w3c-ccg.github.io:user:alice",
        "did:web:example.com%3A3000:org:battery",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
    ],
}


@pytest.mark.parametrize(("scheme", "value"), [(s, v) for s, vs in VALID.items() for v in vs])
def test_published_examples_are_valid(scheme, value):
    assert normalize(scheme, value) == value


def test_mod_1271_36_matches_the_standards_worked_example():
    # ISO/IEC 7064 §8.2 computes the check value 140 ("3W") for "ISO79".
    assert mod_1271_36("ISO79") == "3W"


@pytest.mark.parametrize(
    ("scheme", "value", "reason"),
    [
        (Scheme.BPNL, "BPNL00000003AYRF", "should be 'RE'"),
        (Scheme.BPNL, "BPNL00000003AYR", "12 letters or digits"),
        (Scheme.BPNL, "BPNS00000003AYRE", "is a BPNS, not a BPNL"),
        (Scheme.BPNS, "BPNL00000003AYRE", "is a BPNL, not a BPNS"),
        (Scheme.LEI, "529900T8BM49AURSDO56", "LEI check"),
        (Scheme.LEI, "529900T8BM49AURSDO5", "18 letters or digits"),
        (Scheme.JP_CORPORATE_NUMBER, "7000012050003", "corporate number check"),
        (Scheme.JP_CORPORATE_NUMBER, "700001205000", "13 digits"),
        (Scheme.GLN, "4012345000008", "GLN check"),
        (Scheme.GLN, "401234500000", "13 digits"),
        (Scheme.DID, "did:example:123", "did:web or did:key"),
        (Scheme.DID, "did:web:", "did:web:<domain>"),
        (Scheme.DID, "did:web:-bad-.example", "did:web:<domain>"),
        (Scheme.DID, "did:key:6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "base58btc"),
        (Scheme.DID, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2d0K", "base58"),
        (Scheme.DID, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do", "did:key"),
    ],
)
def test_malformed_identifiers_are_refused_with_the_reason(scheme, value, reason):
    with pytest.raises(InvalidIdentifier, match=reason.replace("(", r"\(").replace(")", r"\)")):
        normalize(scheme, value)


def test_unknown_scheme_lists_the_known_ones():
    with pytest.raises(InvalidIdentifier, match="known: bpnl, bpns"):
        normalize("duns", "123456789")


def test_canonical_form_is_uppercase_without_separators():
    assert normalize(Scheme.BPNL, " bpnl00000003ayre ") == "BPNL00000003AYRE"
    assert normalize(Scheme.JP_CORPORATE_NUMBER, "7-0000-1205-0002") == "7000012050002"
    assert normalize(Scheme.LEI, "5299 00T8 BM49 AURS DO55") == "529900T8BM49AURSDO55"


def test_candidate_schemes_finds_each_scheme_a_value_is_valid_in():
    assert candidate_schemes("BPNL00000003AYRE") == [(Scheme.BPNL, "BPNL00000003AYRE")]
    # Thirteen digits may be both a GLN and a corporate number; lookups try both.
    both = {s for s, _ in candidate_schemes("4012345000009")}
    assert Scheme.GLN in both


# --- Property tests: one changed character never yields a different valid identifier ---------

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
alnum = st.text(alphabet=ALNUM, min_size=1, max_size=1)
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
replacement = st.characters(codec="ascii", exclude_categories=["Cc"])


def _mutations_rejected(scheme: Scheme, valid: str, position: int, char: str) -> None:
    mutated = valid[:position] + char + valid[position + 1 :]
    assume(mutated != valid)
    try:
        result = normalize(scheme, mutated)
    except InvalidIdentifier:
        return
    # Only a change that means the same identifier (e.g. letter case) may pass.
    assert result == valid, f"{mutated} was accepted as a different {scheme.value}"


@given(
    kind=st.sampled_from("LSA"),
    body=st.text(alphabet=ALNUM, min_size=10, max_size=10),
    position=st.integers(0, 15),
    char=replacement,
)
def test_any_single_character_change_of_a_bpn_is_rejected(kind, body, position, char):
    valid = bpn_with_check(kind, body)
    _mutations_rejected(Scheme(f"bpn{kind.lower()}"), valid, position, char)


@given(
    body=st.text(alphabet=ALNUM, min_size=18, max_size=18),
    position=st.integers(0, 19),
    char=replacement,
)
def test_any_single_character_change_of_an_lei_is_rejected(body, position, char):
    valid = lei_with_check(body)
    # MOD 97-10 reads a letter as two digits, so a letter swapped for a digit shortens the
    # number and can land on the same remainder: the rule's own blind spot, tested below.
    assume(not (valid[position].isalpha() and char.isdigit()))
    assume(not (valid[position].isdigit() and char.isalpha()))
    _mutations_rejected(Scheme.LEI, valid, position, char)


def test_lei_check_cannot_see_every_letter_digit_swap():
    assert normalize(Scheme.LEI, "353800AIZUMOTO000027")
    assert normalize(Scheme.LEI, "353800AIZUMOT8000027")  # 'O' (24) -> '8'


@given(
    body=st.text(alphabet="0123456789", min_size=12, max_size=12),
    position=st.integers(0, 12),
    char=replacement,
)
def test_any_single_character_change_of_a_gln_is_rejected(body, position, char):
    _mutations_rejected(Scheme.GLN, gln_with_check(body), position, char)


@given(
    body=st.text(alphabet="0123456789", min_size=12, max_size=12),
    position=st.integers(0, 12),
    char=replacement,
)
def test_any_single_character_change_of_a_corporate_number_is_rejected(body, position, char):
    valid = jp_corporate_number_with_check(body)
    # The published check digit is a weighted sum modulo 9, so it cannot tell 0 from 9 in
    # the same place: that substitution is the rule's own blind spot, tested below.
    assume({valid[position], char} != {"0", "9"})
    _mutations_rejected(Scheme.JP_CORPORATE_NUMBER, valid, position, char)


def test_corporate_number_check_cannot_see_a_zero_nine_swap():
    assert normalize(Scheme.JP_CORPORATE_NUMBER, "7000012050002")
    assert normalize(Scheme.JP_CORPORATE_NUMBER, "7900012050002")  # 0 -> 9 in the body
