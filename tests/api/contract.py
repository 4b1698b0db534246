"""Breaking changes between two OpenAPI 3.0 documents: the baseline and the live one.

``breaking_changes(baseline, live)`` lists, in words, what a client written against the baseline
would lose:

- a path, or an operation (method) of a path;
- a parameter of an operation;
- a request body's property (required or not: unknown fields are rejected by name, so a client
  sending one that disappeared would get a 422), or a type the property accepted;
- a response (status code and content type), a response property, a property becoming
  optional, or a property's type changing (nullable included); a response map that becomes an
  object of fixed keys keeps its promise if each key holds the map's type;

walking ``$ref``s (and one-schema ``allOf`` wrappers), nested objects, arrays,
``additionalProperties`` maps and ``oneOf`` / ``anyOf`` alternatives. Additions (paths,
operations, optional request fields, response properties, request types) are allowed, and so is
a request schema that now accepts anything (``{}``, or an ``anyOf`` holding it).

A deliberate change is made by rewriting the baseline file, so that it shows in review:

    .venv/bin/python -m tests.api.contract --write
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

BASELINE = Path(__file__).with_name("openapi-baseline.json")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ANNOTATIONS = frozenset({"description", "title", "example", "default", "deprecated", "readOnly",
                         "writeOnly"})


def dumps(document: dict) -> str:
    """The baseline file's text: pretty-printed, sorted keys, one trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def live_document() -> dict:
    from api import create_app

    app = create_app({"TESTING": True, "ACCESS_LOG": False})
    return app.test_client().get("/openapi.json").get_json()


class _Walker:
    def __init__(self, baseline: dict, live: dict) -> None:
        self.docs = (baseline, live)
        self.seen: set[tuple[str, str, bool]] = set()

    def resolve(self, which: int, node: dict) -> tuple[dict, str]:
        """``node`` with its ``$ref``s followed, and the last ref (a key for cycles).

        A one-schema ``allOf`` is followed too, its own keywords kept: it is how OpenAPI 3.0
        gives a reference a description (``{"allOf": [{"$ref": ...}], "description": ...}``).
        """
        ref = ""
        while isinstance(node, dict):
            if "$ref" in node:
                ref = node["$ref"]
                target: object = self.docs[which]
                for part in ref.removeprefix("#/").split("/"):
                    if not isinstance(target, dict) or part not in target:
                        return {}, ref  # a reference to what disappeared: nothing promised
                    target = target[part]
                node = target  # type: ignore[assignment]
            elif len(node.get("allOf", ())) == 1:
                inner, inner_ref = self.resolve(which, node["allOf"][0])
                ref = inner_ref or ref
                node = {**inner, **{k: v for k, v in node.items() if k != "allOf"}}
            else:
                break
        return node, ref

    def types(self, which: int, schema: dict) -> frozenset[str]:
        """The JSON types a schema allows, ``null`` included when nullable."""
        schema, _ = self.resolve(which, schema)
        out: set[str] = set()
        for key in ("oneOf", "anyOf"):
            for alternative in schema.get(key, ()):
                out |= self.types(which, alternative)
        if "type" in schema:
            out.add(schema["type"])
        elif "properties" in schema or "additionalProperties" in schema:
            out.add("object")
        if schema.get("nullable"):
            out.add("null")
        return frozenset(out)

    def top(self, where: str, old: dict, new: dict, request: bool) -> Iterator[str]:
        """Compare the schemas of one body, response or parameter."""
        self.seen.clear()
        yield from self.compare(where, old, new, request)

    def accepts_anything(self, which: int, schema: dict) -> bool:
        """Whether a schema accepts every value: no keyword but annotations, or an ``anyOf``
        with such an alternative."""
        schema, _ = self.resolve(which, schema)
        keywords = {k for k in schema if k not in ANNOTATIONS and not k.startswith("x-")}
        if not keywords:
            return True
        return keywords == {"anyOf"} and any(self.accepts_anything(which, alternative)
                                             for alternative in schema["anyOf"])

    def compare(self, where: str, old: dict, new: dict, request: bool) -> Iterator[str]:
        if request and self.accepts_anything(1, new):
            return  # nothing a client sends is refused by the document any longer
        old, old_ref = self.resolve(0, old)
        new, new_ref = self.resolve(1, new)
        if old_ref and new_ref:
            key = (old_ref, new_ref, request)  # once per body or response (cycles)
            if key in self.seen:
                return
            self.seen.add(key)
        old_types, new_types = self.types(0, old), self.types(1, new)
        if request and not old_types <= new_types:
            yield (f"{where}: accepted {sorted(old_types)}, now {sorted(new_types)}")
            return
        if not request and old_types != new_types:
            yield f"{where}: type was {sorted(old_types)}, now {sorted(new_types)}"
            return
        yield from self._alternatives(where, old, new, request)
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        for name, schema in old_props.items():
            if name not in new_props:
                what = "required field" if name in old_required else "field"
                yield f"{where}.{name}: {what} disappeared"
                continue
            if not request and name in old_required and name not in new_required:
                yield f"{where}.{name}: no longer required"
            yield from self.compare(f"{where}.{name}", schema, new_props[name], request)
        if request:
            for name in old_required - new_required - set(old_props):
                yield f"{where}.{name}: required field disappeared"
        if isinstance(old.get("additionalProperties"), dict):
            extra = new.get("additionalProperties")
            if isinstance(extra, dict):
                yield from self.compare(f"{where}.*", old["additionalProperties"], extra,
                                        request)
            elif extra is False and request:
                yield f"{where}: no longer accepts other keys"
            elif extra is False:  # a response map now with fixed keys: each still of its type
                for name in new_props.keys() - old_props.keys():
                    yield from self.compare(f"{where}.{name}", old["additionalProperties"],
                                            new_props[name], request)
        if "items" in old:
            if "items" not in new:
                yield f"{where}[]: items no longer described"
            else:
                yield from self.compare(f"{where}[]", old["items"], new["items"], request)

    def _alternatives(self, where: str, old: dict, new: dict, request: bool) -> Iterator[str]:
        """Each object or array alternative of a oneOf/anyOf, against the live one of its type."""
        new_alternatives = [a for key in ("oneOf", "anyOf") for a in new.get(key, ())]
        old_alternatives = [a for key in ("oneOf", "anyOf") for a in old.get(key, ())]
        for i, alternative in enumerate(old_alternatives):
            kinds = self.types(0, alternative) - {"null"}
            if not kinds & {"object", "array"}:
                continue
            # the same position first (an unchanged list), else the first of the same kinds
            match = [a for a in new_alternatives[i:i + 1] + new_alternatives
                     if self.types(1, a) - {"null"} == kinds]
            if match:
                yield from self.compare(f"{where}<{'|'.join(sorted(kinds))}>", alternative,
                                        match[0], request)


def breaking_changes(baseline: dict, live: dict) -> list[str]:
    """What a client of ``baseline`` would lose against ``live``; empty when nothing."""
    walker = _Walker(baseline, live)
    out: list[str] = []
    for path, old_item in baseline.get("paths", {}).items():
        new_item = live.get("paths", {}).get(path)
        if new_item is None:
            out.append(f"{path}: path disappeared")
            continue
        shared = {(p["name"], p["in"]) for p in new_item.get("parameters", ())}
        for method in METHODS:
            if method not in old_item:
                continue
            where = f"{method.upper()} {path}"
            if method not in new_item:
                out.append(f"{where}: operation disappeared")
                continue
            old_op, new_op = old_item[method], new_item[method]
            out.extend(_parameters(walker, where, old_item, old_op, new_item, new_op, shared))
            out.extend(_request_body(walker, where, old_op, new_op))
            out.extend(_responses(walker, where, old_op, new_op))
    return out


def _parameters(walker: _Walker, where: str, old_item: dict, old_op: dict, new_item: dict,
                new_op: dict, shared: set) -> Iterator[str]:
    new = {(p["name"], p["in"]): p for p in (*new_item.get("parameters", ()),
                                              *new_op.get("parameters", ()))}
    for parameter in (*old_item.get("parameters", ()), *old_op.get("parameters", ())):
        key = (parameter["name"], parameter["in"])
        if key not in new:
            yield f"{where}: {parameter['in']} parameter {parameter['name']} disappeared"
        elif "schema" in parameter and "schema" in new[key]:
            yield from walker.top(f"{where} {parameter['in']}:{parameter['name']}",
                                      parameter["schema"], new[key]["schema"], request=True)


def _request_body(walker: _Walker, where: str, old_op: dict, new_op: dict) -> Iterator[str]:
    old_body, _ = walker.resolve(0, old_op.get("requestBody", {}))
    new_body, _ = walker.resolve(1, new_op.get("requestBody", {}))
    for media, content in old_body.get("content", {}).items():
        if media not in new_body.get("content", {}):
            yield f"{where}: request body as {media} no longer accepted"
        elif "schema" in content:
            yield from walker.top(f"{where} body", content["schema"],
                                      new_body["content"][media].get("schema", {}),
                                      request=True)


def _responses(walker: _Walker, where: str, old_op: dict, new_op: dict) -> Iterator[str]:
    new_responses = new_op.get("responses", {})
    for status, old_response in old_op.get("responses", {}).items():
        if status not in new_responses:
            yield f"{where}: response {status} disappeared"
            continue
        old_response, _ = walker.resolve(0, old_response)
        new_response, _ = walker.resolve(1, new_responses[status])
        for media, content in old_response.get("content", {}).items():
            new_content = new_response.get("content", {})
            if media not in new_content:
                yield f"{where} {status}: response as {media} disappeared"
            elif "schema" in content:
                yield from walker.top(f"{where} {status}", content["schema"],
                                          new_content[media].get("schema", {}), request=False)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.api.contract --write   (rewrites the baseline from the "
                 "live document)")
    BASELINE.write_text(dumps(live_document()), encoding="utf-8")
    print(f"wrote {BASELINE.name}")
