// The bundled default model served for the node checks (default-model.mjs, real-cities.mjs): `./nemotron4j serve`
// with no --model on a free port, waited for until healthy, checked to say it uses the default model; the openai
// client on it, and the two tools the environments offer.
import OpenAI from 'openai';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export const TOOLS = [
  { type: 'function', function: { name: 'get_weather', description: 'Get the current temperature in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'The city name.' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'convert_units', description: 'Convert a value from one unit to another.',
    parameters: { type: 'object', properties: {
      value: { type: 'number', description: 'The value to convert.' },
      from_unit: { type: 'string', description: 'The unit of the value.', enum: ['km', 'mi', 'kg', 'lb', 'c', 'f'] },
      to_unit: { type: 'string', description: 'The unit to convert to.', enum: ['km', 'mi', 'kg', 'lb', 'c', 'f'] } },
    required: ['value', 'from_unit', 'to_unit'] } } },
];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** Starts the server; returns the client, the served model's id and stopServer (also called on exit). */
export async function serveDefaultModel() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let notice = '';
  const child = spawn(path.join(ROOT, 'nemotron4j'), ['serve', '--port', String(port), '--max-batch', '16'],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'], detached: true });
  child.stderr.on('data', (d) => { notice += d; process.stderr.write(d); });
  const stopServer = () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } };
  process.on('exit', stopServer);
  for (let end = Date.now() + 300_000; ; await new Promise((r) => setTimeout(r, 500))) {
    if (child.exitCode !== null) throw new Error(`server exited early with code ${child.exitCode}`);
    try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error('server not healthy after 300 s');
  }
  if (!notice.includes('using the default model models/nemotron-h-mini')) throw new Error(`serve without --model did not say it uses the default model: ${notice}`);

  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'none' });
  const model = (await client.models.list()).data[0].id;
  return { client, model, stopServer };
}
