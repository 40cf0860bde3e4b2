"""What is assumed about Nmbrs and Visma.net sits in one module each, so a real sample replaces it in one place."""
from __future__ import annotations

import pathlib

from worker.connectors.nmbrs import journal_format
from worker.connectors.visma_net import advice, assumed

ROOT = pathlib.Path(__file__).resolve().parents[2]
ASSUMED = ("v1/context/companies", "v1/dimension", '"periodId"', "test ?company", "cannot be found|is inactive")


def test_the_visma_net_connector_names_its_assumptions_only_in_assumed():
    package = ROOT / "worker/connectors/visma_net"
    for path in package.glob("*.py"):  # the connector itself, not its sandbox
        text = path.read_text(encoding="utf-8")
        found = [needle for needle in ASSUMED if needle in text]
        assert path.name == "assumed.py" or not found, f"{path.name} holds assumed details: {found}"
    assert all(needle in (package / "assumed.py").read_text(encoding="utf-8") for needle in ASSUMED[:2])


def test_the_refusal_advice_reads_its_assumed_patterns_and_keeps_the_published_one():
    rules = {code: pattern for code, pattern, _message in advice.RULES}
    assert all(rules[code] is pattern for code, pattern in assumed.ERROR_TEXTS.items())
    assert rules["LEDGER_NO_LICENSE"].search("No license for this company.")


def test_the_nmbrs_journal_format_says_it_is_assumed():
    assert "ASSUMED" in journal_format.__doc__ and "real sample" in journal_format.__doc__
