"""What facts are about: an AWS service or a topic. A module of its own so the render
workers can unpickle a sheet without importing the stages that read notes."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Subject:
    """What facts are about: an AWS service or a topic."""

    name: str
    """Canonical service name, or the topic's title as written."""
    kind: str
    """``service`` or ``topic``."""
    slug: str
    """File-name-safe form of the name (sheet file names)."""
    category: str = ""
    """The service's category from the catalog; empty for topics."""
