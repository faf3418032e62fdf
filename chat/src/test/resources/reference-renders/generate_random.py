"""Random conversations rendered by the real Jinja template (HF setup, see generate.py) -> random-cases.jsonl.

Usage: python3 generate_random.py PATH/TO/chat_template.jinja
Each line: {"request": {...fixture-format input...}, "expected": "..."}.
"""
import json, random, sys, os
sys.argv = sys.argv[:2]
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "generate.py")).read().split("CASES = {")[0])

rng = random.Random(20240531)
TEXTS = ["Hi", "  padded  ", "multi\nline\n", "", "<think>\ninline\n</think>\nanswer", "<think>open", "x</think>y",
         "é 😀 \u00a0", "tab\there", "\n\nlead", "trail\n\n", "<tool_call>not really</tool_call>"]
VALUES = ["Paris", 3, 2.5, True, False, None, [1, "a"], {"k": {"n": [None]}}, "", "with\nnewline", 1e-7, -0.0, "ü"]
TOOLS = [WEATHER, RICH_TOOLS[1], RICH_TOOLS[2],
         {"type": "function", "function": {"name": "calc", "description": "Compute.", "parameters": {"type": "object",
          "properties": {"expr": {"type": "string", "description": " math "}, "precision": {"type": "integer", "default": 2}},
          "required": ["expr"]}}}]

def tool_call():
    args = {f"p{i}": rng.choice(VALUES) for i in range(rng.randint(0, 3))}
    fn = {"name": rng.choice(["get_weather", "calc", "x"])}
    if rng.random() < 0.9:
        fn["arguments"] = json.dumps(args, ensure_ascii=False) if rng.random() < 0.7 else args
    return {"id": "call_%d" % rng.randint(0, 99), "type": "function", "function": fn}

def message():
    role = rng.choice(["user", "user", "assistant", "assistant", "tool", "tool", "system"])
    m = {"role": role, "content": rng.choice(TEXTS)}
    if role == "assistant":
        if rng.random() < 0.5:
            m["reasoning_content"] = rng.choice(["Because.", "  ", "", "multi\nstep\n"])
        if rng.random() < 0.4:
            m["tool_calls"] = [tool_call() for _ in range(rng.randint(1, 2))]
            if rng.random() < 0.5:
                m["content"] = None
    return m

lines = []
for _ in range(300):
    messages = [message() for _ in range(rng.randint(1, 8))]
    case = {"messages": messages, "add_generation_prompt": rng.random() < 0.8}
    if rng.random() < 0.5:
        case["tools"] = rng.sample(TOOLS, rng.randint(0, 2))
    kwargs = {}
    if rng.random() < 0.4: kwargs["enable_thinking"] = rng.random() < 0.5
    if rng.random() < 0.4: kwargs["truncate_history_thinking"] = rng.random() < 0.5
    if kwargs: case["chat_template_kwargs"] = kwargs
    try:
        expected = render(case)
    except Exception:
        continue  # the template itself fails (e.g. non-mapping arguments): not a rendering case
    lines.append(json.dumps({"request": case, "expected": expected}, ensure_ascii=False))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "random-cases.jsonl"), "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print(len(lines), "cases")
