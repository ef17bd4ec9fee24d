// The gateway of the overhead benchmark, in its own process as in a run (the Vitest main
// process), so its work after each call never stalls the benchmark's client:
//
//   node bench/run-ts.mjs bench/gateway/gateway-process.ts <upstream url> <calls file | ->
//
// Prints `{ url, prefix }` as one JSON line; on the IPC message `close`, closes the case and
// sends back its usage.
import { startGateway } from '../../src/gateway/index.ts'

const [upstreamUrl, callsFile] = process.argv.slice(2)
const gateway = await startGateway({
  upstreams: { anthropic: { baseUrl: upstreamUrl!, apiKey: 'bench-real-key-0123456789abcdef' } },
})
const opened = await gateway.openCase({
  caseKey: 'bench',
  ...(callsFile && callsFile !== '-' ? { callsFile } : {}),
})
process.stdout.write(`${JSON.stringify({ url: gateway.url, prefix: opened.prefix })}\n`)
process.on('message', async (message) => {
  if (message !== 'close') return
  const usage = await gateway.closeCase(opened.token)
  await gateway.close()
  process.send!(usage, () => process.exit(0))
})
