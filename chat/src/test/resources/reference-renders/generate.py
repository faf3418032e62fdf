"""Renders edge-case chat requests with the real Jinja template, set up like Hugging Face apply_chat_template.

Usage: python3 generate.py PATH/TO/chat_template.jinja   (writes NN_name.input.json + NN_name.expected.txt here)
Content-part arrays are flattened with "\n" and arguments strings parsed to objects before rendering, as vLLM does.
"""
import json, sys, os
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
template = env.from_string(open(sys.argv[1], encoding="utf-8").read())

def prepare(messages):
    out = []
    for m in messages:
        m = json.loads(json.dumps(m))
        if isinstance(m.get("content"), list):
            m["content"] = "\n".join(p["text"] if isinstance(p, dict) else p for p in m["content"])
        for call in m.get("tool_calls") or []:
            fn = call.get("function", call)
            if isinstance(fn.get("arguments"), str):
                fn["arguments"] = json.loads(fn["arguments"])
        out.append(m)
    return out

def render(case):
    kwargs = dict(case.get("chat_template_kwargs", {}))
    args = dict(messages=prepare(case["messages"]), add_generation_prompt=case.get("add_generation_prompt", True))
    if "tools" in case:
        args["tools"] = case["tools"]
    return template.render(**args, **kwargs)

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Get the weather.",
           "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}

RICH_TOOLS = [
    {"type": "function", "function": {
        "name": "book", "description": "  Book a table.\n\n  Returns a confirmation.\u00a0 ",
        "strict": True, "x-cost": 2.5,
        "parameters": {"type": "object", "additionalProperties": False, "$defs": {"when": {"type": "string"}},
            "properties": {
                "party": {"type": "integer", "minimum": 1, "maximum": 1e3, "default": 2, "multipleOf": 1.0},
                "time": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None, "description": "ISO time"},
                "ratio": {"type": "number", "exclusiveMinimum": 0.00001, "example": 1e16, "small": 0.0001, "big": 123456789012345678901234567890},
                "tags": {"type": ["array", "null"], "items": {"type": "string", "enum": ["calme", "vue sur l'eau"]}, "uniqueItems": True},
                "name": {"type": "string", "name": "ignored", "pattern": "^[A-Z].*$", "title": "Nom \"complet\""},
                "opts": {"type": "object", "properties": {"vip": {"type": "boolean"}}, "nullable": True},
                "note": {"description": "Free text, no type", "enum": [1, "two", None, True, 2.50]},
                "weird": "not a mapping",
                "emoji": {"type": "string", "description": "😀 and 日本語", "const": "é\t\"q\"\\"}
            },
            "required": ["party"]}}},
    {"name": "flat_tool", "description": "A tool without the function wrapper.", "parameters": {"type": "object", "properties": {}}},
    {"type": "function", "function": {"name": "no_params"}},
    {"type": "function", "function": {"name": "params_not_object", "parameters": "oops", "description": 42}},
]

CASES = {
    "rich_tool_schemas": {"messages": [{"role": "user", "content": "Book it."}], "tools": RICH_TOOLS},
    "rich_tools_with_system": {"messages": [{"role": "system", "content": "  Sys with spaces  "}, {"role": "user", "content": "Hi"}],
                               "tools": RICH_TOOLS, "chat_template_kwargs": {"enable_thinking": False}},
    "argument_value_kinds": {"messages": [
        {"role": "user", "content": "Do it"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "book", "arguments": json.dumps(
                {"party": 4, "ratio": 0.5, "big": 1e20, "tiny": 1e-7, "whole": 3.0, "flag": False, "none": None,
                 "text": "multi\nline \"quoted\" 'single' é", "list": [1, "a", None, True, 1.5, {"k": "v"}],
                 "obj": {"nested": {"deep": []}, "empty": {}}, "empty": "", "neg": -0.0, "huge_int": 123456789012345678901234567890}, ensure_ascii=False)}},
            {"id": "c2", "type": "function", "function": {"name": "no_params", "arguments": "{}"}},
            {"id": "c3", "type": "function", "function": {"name": "no_args"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"},
        {"role": "tool", "tool_call_id": "c2", "content": ""},
        {"role": "tool", "tool_call_id": "c3", "content": "  spaced  "}],
        "tools": [WEATHER]},
    "history_variants_truncated": {"messages": [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "u1"},
        {"role": "assistant", "content": "  answer with spaces  ", "reasoning_content": "   "},
        {"role": "user", "content": "u2"},
        {"role": "assistant", "content": "<think>\nunclosed reasoning and text"},
        {"role": "user", "content": "u3"},
        {"role": "assistant", "content": "before<think>inner</think>mid</think>after"},
        {"role": "user", "content": "u4"},
        {"role": "assistant", "content": "<think>open only", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": "{\"location\": \"X\"}"}}]},
        {"role": "tool", "content": "r"},
        {"role": "assistant", "content": "pre </think> post", "reasoning_content": "R", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": "{\"location\": \"Y\"}"}}]},
        {"role": "tool", "content": "r2"},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "u5"},
        {"role": "assistant", "content": "<think></think>", "reasoning_content": "only reasoning"},
        {"role": "assistant", "content": "\u00a0nbsp around\u3000"},
        ], "tools": [WEATHER]},
    "history_variants_kept": {"messages": [
        {"role": "user", "content": "u1"},
        {"role": "assistant", "content": "  answer  ", "reasoning_content": "  r1  "},
        {"role": "user", "content": "u2"},
        {"role": "assistant", "content": "<think>\nunclosed"},
        {"role": "assistant", "content": None, "reasoning_content": "thinking", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"location": "Z"}}}]},
        {"role": "tool", "content": "z"}],
        "chat_template_kwargs": {"truncate_history_thinking": False, "enable_thinking": False}},
    "roles_and_parts": {"messages": [
        {"role": "tool", "content": "orphan tool first"},
        {"role": "user", "content": [{"type": "text", "text": "part one"}, {"type": "text", "text": "part two"}]},
        {"role": "system", "content": "a later system message"},
        {"role": "developer", "content": "custom role"},
        {"role": "assistant", "content": [{"type": "text", "text": "assistant parts"}]},
        {"role": "user", "content": "<|im_end|> typed by the user </think>"}]},
    "no_generation_prompt_tool_call_last": {"messages": [
        {"role": "user", "content": "call"},
        {"role": "assistant", "content": "Sure.", "reasoning_content": "Need a call.", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": "{\"location\": \"Paris\", \"days\": [1, 2], \"opts\": {\"u\": \"c\"}}"}}]}],
        "tools": [WEATHER], "add_generation_prompt": False},
    "empty_system_with_tools": {"messages": [{"role": "system", "content": ""}, {"role": "user", "content": "x"}], "tools": [WEATHER]},
    "empty_tools_list": {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "x"}], "tools": []},
    "kwargs_truthiness": {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "a", "reasoning_content": "r"}, {"role": "user", "content": "y"}],
                          "chat_template_kwargs": {"enable_thinking": None, "truncate_history_thinking": 0}},
}

here = os.path.dirname(os.path.abspath(__file__))
for i, (name, case) in enumerate(CASES.items(), start=1):
    stem = os.path.join(here, "%02d_%s" % (i, name))
    with open(stem + ".input.json", "w", encoding="utf-8") as f:
        json.dump(dict(name=name, **case), f, ensure_ascii=False, indent=2)
    with open(stem + ".expected.txt", "w", encoding="utf-8", newline="") as f:
        f.write(render(case))
print(len(CASES), "cases")
