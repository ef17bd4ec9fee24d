// What the model gateway adds to a model call, measured side by side in one run (machines here
// are noisy):
//
//   node bench/run-ts.mjs bench/gateway/overhead.ts [--rounds 10] [--calls 40] [--body-kb 64]
//     [--gap-ms 0] [--no-calls-file]
//
// A stand-in Anthropic API runs in its own process (bench/gateway/upstream.mjs), the gateway
// in another (bench/gateway/gateway-process.ts), as the agent is apart from both. Each round
// makes `calls` sequential calls of each kind, directly and through the gateway (with a calls
// file written, as in a run), in an order that alternates per round. A call's time is from
// the request's first byte to the answer's last; for streams also to the first event. Prints a
// markdown table of p50/p90 per mode and the gateway's overhead at each. Back to back (the
// default), a call may wait for the previous call's recording (parse, redact, write: about
// 5 ms of the gateway's time at 512 KiB); `--gap-ms` leaves the pause an agent's tool use leaves
// between calls.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('../../', import.meta.url))
const work = join(root, 'bench', '.tmp', 'gateway')
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    calls: { type: 'string', default: '40' },
    'body-kb': { type: 'string', default: '64' },
    'gap-ms': { type: 'string', default: '0' },
    'no-calls-file': { type: 'boolean', default: false },
  },
})
const rounds = Number(values.rounds)
const perRound = Number(values.calls)
const bodyKb = Number(values['body-kb'])
const gapMs = Number(values['gap-ms'])
const callsFile = !values['no-calls-file']
const pause = () => (gapMs > 0 ? new Promise((resolve) => setTimeout(resolve, gapMs)) : undefined)

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!
const ms = (n: number) => `${n.toFixed(2)} ms`

function spawnPrinting(args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)))
    let text = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve({ child, line: text.trim() })
    })
  })
}

rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })
const upstream = await spawnPrinting([join(root, 'bench', 'gateway', 'upstream.mjs')])
const upstreamUrl = `http://127.0.0.1:${upstream.line}`
const gatewayProcess = await spawnPrinting([
  join(root, 'bench', 'run-ts.mjs'),
  join(root, 'bench', 'gateway', 'gateway-process.ts'),
  upstreamUrl,
  callsFile ? join(work, 'model-calls.ndjson') : '-',
])
gatewayProcess.child.removeAllListeners('exit')
upstream.child.removeAllListeners('exit')
const opened = JSON.parse(gatewayProcess.line) as { url: string; prefix: string }

// A conversation of about `bodyKb` KiB, as an agent's later turns send.
const history = Array.from({ length: Math.max(1, Math.round(bodyKb)) }, (_, i) => ({
  role: i % 2 === 0 ? 'user' : 'assistant',
  content: `turn ${i}: ${'lorem ipsum dolor sit amet '.repeat(37)}`,
}))
const bodies = {
  json: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 4096, messages: history }),
  sse: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 4096, stream: true, messages: history }),
}
const agent = new Agent({ keepAlive: true, maxSockets: 1 })

function call(base: string, body: string): Promise<{ total: number; first: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let first = 0
    const req = request(
      `${base}/v1/messages`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-api-key': 'dummy',
          'anthropic-version': '2023-06-01',
        },
      },
      (res) => {
        res.on('data', () => {
          first ||= performance.now() - started
        })
        res.on('end', () => resolve({ total: performance.now() - started, first }))
        res.on('error', reject)
      },
    )
    req.setNoDelay(true)
    req.on('error', reject)
    req.end(body)
  })
}

type Mode = 'json' | 'sse'
const targets = { direct: upstreamUrl, gateway: `${opened.url}${opened.prefix}` }
const samples: Record<string, { total: number[]; first: number[] }> = {}
const modes: Mode[] = ['json', 'sse']

// Warm up both paths (connections, JIT).
for (const mode of modes)
  for (const base of Object.values(targets)) for (let i = 0; i < 20; i++) await call(base, bodies[mode])

for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const)
  for (const mode of modes) {
    for (const via of order) {
      const key = `${mode} ${via}`
      samples[key] ??= { total: [], first: [] }
      for (let i = 0; i < perRound; i++) {
        await pause()
        const { total, first } = await call(targets[via], bodies[mode])
        samples[key].total.push(total)
        samples[key].first.push(first)
      }
    }
  }
}

const usage = await new Promise<{ calls: number }>((resolve) => {
  gatewayProcess.child.once('message', (message) => resolve(message as { calls: number }))
  gatewayProcess.child.send('close')
})
agent.destroy()
upstream.child.kill()

const rows: string[] = []
const row = (label: string, direct: number[], through: number[]) => {
  const [d50, d90, g50, g90] = [
    percentile(direct, 0.5),
    percentile(direct, 0.9),
    percentile(through, 0.5),
    percentile(through, 0.9),
  ]
  rows.push(
    `| ${label} | ${ms(d50)} | ${ms(d90)} | ${ms(g50)} | ${ms(g90)} | ${ms(g50 - d50)} | ${ms(g90 - d90)} |`,
  )
}
row('JSON, whole answer', samples['json direct']!.total, samples['json gateway']!.total)
row('SSE, first event', samples['sse direct']!.first, samples['sse gateway']!.first)
row('SSE, whole stream', samples['sse direct']!.total, samples['sse gateway']!.total)

console.log(
  `Model gateway overhead: ${rounds} rounds × ${perRound} sequential calls per mode, ~${(Buffer.byteLength(bodies.json) / 1024).toFixed(0)} KiB requests, ${gapMs} ms between calls, calls file ${callsFile ? 'on' : 'off'}; node ${process.version}, ${usage.calls} calls through the gateway\n`,
)
console.log('| mode | direct p50 | direct p90 | gateway p50 | gateway p90 | overhead p50 | overhead p90 |')
console.log('|---|---|---|---|---|---|---|')
for (const line of rows) console.log(line)
