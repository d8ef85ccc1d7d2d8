"""The launch flows of flows.json, expanded for this machine (the HTTP tier's reader of the table;
the browser tier's is tests/e2e/flows/table.mjs).
"""

import json
import os
import re
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = re.compile(r"\{([A-Za-z0-9_]+)(\|uri)?\}")


def uri(text):
    """encodeURIComponent: everything escaped but letters, digits and - _ . ! ~ * ' ( )."""
    return urllib.parse.quote(text, safe="-_.!~*'()")


def pull_query(url):
    """The query of a URL as a dict, refusing a repeated name (nbgitpuller and BinderHub read one)."""
    out = {}
    for key, value in urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True):
        if key in out:
            raise ValueError(f"the query repeats {key}")
        out[key] = value
    return out


def matches(query, want):
    """`query` (a dict) is `want`: the same names, each value equal, or for a {"git-pull": {...}}
    value, an nbgitpuller link whose query is exactly that."""
    if set(query) != set(want):
        return False
    for key, value in want.items():
        if isinstance(value, dict):
            text = query[key]
            if not text.startswith("git-pull?") or pull_query(text) != value["git-pull"]:
                return False
        elif query[key] != value:
            return False
    return True


class Table:
    """flows.json with every `{name}` replaced: ports.env, `values`, `links`, demo-book's commit."""

    def __init__(self, ports, book_commit=None):
        with open(os.path.join(HERE, "flows.json")) as f:
            self.raw = json.load(f)
        self.names = {**ports, **self.raw["values"], **self.raw["links"]}
        if book_commit:
            self.names["bookCommit"] = book_commit
        self.notebooks = self.raw["notebooks"]

    def servers(self, tier, only=None):
        """The servers the flows `tier` walks need (flow ids matching the regex `only`)."""
        return sorted({hub["server"] for key, hub in self.raw["hubs"].items() for flow in self.raw["flows"]
                       if tier in flow["on"].get(key, []) and (not only or only.search(f"{key}-{flow['name']}"))})

    def resolve(self, name, depth=0):
        if name not in self.names or depth > 8:
            raise KeyError(f"flows.json names {{{name}}}, which is not defined (or defined in a loop)")
        return NAME.sub(lambda m: self._one(m, depth + 1), self.names[name])

    def _one(self, m, depth):
        value = self.resolve(m.group(1), depth)
        return uri(value) if m.group(2) else value

    def expand(self, value):
        if isinstance(value, str):
            return NAME.sub(lambda m: self._one(m, 0), value)
        if isinstance(value, dict):
            return {k: self.expand(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.expand(v) for v in value]
        return value

    def link(self, key):
        return self.resolve(key)

    def flows(self, tier):
        """The flows `tier` walks, in order: by hub (the order of `hubs`), then as listed. Each is
        the flow's fields expanded, plus id, hub (its entry with its key) and href (the link)."""
        out = []
        for key, hub in self.raw["hubs"].items():
            for flow in self.raw["flows"]:
                if tier in flow["on"].get(key, []):
                    f = self.expand({k: v for k, v in flow.items() if k != "on"})
                    f["id"] = f"{key}-{flow['name']}"
                    f["hub"] = {**self.expand(hub), "key": key}
                    f["href"] = self.link(flow["link"]) if "link" in flow else None
                    out.append(f)
        return out
