"""The location tree of a tenant, with home counts, built from one query."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from portal.accounts.scoping import Tenant, scoped
from portal.locations.models import ALLOWED_CHILDREN, Location


@dataclass
class Node:
    location: Location
    homes_here: int
    homes_total: int = 0  # in the whole subtree
    children: list[Node] = field(default_factory=list)
    level: int = 0

    @property
    def can_have_children(self) -> bool:
        return bool(ALLOWED_CHILDREN[self.location.kind])


def build_tree(tenant: Tenant) -> list[Node]:
    """The visible roots (a scoped member's roots are their scope's locations), children sorted by name."""
    rows = scoped(Location, tenant).annotate(home_count=Count("homes")).order_by("path")
    nodes = {loc.pk: Node(loc, loc.home_count) for loc in rows}
    roots = []
    for node in nodes.values():
        node.homes_total += node.homes_here
        for ancestor_id in node.location.ancestor_ids:
            if ancestor_id in nodes:
                nodes[ancestor_id].homes_total += node.homes_here
        parent = nodes.get(node.location.parent_id) if node.location.parent_id else None
        (parent.children if parent else roots).append(node)

    def arrange(level_nodes: list[Node], level: int) -> None:
        level_nodes.sort(key=lambda n: (n.location.name.lower(), n.location.pk))
        for node in level_nodes:
            node.level = level
            arrange(node.children, level + 1)

    arrange(roots, 0)
    return roots
