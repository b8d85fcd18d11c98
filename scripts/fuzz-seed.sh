#!/usr/bin/env bash
# Seed the fuzz corpora (fuzz/corpus/TARGET) from the repo's own fixtures and
# examples, plus hand-written inputs for the shapes fixtures lack. Run once
# before the first fuzz run; `cargo fuzz cmin` then keeps the inputs that add
# coverage, and the minimised corpora are committed.
#   scripts/fuzz-seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p $c/{query,entity_ref,files_source,markdown,html,sanitise,form}
seed() { # seed TARGET NAME TEXT
  printf '%s' "$3" > "$c/$1/seed-$2"
}
# Query: the parser's own test inputs and the field names.
seed query 1 'kind:Component owner:team-payments -lifecycle:experimental payment TAG:java -legacy'
seed query 2 'foo:bar -Baz:1 component:x https://x.example/a owner:me'
seed query 3 'kind:api owner: component:payments-api - '
seed query 4 'system:s type:service lifecycle:production namespace:default tag:x name:y title:z -'
# Refs: every spelling Backstage writes.
seed entity_ref 1 'component:default/payments-api'
seed entity_ref 2 'group:team-a'
seed entity_ref 3 'user:default/jane.doe'
seed entity_ref 4 'payments'
seed entity_ref 5 'api:ns-1/a_b.c'
seed entity_ref 6 'Component:Default/X'
# Catalog files: the examples and the hostile fixture.
for f in ../shared/backstage-examples/*.yaml tests/fixtures/hostile/catalog-info.yaml \
         tests/backstage/fixtures/catalog/templates/*.yaml; do
  [ -f "$f" ] && cp "$f" "$c/files_source/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
done
# Pages.
for f in tests/fixtures/docs/*.md README.md; do cp "$f" "$c/markdown/seed-$(basename "$f")"; done
for f in tests/fixtures/docs/*.html; do cp "$f" "$c/html/seed-$(basename "$f")"; done
find tests/backstage/fixtures/techdocs -name '*.html' | while read -r f; do
  cp "$f" "$c/html/seed-$(echo "$f" | tr / _)"
done
# Sanitiser: each kind of sequence once.
seed sanitise 1 $'a\e[2Jb\e]0;title\ac\eP1;2|x\e\\d\u009b31me\u009d8;;u\u009cf'
seed sanitise 2 $'\u202eevil\u2066x\u200f\t\r\n\u0085\u007f\0end'
seed sanitise 3 $'\e(B\e#8\e=\e7text\e'
# Forms: the fixture, the template's parameters, and the composition shapes.
cp tests/fixtures/forms/*.json "$c/form/"
seed form refloop '{"steps":[{"schema":{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"type":"object","properties":{"x":{"$ref":"#/definitions/a"},"y":{"$ref":"#"}}}}]}'
seed form deps '{"title":"t","steps":[{"title":"s","schema":{"type":"object","properties":{"kind":{"type":"string","enum":["a","b"],"default":"a"},"n":{"type":"integer","minimum":1}},"dependencies":{"kind":{"oneOf":[{"properties":{"kind":{"const":"a"},"x":{"type":"boolean"}}},{"properties":{"kind":{"const":"b"},"y":{"type":"array","items":{"type":"string","enum":["p","q"]},"uniqueItems":true}},"required":["y"]}]},"n":["kind"]}}}]}'
seed form ifthen '[{"title":"one","type":"object","required":["a"],"properties":{"a":{"type":"string","ui:widget":"password"},"o":{"type":"object","properties":{"deep":{"type":"number","ui:field":"Secret"}}}},"if":{"properties":{"a":{"const":"x"}}},"then":{"properties":{"b":{"type":"string","ui:field":"EntityPicker","ui:options":{"catalogFilter":{"kind":"Group"}}}}},"else":{"allOf":[{"properties":{"c":{"type":"string","format":"date"}}},{"required":["c"]}]}},{"title":"two","properties":{"r":{"type":"string","ui:field":"RepoUrlPicker","ui:options":{"allowedHosts":["github.com"]}},"h":{"type":"string","ui:widget":"hidden","default":"z"},"l":{"type":"array","items":{"type":"string"}},"ui:order":["r","*"]}}]'
if command -v python3 >/dev/null; then
  python3 - "$c/form" <<'PY' || true
import sys, json, glob
try:
    import yaml
except ImportError:
    sys.exit(0)
for i, f in enumerate(glob.glob("tests/backstage/fixtures/catalog/templates/*.yaml")):
    for d in yaml.safe_load_all(open(f)):
        if d and d.get("kind") == "Template":
            json.dump(d["spec"]["parameters"], open(f"{sys.argv[1]}/seed-template-{i}.json", "w"))
PY
fi
du -sh $c/*
