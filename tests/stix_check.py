#!/usr/bin/python3
"""Checks a STIX 2.1 bundle written by `socwb-cli export`.

  stix_check.py BUNDLE.json SCHEMA_DIR

1. The bundle, and every object in it against the schema of its own type, with the OASIS STIX 2.1
   JSON schemas (SCHEMA_DIR = cti-stix2-json-schemas/schemas), through python3-jsonschema.
2. Every indicator's pattern (pattern_type stix) against the STIX pattern grammar: a recursive-descent
   parser written from STIXPattern.g4 (the grammar's rules are named in the comments).
3. Every reference (*_ref, *_refs) names an object in the bundle.

Prints one line per problem and a summary; exit 0 when clean, 1 with problems, 77 when
python3-jsonschema is not installed (the test skips).
"""
import json
import os
import re
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed")
    sys.exit(77)


# ---- STIXPattern.g4, as tokens and a recursive-descent parser -------------------------------------
TOKEN_RES = [
    ("TimestampLiteral", r"t'[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?Z'"),
    ("HexLiteral", r"h'([0-9a-fA-F]{2})*'"),
    ("BinaryLiteral", r"b'([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)'"),
    ("StringLiteral", r"'(?:[^'\\]|\\'|\\\\)*'"),
    ("FloatLiteral", r"[+-]?[0-9]*\.[0-9]+"),
    ("IntLiteral", r"[+-]?(0|[1-9][0-9]*)"),
    ("IdentifierWithHyphen", r"[a-zA-Z_][a-zA-Z0-9_-]*-[a-zA-Z0-9_-]*"),
    ("IdentifierWithoutHyphen", r"[a-zA-Z_][a-zA-Z0-9_]*"),
    ("NEQ", r"!=|<>"),
    ("LE", r"<="),
    ("GE", r">="),
    ("EQ", r"==?"),
    ("LT", r"<"),
    ("GT", r">"),
    ("PUNCT", r"[\[\]():,.*]"),
]
KEYWORDS = {"AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS",
            "LAST", "IN", "START", "STOP", "SECONDS", "true", "false", "WITHIN", "REPEATS", "TIMES"}


def tokenize(text):
    tokens, i = [], 0
    while i < len(text):
        if text[i] in " \t\r\n":
            i += 1
            continue
        for kind, rx in TOKEN_RES:
            m = re.compile(rx).match(text, i)
            if m:
                value = m.group(0)
                if kind == "IdentifierWithoutHyphen" and value in KEYWORDS:
                    kind = value
                elif kind == "PUNCT":
                    kind = value
                tokens.append((kind, value))
                i = m.end()
                break
        else:
            raise SyntaxError("unexpected character %r at %d" % (text[i], i))
    return tokens


class Pattern:
    def __init__(self, text):
        self.t = tokenize(text)
        self.i = 0

    def peek(self, *kinds):
        return self.i < len(self.t) and self.t[self.i][0] in kinds

    def take(self, *kinds):
        if not self.peek(*kinds):
            got = self.t[self.i][1] if self.i < len(self.t) else "end"
            raise SyntaxError("expected %s, got %r" % (" or ".join(kinds), got))
        self.i += 1
        return self.t[self.i - 1]

    def parse(self):  # pattern : observationExpressions EOF
        self.observation_expressions()
        if self.i != len(self.t):
            raise SyntaxError("trailing %r" % self.t[self.i][1])

    def observation_expressions(self):  # ... FOLLOWEDBY ...
        self.observation_or()
        while self.peek("FOLLOWEDBY"):
            self.take("FOLLOWEDBY")
            self.observation_or()

    def observation_or(self):
        self.observation_and()
        while self.peek("OR"):
            self.take("OR")
            self.observation_and()

    def observation_and(self):
        self.observation_expression()
        while self.peek("AND"):
            self.take("AND")
            self.observation_expression()

    def observation_expression(self):
        if self.peek("["):
            self.take("[")
            self.comparison_expression()
            self.take("]")
        else:
            self.take("(")
            self.observation_expressions()
            self.take(")")
        while self.peek("START", "WITHIN", "REPEATS"):  # qualifiers
            kind = self.take("START", "WITHIN", "REPEATS")[0]
            if kind == "START":
                self.take("TimestampLiteral")
                self.take("STOP")
                self.take("TimestampLiteral")
            elif kind == "WITHIN":
                self.positive("IntLiteral", "FloatLiteral")
                self.take("SECONDS")
            else:
                self.positive("IntLiteral")
                self.take("TIMES")

    def positive(self, *kinds):
        if self.take(*kinds)[1].startswith("-"):
            raise SyntaxError("a positive number is expected")

    def comparison_expression(self):
        self.comparison_and()
        while self.peek("OR"):
            self.take("OR")
            self.comparison_and()

    def comparison_and(self):
        self.prop_test()
        while self.peek("AND"):
            self.take("AND")
            self.prop_test()

    def prop_test(self):
        if self.peek("("):
            self.take("(")
            self.comparison_expression()
            self.take(")")
            return
        if self.peek("NOT") and self.t[self.i + 1][0] == "EXISTS" or self.peek("EXISTS"):
            if self.peek("NOT"):
                self.take("NOT")
            self.take("EXISTS")
            self.object_path()
            return
        self.object_path()
        if self.peek("NOT"):
            self.take("NOT")
        op = self.take("EQ", "NEQ", "GT", "LT", "GE", "LE", "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET")[0]
        if op in ("EQ", "NEQ"):
            self.primitive_literal()
        elif op in ("GT", "LT", "GE", "LE"):
            self.take("IntLiteral", "FloatLiteral", "StringLiteral", "BinaryLiteral", "HexLiteral", "TimestampLiteral")
        elif op == "IN":
            self.take("(")
            if not self.peek(")"):
                self.primitive_literal()
                while self.peek(","):
                    self.take(",")
                    self.primitive_literal()
            self.take(")")
        else:
            self.take("StringLiteral")

    def primitive_literal(self):
        self.take("IntLiteral", "FloatLiteral", "StringLiteral", "BinaryLiteral", "HexLiteral", "TimestampLiteral",
                  "true", "false")

    def object_path(self):  # objectType ':' firstPathComponent objectPathComponent?
        self.take("IdentifierWithoutHyphen", "IdentifierWithHyphen")
        self.take(":")
        self.take("IdentifierWithoutHyphen", "StringLiteral")
        while self.peek(".", "["):
            if self.take(".", "[")[0] == ".":
                self.take("IdentifierWithoutHyphen", "StringLiteral")
            else:
                self.take("IntLiteral", "*")
                self.take("]")


# ---- the schemas ---------------------------------------------------------------------------------
def load_schemas(schema_dir):
    store = {}
    for root, _, files in os.walk(schema_dir):
        for name in files:
            if name.endswith(".json"):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    schema = json.load(f)
                store[schema["$id"]] = schema
    return store


def validator_for(store, schema_dir, relative):
    with open(os.path.join(schema_dir, relative), encoding="utf-8") as f:
        schema = json.load(f)
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())


def main():
    bundle_path, schema_dir = sys.argv[1], sys.argv[2]
    with open(bundle_path, encoding="utf-8") as f:
        bundle = json.load(f)
    store = load_schemas(schema_dir)
    folders = {}
    for folder in ("sdos", "sros", "observables", "common"):
        for name in os.listdir(os.path.join(schema_dir, folder)):
            folders[name[:-5]] = folder + "/" + name
    problems = []
    for e in validator_for(store, schema_dir, "common/bundle.json").iter_errors(bundle):
        problems.append("bundle: %s at %s" % (e.message[:200], "/".join(map(str, e.absolute_path))))
    ids = {o.get("id") for o in bundle.get("objects", [])}
    for o in bundle.get("objects", []):
        kind = o.get("type")
        if kind not in folders:
            problems.append("%s: no schema for type %r" % (o.get("id"), kind))
            continue
        for e in validator_for(store, schema_dir, folders[kind]).iter_errors(o):
            problems.append("%s: %s at %s" % (o.get("id"), e.message[:200], "/".join(map(str, e.absolute_path))))
        if kind == "indicator" and o.get("pattern_type") == "stix":
            try:
                Pattern(o["pattern"]).parse()
            except SyntaxError as e:
                problems.append("%s: pattern %s: %s" % (o["id"], o["pattern"], e))
        for key, value in o.items():
            refs = value if key.endswith("_refs") else [value] if key.endswith("_ref") else []
            for ref in refs:
                if ref not in ids:
                    problems.append("%s: %s names %s, not in the bundle" % (o["id"], key, ref))
    for p in problems:
        print(p)
    print("%d object(s), %d problem(s)" % (len(bundle.get("objects", [])), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
