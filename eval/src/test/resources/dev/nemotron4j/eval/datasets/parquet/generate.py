# Generates the Parquet fixtures of ParquetFileTest, once, with pyarrow (run: python3 generate.py in this folder).
# Each NAME.parquet has NAME.expected.jsonl: pyarrow's own reading of it (to_pylist), one JSON object per row.
# The files are committed; the tests never run Python.
import json
import pyarrow as pa
import pyarrow.parquet as pq


def write(name, table, **options):
    pq.write_table(table, name + ".parquet", **options)
    if name.startswith("unsupported-") or name.startswith("all-null-"):
        return
    with open(name + ".expected.jsonl", "w", encoding="utf-8") as out:
        for row in pq.read_table(name + ".parquet").to_pylist():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def scalars(nullable, rows=9):
    schema = pa.schema([
        pa.field("b", pa.bool_(), nullable), pa.field("i32", pa.int32(), nullable), pa.field("i64", pa.int64(), nullable),
        pa.field("f32", pa.float32(), nullable), pa.field("f64", pa.float64(), nullable), pa.field("s", pa.string(), nullable),
        pa.field("i8", pa.int8(), nullable), pa.field("u32", pa.uint32(), nullable), pa.field("u64", pa.uint64(), nullable),
    ])
    words = ["alpha", "β-beta", "", "gamma ✓", "alpha", "日本語", "alpha", "x" * 70, "δ"]
    cols = {
        "b": [i % 3 == 0 for i in range(rows)],
        "i32": [(-1) ** i * i * 100003 for i in range(rows)],
        "i64": [(-1) ** i * i * 10 ** 15 + 7 for i in range(rows)],
        "f32": [0.1 * i - 0.25 for i in range(rows)],
        "f64": [1.0 / (i + 1) - 0.5 for i in range(rows)],
        "s": [words[i % len(words)] for i in range(rows)],
        "i8": [(-1) ** i * (i * 13 % 128) for i in range(rows)],
        "u32": [4294967295 - i for i in range(rows)],
        "u64": [18446744073709551615 - i * 3 for i in range(rows)],
    }
    if nullable:
        for k, v in cols.items():
            for i in range(len(v)):
                if (i + len(k)) % 4 == 0:
                    v[i] = None
    return pa.table(cols, schema=schema)


def lists(rows=40):
    options = []
    for i in range(rows):
        if i % 7 == 3:
            options.append(None)                      # a null list
        elif i % 5 == 1:
            options.append([])                        # an empty list
        else:
            options.append([None if (i + j) % 6 == 5 else f"opt {i}.{j} ☆" for j in range(i % 11)])
    ints = [[i * j for j in range(i % 4)] for i in range(rows)]
    schema = pa.schema([pa.field("id", pa.int64(), False), pa.field("options", pa.list_(pa.string()), True),
                        pa.field("ints", pa.list_(pa.field("element", pa.int64(), False)), False)])
    return pa.table({"id": list(range(rows)), "options": options, "ints": ints}, schema=schema)


def mmlu_pro_shaped():
    cats = ["math", "law", "physics", "computer science", "health"]
    rows = []
    for i in range(30):
        n = 10 if i % 3 else 4 + i % 6
        options = [f"Option {chr(65 + k)} of question {i}: " + ("long text " * (k + i % 5)) for k in range(n)]
        rows.append({
            "question_id": 70 + i,
            "question": f"Question {i}: " + "Which statement about the 'Überraschung' ∑ is true? " * (1 + i % 4),
            "options": options,
            "answer": chr(65 + (i * 7) % n),
            "answer_index": (i * 7) % n,
            "cot_content": "" if i % 2 else "A: Let's think step by step. " * (i % 9),
            "category": cats[i % len(cats)],
            "src": f"ori_mmlu-{cats[i % len(cats)].replace(' ', '_')}",
        })
    schema = pa.schema([pa.field("question_id", pa.int64()), pa.field("question", pa.string()), pa.field("options", pa.list_(pa.string())),
                        pa.field("answer", pa.string()), pa.field("answer_index", pa.int64()), pa.field("cot_content", pa.string()),
                        pa.field("category", pa.string()), pa.field("src", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


write("scalars-plain-uncompressed", scalars(False), compression="none", use_dictionary=False, data_page_version="1.0")
write("scalars-optional-snappy-dictionary-v1", scalars(True, 40), compression="snappy", use_dictionary=True,
      data_page_version="1.0", version="1.0", data_page_size=64, write_batch_size=8)
write("scalars-optional-gzip-v2", scalars(True, 40), compression="gzip", use_dictionary=True, data_page_version="2.0",
      data_page_size=64, write_batch_size=8)
write("scalars-plain-snappy-v2", scalars(True, 25), compression="snappy", use_dictionary=False, data_page_version="2.0")
write("lists-snappy-v1", lists(), compression="snappy", data_page_version="1.0", row_group_size=16, data_page_size=48, write_batch_size=4)
write("lists-uncompressed-v2", lists(), compression="none", use_dictionary=False, data_page_version="2.0", row_group_size=25)
write("mmlu-pro-shaped", mmlu_pro_shaped(), row_group_size=12)
# 20000 rows whose string column is null throughout: its chunk is a few bytes of RLE levels (ParquetFileTest checks it)
write("all-null-column", pa.table({"k": [i % 3 == 0 for i in range(20000)], "n": pa.array([None] * 20000, type=pa.string())}),
      compression="snappy")
write("unsupported-zstd", scalars(False), compression="zstd")
write("unsupported-delta", scalars(False), compression="none", use_dictionary=False,
      column_encoding={"i64": "DELTA_BINARY_PACKED"})
write("unsupported-struct", pa.table({"s": pa.array([{"x": 1, "y": "a"}])}), compression="none")
write("unsupported-list-of-lists", pa.table({"ll": pa.array([[[1, 2], [3]]])}), compression="none")
write("unsupported-binary", pa.table({"bin": pa.array([b"\x00\x01"], type=pa.binary())}), compression="none")

# a raw Snappy block of text with long literals and back-references, for SnappyBlockTest
text = ("".join(f"line {i}: the quick brown fox {i * i % 97} jumps; " + "ab" * (i % 13) + "\n" for i in range(1400))).encode()
with open("text.snappy", "wb") as f:
    f.write(pa.compress(text, codec="snappy", asbytes=True))
with open("text.txt", "wb") as f:
    f.write(text)
