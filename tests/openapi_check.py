#!/usr/bin/env python3
"""Checks the gateway's real answers against its OpenAPI 3.1 document.

    openapi_check.py --base http://127.0.0.1:PORT --doc openapi.json \
        [--skip PATH] < requests

Each line of the input is "PATH STATUS": the request target and the status
the answer must have.  Every request goes on ONE HTTP/1.1 connection (an
answer that closes it fails: keep-alive must work).  For each answer: the
status is documented for the path's template, the media type is one the
document lists for it, and a JSON body validates against its schema
(JSON Schema 2020-12, the dialect of OpenAPI 3.1, with Debian's
python3-jsonschema).  At the end every path of the document must have been
asked at least once (but the --skip ones), so the document cannot grow a
path no test looks at.  Exit 0, 1 with the reasons, 77 without jsonschema.
"""
import argparse
import http.client
import json
import re
import sys
import urllib.parse

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed (scripts/install-deps)")
    sys.exit(77)


def load_doc(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("openapi", "").split(".")[:2] != ["3", "1"]:
        raise SystemExit("FAIL: not an OpenAPI 3.1 document")
    return doc


def schema_of(doc, schema):
    """'schema' standing alone: its references to #/components/schemas
    point into $defs of its own root, so no resolver is needed."""
    text = json.dumps(schema).replace("#/components/schemas/", "#/$defs/")
    defs = json.loads(json.dumps(doc["components"]["schemas"]).replace(
        "#/components/schemas/", "#/$defs/"))
    root = json.loads(text)
    root["$defs"] = defs
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return root


def check_schemas(doc):
    """Every schema of the document is a valid 2020-12 schema and every
    reference names a schema that exists."""
    problems = []
    names = set(doc["components"]["schemas"])
    for ref in re.findall(r'"\$ref": "([^"]*)"', json.dumps(doc)):
        if not ref.startswith("#/components/schemas/") or \
                ref.rsplit("/", 1)[1] not in names:
            problems.append("unresolved $ref " + ref)
    for name, schema in doc["components"]["schemas"].items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema_of(doc, schema))
        except jsonschema.SchemaError as e:
            problems.append("schema %s: %s" % (name, e.message))
    return problems


def template_of(doc, path):
    """The document's path template matching 'path', or None."""
    for template in doc["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    return None


def check_answer(doc, target, status, response, body):
    path = urllib.parse.urlsplit(target).path
    template = template_of(doc, path)
    if template is None:
        return ["%s: no path of the document matches" % target]
    responses = doc["paths"][template]["get"]["responses"]
    documented = responses.get(str(status))
    if documented is None:
        return ["%s: status %d is not documented for %s" %
                (target, status, template)]
    content = documented.get("content")
    if not content:
        return [] if not body else ["%s: %d has a body, none documented" %
                                    (target, status)]
    media = (response.getheader("Content-Type") or "").split(";")[0].strip()
    if media not in content:
        return ["%s: Content-Type %s, documented: %s" %
                (target, media, ", ".join(content))]
    if not media.endswith("json"):
        return []
    try:
        value = json.loads(body)
    except ValueError as e:
        return ["%s: not JSON: %s" % (target, e)]
    validator = jsonschema.Draft202012Validator(
        schema_of(doc, content[media]["schema"]))
    return ["%s: %s at %s" % (target, e.message,
                              "/".join(str(p) for p in e.absolute_path))
            for e in validator.iter_errors(value)][:5]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--skip", action="append", default=[])
    args = parser.parse_args()
    doc = load_doc(args.doc)
    problems = check_schemas(doc)
    base = urllib.parse.urlsplit(args.base)
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    asked = set()
    count = 0
    for line in sys.stdin:
        if not line.strip() or line.startswith("#"):
            continue
        target, want = line.split()
        conn.request("GET", target)
        response = conn.getresponse()
        body = response.read()
        count += 1
        if response.status != int(want):
            problems.append("%s: status %d, expected %s: %s" %
                            (target, response.status, want, body[:200]))
        problems += check_answer(doc, target, response.status, response,
                                 body)
        template = template_of(doc, urllib.parse.urlsplit(target).path)
        asked.add(template)
        if response.will_close:
            problems.append("%s: the connection was closed after the "
                            "answer (no keep-alive)" % target)
            conn.close()
            conn = http.client.HTTPConnection(base.hostname, base.port,
                                              timeout=30)
    for template in doc["paths"]:
        if template not in asked and template not in args.skip:
            problems.append("%s: documented, never asked" % template)
    for p in problems:
        print("FAIL: " + p)
    print("%d answers checked against %d paths" % (count, len(doc["paths"])))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
