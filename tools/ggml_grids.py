#!/usr/bin/env python3
"""Extracts ggml's published i-quant code books (grids and sign table) from ggml-common.h into the
engine's data resource. Run once when the tables change:

    python3 tools/ggml_grids.py path/to/ggml/src/ggml-common.h SOURCE-DESCRIPTION \
        > engine/src/main/resources/dev/nemotron4j/engine/kernels/ggml-iquant-grids.txt

Prints each table's SHA-256 (over its values as little-endian bytes) on stderr; LatticeGrids checks the
same digests when it loads the file.
"""
import hashlib
import re
import struct
import sys

TABLES = [  # (name, C element type, count)
    ("ksigns_iq2xs", "uint8_t", 128),
    ("iq2xxs_grid", "uint64_t", 256),
    ("iq2xs_grid", "uint64_t", 512),
    ("iq2s_grid", "uint64_t", 1024),
    ("iq3xxs_grid", "uint32_t", 256),
    ("iq3s_grid", "uint32_t", 512),
    ("iq1s_grid", "uint64_t", 2048),
]
WIDTH = {"uint8_t": 1, "uint32_t": 4, "uint64_t": 8}
PACK = {1: "<B", 4: "<I", 8: "<Q"}


def table(text, name, ctype, count):
    m = re.search(r"GGML_TABLE_BEGIN\(" + ctype + r",\s*" + name + r",\s*\w+\)(.*?)GGML_TABLE_END\(\)", text, re.S)
    if not m:
        sys.exit(f"table {name} not found")
    body = m.group(1)
    vals = [int(v, 0) for v in re.findall(r"0x[0-9a-fA-F]+|\d+", body)]
    if len(vals) != count:
        sys.exit(f"{name}: {len(vals)} values, expected {count}")
    return vals


def main():
    text = open(sys.argv[1]).read()
    source = sys.argv[2]
    out = [f"# ggml i-quant code books, extracted by tools/ggml_grids.py from ggml/src/ggml-common.h ({source}).",
           "# Published numeric data: each table is '= name width count', then its values in hex, in order."]
    for name, ctype, count in TABLES:
        vals = table(text, name, ctype, count)
        w = WIDTH[ctype]
        digest = hashlib.sha256(b"".join(struct.pack(PACK[w], v) for v in vals)).hexdigest()
        print(f"{name} {digest}", file=sys.stderr)
        out.append(f"= {name} {w} {count}")
        per_line = 16 if w == 1 else (8 if w == 4 else 4)
        for i in range(0, count, per_line):
            out.append(" ".join(f"{v:0{2 * w}x}" for v in vals[i:i + per_line]))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
