"""Every registered connector passes the same contract: declared, documented, secrets marked."""
from __future__ import annotations

from decimal import Decimal

import pytest

from worker import connectors
from worker.connectors.base import Connector, Source, Target

ALL = sorted(connectors.REGISTRY.items())


@pytest.mark.parametrize(("key", "cls"), ALL)
def test_registered_under_its_own_key_with_a_name_and_docstring(key, cls):
    assert cls.key == key and cls.name and cls.__doc__
    assert (key in connectors.SOURCES) == issubclass(cls, Source)
    assert (key in connectors.TARGETS) == issubclass(cls, Target)


@pytest.mark.parametrize(("key", "cls"), ALL)
def test_settings_schema_is_json_schema_with_secrets_write_only(key, cls):
    schema = cls.json_schema()
    assert schema["type"] == "object" and set(schema["required"]) <= set(schema["properties"])
    assert cls.secret_names(), "every connector authenticates with something secret"
    for name in cls.secret_names():
        assert schema["properties"][name]["writeOnly"] is True
    names = [setting.name for setting in cls.settings_schema]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("key", "cls"), sorted(connectors.TARGETS.items()))
def test_targets_name_the_document_types_they_create(key, cls):
    assert cls.document_types
    choices = {setting.name: setting.choices for setting in cls.settings_schema}
    assert set(choices["document_type"]) == {value for value, _ in cls.document_types}


@pytest.mark.parametrize(("key", "cls"), sorted(connectors.SOURCES.items()))
def test_sources_map_their_orders_and_name_their_statuses(key, cls):
    assert callable(cls.to_canonical) and cls.statuses


TARGETS = sorted(connectors.TARGETS.items())


@pytest.mark.parametrize(("key", "cls"), TARGETS)
def test_targets_declare_how_they_connect_and_what_they_need(key, cls):
    assert cls.connect_kind in ("oauth", "key")
    for method in ("documents", "reference_data", "test_connection"):
        assert getattr(cls, method).__func__ is not getattr(Target, method).__func__, method
    assert set(cls.config_sections) <= {"general", "statuses", "vat", "payments"} and "vat" in cls.config_sections
    assert cls.defaults()["document_type"] in {value for value, _ in cls.document_types}
    assert not set(cls.defaults()) & cls.secret_names()
    assert set(cls.amount_document_types) <= {value for value, _ in cls.document_types}


@pytest.mark.parametrize(("key", "cls"), TARGETS)
def test_targets_that_mirror_lists_say_how_they_read_them(key, cls):
    assert set(cls.mirrored) <= {"debtor", "item"}
    if cls.mirrored:
        assert cls.mirror_reader.__func__ is not Target.mirror_reader.__func__


@pytest.mark.parametrize(("key", "cls"), TARGETS)
def test_targets_are_ready_only_once_connected(key, cls):
    class Unconnected:
        status, settings, status_reason = "not_connected", {}, None

    assert cls.is_ready(Unconnected()) is False


@pytest.mark.parametrize(("key", "cls"), ALL)
def test_oauth_connectors_declare_their_slug_and_flow(key, cls):
    assert cls.connect_kind in ("oauth", "key")
    if cls.connect_kind == "oauth":
        assert cls.connect_slug and cls.connect_slug.isidentifier()
        for method in ("oauth_site", "oauth_start", "oauth_finish"):
            assert getattr(cls, method).__func__ is not getattr(Connector, method).__func__, method


def test_connect_slugs_are_unique():
    slugs = [cls.connect_slug for cls in connectors.REGISTRY.values() if cls.connect_kind == "oauth"]
    assert len(slugs) == len(set(slugs))


def test_vat_code_rates_read_each_targets_own_reference_data():
    exact = connectors.get("exact_online").vat_code_rates({"vat_codes": [{"Code": "2  ", "Percentage": 0.21}]})
    visma = connectors.get("visma_eaccounting").vat_code_rates({"vat_codes": [{"Id": "a1", "Code": "HOOG", "VatRate": 0.21}]})
    assert exact == {"2  ": Decimal("21.00")} and visma == {"a1": Decimal("21.00")}
