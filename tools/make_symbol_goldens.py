"""MXNet 1.9.1's JSON for each construction in symbol_constructions.py -> tests/goldens/symbol_api.json.

Run in the side venv: .mxnet-venv/bin/python tools/make_symbol_goldens.py
"""
import json
import os
import sys

import mxnet as mx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from symbol_constructions import CONSTRUCTIONS  # noqa: E402

result = {}
for name, code in CONSTRUCTIONS.items():
    with mx.name.NameManager():
        scope = {"sym": mx.sym}
        exec(code, scope)
        out = scope["out"]
        result[name] = {"json": out.tojson(), "arguments": out.list_arguments(),
                        "outputs": out.list_outputs(), "aux": out.list_auxiliary_states(),
                        "internals": out.get_internals().list_outputs()}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "goldens", "symbol_api.json")
with open(path, "w") as fh:
    json.dump(result, fh, indent=1, sort_keys=True)
print("wrote", os.path.normpath(path))
