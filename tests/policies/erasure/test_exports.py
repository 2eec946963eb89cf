"""The package's public names: complete, sorted, and each resolves to its module's object."""

import importlib

import policies.erasure as erasure


def test_every_exported_name_resolves_from_its_module():
    assert erasure.__all__ == sorted(erasure.__all__)
    for name in erasure.__all__:
        home = importlib.import_module(f"policies.erasure.{erasure._HOMES[name]}")
        assert getattr(erasure, name) is getattr(home, name)
        assert name in home.__all__
