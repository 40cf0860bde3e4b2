"""Every registered connector passes the same contract: declared, documented, secrets marked."""
from __future__ import annotations

import pytest

from worker import connectors
from worker.connectors.base import Source, Target

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
