// Runs the official `openai` npm client, unchanged, against `./nemotron4j serve` on a tiny model:
// models, chat (thinking on/off, streaming, n, logprobs), tool calls (plain and streamed, tool_choice) and tool results,
// completions, errors, and a client abort; JSON-schema outputs and forced tool-call arguments validated by ajv over
// random schemas and seeds. Prints "N passed, M failed" and exits non-zero on any failure.
import OpenAI from 'openai';
import Ajv from 'ajv';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const MODEL_DIR = process.env.NEMOTRON4J_TEST_MODEL ?? path.join(ROOT, 'testdata/tiny/tiny-a');
const MODEL = path.basename(MODEL_DIR);
const KEY = 'node-test-key';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

async function waitForHealth(base, child, seconds) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`server exited early with code ${child.exitCode}`);
    try { if ((await fetch(`${base}/health`)).ok) return; } catch { /* not up yet */ }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`server not healthy after ${seconds}s`);
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child = spawn(path.join(ROOT, 'nemotron4j'), ['serve', '--model', MODEL_DIR, '--port', String(port), '--api-key', KEY, '--max-batch', '8'],
  { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
const stopServer = () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } };
process.on('exit', stopServer);

let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok   ${name}`); }
  catch (e) { failed++; console.log(`FAIL ${name}: ${e?.stack ?? e}`); }
}

try {
  await waitForHealth(base, child, 600);
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0, timeout: 60_000 });
  const user = (content) => [{ role: 'user', content }];
  const greedy = { model: MODEL, temperature: 0, max_tokens: 24 };
  const tokenize = async (prompt) => (await (await fetch(`${base}/tokenize`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ prompt, add_special_tokens: false }) })).json()).tokens;
  const imEnd = (await tokenize('<|im_end|>'))[0];
  const weatherTool = { type: 'function', function: { name: 'get_weather', description: 'Current weather',
    parameters: { type: 'object', properties: { location: { type: 'string' }, days: { type: 'integer' } }, required: ['location'] } } };
  // A reasoning budget of 0 whose forced ending (end_token_ids) is a whole tool call: the random model then answers
  // with exactly this call, and the logit bias ends the turn right after it.
  const forcedCall = {
    tools: [weatherTool], reasoning_budget: 0, thinking_budget_grace_period: 0, logit_bias: { [imEnd]: 100 },
    end_token_ids: await tokenize('</think>\n<tool_call>\n<function=get_weather>\n<parameter=location>\nParis\n</parameter>\n'
      + '<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>\n'),
  };

  await check('models.list names the served model', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids, [MODEL]);
  });

  let thinkingOn;
  await check('chat, thinking on: reasoning apart from content', async () => {
    thinkingOn = await client.chat.completions.create({ ...greedy, messages: user('Why is the sky blue?') });
    const m = thinkingOn.choices[0].message;
    assert.equal(m.role, 'assistant');
    assert.ok(m.reasoning_content && m.reasoning_content.length > 0, 'reasoning_content');
    assert.equal(m.reasoning, m.reasoning_content);
    assert.ok(!m.reasoning_content.includes('</think>'));
    assert.ok(thinkingOn.usage.completion_tokens_details.reasoning_tokens > 0);
    assert.ok(['stop', 'length'].includes(thinkingOn.choices[0].finish_reason));
  });

  let thinkingOff;
  await check('chat, thinking off: everything is content', async () => {
    thinkingOff = await client.chat.completions.create({ ...greedy, messages: user('Say hi'), chat_template_kwargs: { enable_thinking: false } });
    const m = thinkingOff.choices[0].message;
    assert.ok(m.content && m.content.length > 0, 'content');
    assert.equal(m.reasoning_content, null);
    assert.equal(thinkingOff.usage.completion_tokens_details.reasoning_tokens, 0);
  });

  await check('streaming chat equals non-streaming, with usage', async () => {
    const stream = await client.chat.completions.create({ ...greedy, messages: user('Say hi'),
      chat_template_kwargs: { enable_thinking: false }, stream: true, stream_options: { include_usage: true } });
    let content = '', finish = null, usage = null;
    for await (const chunk of stream) {
      for (const c of chunk.choices) { content += c.delta.content ?? ''; if (c.finish_reason) finish = c.finish_reason; }
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(content, thinkingOff.choices[0].message.content);
    assert.equal(finish, thinkingOff.choices[0].finish_reason);
    // the same prompt again: the state cache (on by default) resumes most of it; the rest of the usage is the same
    assert.ok(usage.prompt_tokens_details.cached_tokens > 0, 'cached_tokens');
    assert.ok(usage.prompt_tokens_details.cached_tokens < usage.prompt_tokens);
    const { prompt_tokens_details: a, ...streamed } = usage, { prompt_tokens_details: b, ...whole } = thinkingOff.usage;
    assert.deepEqual(streamed, whole);
  });

  await check('streaming reasoning deltas', async () => {
    const stream = await client.chat.completions.create({ ...greedy, messages: user('Why is the sky blue?'), stream: true });
    let reasoning = '';
    for await (const chunk of stream) for (const c of chunk.choices) reasoning += c.delta.reasoning_content ?? '';
    assert.equal(reasoning, thinkingOn.choices[0].message.reasoning_content);
  });

  let call;
  await check('tool call (non-streaming)', async () => {
    const r = await client.chat.completions.create({ ...greedy, max_tokens: 80, messages: user('Weather in Paris for 2 days?'), ...forcedCall });
    assert.equal(r.choices[0].finish_reason, 'tool_calls');
    call = r.choices[0].message.tool_calls[0];
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.ok(call.id.startsWith('call_'));
    assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Paris', days: 2 });
  });

  await check('tool call (streaming, assembled by the client helper)', async () => {
    const runner = client.chat.completions.stream({ ...greedy, max_tokens: 80, messages: user('Weather in Paris for 2 days?'), ...forcedCall });
    const final = await runner.finalChatCompletion();
    const c = final.choices[0];
    assert.equal(c.finish_reason, 'tool_calls');
    assert.equal(c.message.tool_calls[0].function.name, 'get_weather');
    assert.equal(c.message.tool_calls[0].function.arguments, call.function.arguments);
  });

  // Issue #17 item 3: a call opened inside unclosed reasoning is a call; a call cut by max_tokens is "length", never a call.
  const callText = '<tool_call>\n<function=get_weather>\n<parameter=location>\nParis\n</parameter>\n'
    + '<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>\n';
  await check('a tool call inside unclosed reasoning ends the reasoning (plain and streamed)', async () => {
    const body = { ...greedy, max_tokens: 120, messages: user('Weather in Paris for 2 days?'), ...forcedCall,
      end_token_ids: await tokenize('I will look it up.\n' + callText) };
    const r = await client.chat.completions.create(body);
    assert.equal(r.choices[0].finish_reason, 'tool_calls');
    assert.equal(r.choices[0].message.reasoning_content, 'I will look it up.');
    assert.deepEqual(JSON.parse(r.choices[0].message.tool_calls[0].function.arguments), { location: 'Paris', days: 2 });
    const final = await client.chat.completions.stream(body).finalChatCompletion();
    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    assert.equal(final.choices[0].message.tool_calls[0].function.arguments, r.choices[0].message.tool_calls[0].function.arguments);
  });

  await check('a tool call cut by max_tokens is finish_reason "length" and no call (plain and streamed)', async () => {
    const cut = (await tokenize('</think>\n<tool_call>\n<function=get_weather>\n<parameter=location>\nPar')).length;
    const body = { ...greedy, max_tokens: cut, messages: user('Weather in Paris for 2 days?'), ...forcedCall };
    const r = await client.chat.completions.create(body);
    assert.equal(r.choices[0].finish_reason, 'length');
    assert.equal(r.choices[0].message.tool_calls, undefined);
    let finish;
    for await (const chunk of await client.chat.completions.create({ ...body, stream: true })) {
      for (const c of chunk.choices) if (c.finish_reason) finish = c.finish_reason;
    }
    assert.equal(finish, 'length');
  });

  await check('tool result round trip', async () => {
    const r = await client.chat.completions.create({ ...greedy, tools: [weatherTool], messages: [
      ...user('Weather in Paris for 2 days?'),
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: '{"temperature": 18}' }] });
    assert.ok(r.usage.prompt_tokens > 0);
    assert.ok(['stop', 'length', 'tool_calls'].includes(r.choices[0].finish_reason));
  });

  await check('tool_choice none hides the tools', async () => {
    const r = await client.chat.completions.create({ ...greedy, max_tokens: 80, messages: user('Weather?'), ...forcedCall, tool_choice: 'none' });
    assert.equal(r.choices[0].message.tool_calls, undefined);
    assert.ok(r.choices[0].message.content.includes('<function=get_weather>'));
  });

  await check('tool_choice required and named: the answer is constrained to a call', async () => {
    const timeTool = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } };
    // tools without parameters: the random model's free-text values could run past max_tokens (then: "length", no call)
    const dateTool = { type: 'function', function: { name: 'get_date', parameters: { type: 'object', properties: {} } } };
    // room for the whole call and the end of the turn (a limit that cuts either is finish_reason "length", no call)
    const required = await client.chat.completions.create({ ...greedy, max_tokens: 80, messages: user('Time?'),
      tools: [timeTool, dateTool], tool_choice: 'required', logit_bias: { [imEnd]: 100 },
      chat_template_kwargs: { enable_thinking: false } });
    const calls = required.choices[0].message.tool_calls;
    assert.ok(calls && calls.length >= 1, 'a call');
    assert.ok(['get_time', 'get_date'].includes(calls[0].function.name));
    const named = await client.chat.completions.create({ ...greedy, max_tokens: 40, messages: user('Time?'),
      tools: [timeTool, weatherTool], tool_choice: { type: 'function', function: { name: 'get_time' } },
      logit_bias: { [imEnd]: 100 }, reasoning_budget: 0, thinking_budget_grace_period: 0 });
    assert.equal(named.choices[0].finish_reason, 'tool_calls');
    assert.equal(named.choices[0].message.tool_calls.length, 1);
    assert.equal(named.choices[0].message.tool_calls[0].function.name, 'get_time');
    assert.equal(named.choices[0].message.tool_calls[0].function.arguments, '{}');
  });

  await check('response_format json_object: the answer is one JSON object', async () => {
    const quote = (await tokenize('"'))[0], close = (await tokenize('}'))[0];
    const r = await client.chat.completions.create({ ...greedy, max_tokens: 60, messages: user('Give JSON'),
      response_format: { type: 'json_object' }, chat_template_kwargs: { enable_thinking: false },
      logit_bias: { [quote]: 100, [close]: 50 } });
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.equal(typeof JSON.parse(r.choices[0].message.content), 'object');
  });

  // Issue #17 item 2: outputs under response_format json_schema, and the arguments of calls that tool_choice forces,
  // validate against their schemas, checked by ajv (an independent validator) over random schemas and seeds.
  const ajv = new Ajv({ allErrors: true });
  let rnd = 17;
  const random = (n) => { rnd = (rnd * 1103515245 + 12345) % 2147483648; return rnd % n; };
  const randomSchema = (depth, defs) => {
    let s;
    switch (random(depth > 1 ? 6 : 9)) {
      case 0: s = { type: 'string', maxLength: 2 + random(5) }; if (random(2)) s.minLength = random(2); break;
      case 1: s = { type: 'integer' }; if (random(2)) { s.minimum = random(200) - 100; s.maximum = s.minimum + random(300); } break;
      case 2: s = { type: random(2) ? 'number' : 'boolean' }; break;
      case 3: s = { enum: ['red', 7, null, 'bl"ue'] }; break;
      case 4: s = { const: random(2) ? 'fixed' : 'x' }; break;
      case 5: s = { type: ['string', 'null'], maxLength: 4 }; break;
      case 6: case 7: {
        s = { type: 'object', properties: {}, required: [], additionalProperties: false };
        const n = 1 + random(3);
        for (let i = 0; i < n; i++) { s.properties['p' + i] = randomSchema(depth + 1, defs); if (random(2)) s.required.push('p' + i); }
        break;
      }
      default: s = { type: 'array', items: randomSchema(depth + 1, defs), maxItems: 1 + random(3) }; if (random(2)) s.minItems = random(2);
    }
    if (depth > 0 && random(8) === 0) return { anyOf: [s, { type: 'null' }] };
    if (depth > 0 && random(10) === 0) { const name = 'd' + Object.keys(defs).length; defs[name] = s; return { $ref: '#/$defs/' + name }; }
    return s;
  };
  const biasOf = async (text, value) => Object.fromEntries((await tokenize(text)).map(id => [id, value]));

  await check('response_format json_schema: every finished answer validates (ajv), random schemas and seeds', async () => {
    const bias = { ...await biasOf('"}]', 6), [imEnd]: 6 };
    let finished = 0, total = 0;
    for (let k = 0; k < 20; k++) {
      const defs = {};
      const schema = randomSchema(0, defs);
      if (Object.keys(defs).length) schema.$defs = defs;
      const validate = ajv.compile(schema);
      for (const seed of [1, 2]) {
        total++;
        const r = await client.chat.completions.create({ model: MODEL, temperature: 1, seed, max_tokens: 120, messages: user('Answer in JSON'),
          response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema } },
          chat_template_kwargs: { enable_thinking: false }, logit_bias: bias });
        const c = r.choices[0];
        if (c.finish_reason !== 'stop') continue; // cut by max_tokens: unfinished
        finished++;
        const value = JSON.parse(c.message.content);
        assert.ok(validate(value), `${c.message.content}\nagainst ${JSON.stringify(schema)}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    assert.ok(finished >= total / 2, `only ${finished} of ${total} answers finished`);
  });

  await check('tool_choice forcing a call: every returned call\'s arguments validate (ajv), random schemas and seeds', async () => {
    const bias = { ...await biasOf('\n</parameter>\n</function>\n</tool_call>\n"}]', 6), [imEnd]: 6 };
    let calls = 0, total = 0;
    for (let k = 0; k < 20; k++) {
      const defs = {};
      const parameters = { type: 'object', properties: {}, required: [] };
      const n = 1 + random(3);
      for (let i = 0; i < n; i++) { parameters.properties['p' + i] = randomSchema(1, defs); if (random(2)) parameters.required.push('p' + i); }
      if (Object.keys(defs).length) parameters.$defs = defs;
      const validate = ajv.compile(parameters);
      const tool = { type: 'function', function: { name: 'f', parameters } };
      for (const seed of [1, 2]) {
        total++;
        const body = { model: MODEL, temperature: 1, seed, max_tokens: 160, messages: user('Call it'), tools: [tool],
          tool_choice: seed === 1 ? 'required' : { type: 'function', function: { name: 'f' } },
          chat_template_kwargs: { enable_thinking: false }, logit_bias: bias };
        let r;
        try {
          r = await client.chat.completions.create(body);
        } catch (e) {
          // a $ref or anyOf whose declared type the argument parser reads as text, while its values are not: refused
          assert.ok(e instanceof OpenAI.BadRequestError && e.error?.code === 'unsupported_schema_keyword', String(e));
          break;
        }
        for (const call of r.choices[0].message.tool_calls ?? []) {
          const args = JSON.parse(call.function.arguments);
          assert.ok(validate(args), `${call.function.arguments}\nagainst ${JSON.stringify(parameters)}: ${ajv.errorsText(validate.errors)}`);
          calls++;
        }
      }
    }
    assert.ok(calls >= total / 2, `only ${calls} calls in ${total} answers`);
  });

  await check('n choices with a seed, logprobs', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages: user('Pick one'), n: 2, seed: 3, temperature: 1,
      max_tokens: 5, logprobs: true, top_logprobs: 2 });
    assert.deepEqual(r.choices.map(c => c.index), [0, 1]);
    for (const c of r.choices) {
      assert.ok(c.logprobs.content.length > 0);
      assert.equal(c.logprobs.content[0].top_logprobs.length, 2);
    }
  });

  await check('completions with echo and logprobs', async () => {
    const r = await client.completions.create({ model: MODEL, prompt: 'Once upon', max_tokens: 6, temperature: 0, echo: true, logprobs: 1 });
    assert.ok(r.choices[0].text.startsWith('Once upon'));
    assert.ok(r.choices[0].logprobs.tokens.length >= 6);
    assert.ok(r.usage.completion_tokens > 0);
  });

  await check('errors: unknown model 404, bad parameter 400, wrong key 401', async () => {
    await assert.rejects(client.chat.completions.create({ ...greedy, model: 'gpt-4o', messages: user('x') }),
      e => e instanceof OpenAI.NotFoundError && e.status === 404);
    await assert.rejects(client.chat.completions.create({ ...greedy, temperature: 7, messages: user('x') }),
      e => e instanceof OpenAI.BadRequestError && e.error?.param === 'temperature');
    const wrong = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await assert.rejects(wrong.models.list(), e => e instanceof OpenAI.AuthenticationError);
  });

  await check('an aborted stream frees its batch slot', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: MODEL, messages: user('Go on forever'), max_tokens: 3000,
      ignore_eos: true, stream: true }, { signal: controller.signal });
    let chunks = 0;
    try { for await (const _ of stream) { if (++chunks === 5) controller.abort(); } } catch { /* aborted */ }
    const end = Date.now() + 10_000;
    let running = -1;
    while (Date.now() < end) {
      const text = await (await fetch(`${base}/metrics`)).text();
      running = Number(/^nemotron4j_running_sequences (\d+)/m.exec(text)[1]);
      if (running === 0) break;
      await new Promise(r => setTimeout(r, 100));
    }
    assert.equal(running, 0);
  });
} catch (e) {
  failed++;
  console.log(`FAIL setup: ${e?.stack ?? e}`);
} finally {
  stopServer();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
