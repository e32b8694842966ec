"""In-process fakes of outside services, for tests. Nothing here reaches the network."""

from .fake_sheets import FakeSheets, Formula, make_client

__all__ = ["FakeSheets", "Formula", "make_client"]
