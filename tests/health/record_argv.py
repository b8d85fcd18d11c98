#!/usr/bin/env python3
"""A command probe target: writes its arguments (after the first, the output
file) as a JSON list, prints a status line, exits with the code named by
`--exit=N` when that is the last argument (default 0)."""
import json
import sys

out, args = sys.argv[1], sys.argv[2:]
with open(out, "w") as f:
    json.dump(args, f)
code = 0
if args and args[-1].startswith("--exit="):
    code = int(args[-1].split("=", 1)[1])
print(json.dumps({"status": "UP" if code == 0 else "DEGRADED", "args": len(args)}))
sys.exit(code)
