import { EvalboxError } from '../../core/errors.ts'
import type { Sandbox } from '../types.ts'
import { GATEWAY_MOUNT } from './container-config.ts'

/** The gateway's socket, as a container sees it (the host folder is mounted at GATEWAY_MOUNT). */
export const GATEWAY_SOCKET_NAME = 'gateway.sock'

// Listens on the container's own loopback (a free port) and pipes each connection to the
// gateway's unix socket; prints the port once it listens. Plain Node, no dependencies.
const FORWARDER = `
const net = require('net')
const socket = process.argv[1]
const server = net.createServer((client) => {
  const gateway = net.connect(socket)
  let connected = false
  const end = () => { client.destroy(); gateway.destroy() }
  gateway.on('connect', () => { connected = true })
  gateway.on('error', (error) => {
    if (connected) return end()
    // Said in HTTP, so the agent's error names the cause rather than a dropped connection.
    const text = 'evalbox: the model gateway socket ' + socket + ' cannot be reached: ' + error.code
    client.end('HTTP/1.1 502 Bad Gateway\\r\\ncontent-type: text/plain\\r\\ncontent-length: ' + Buffer.byteLength(text) + '\\r\\nconnection: close\\r\\n\\r\\n' + text)
  })
  client.on('error', end).on('close', end)
  gateway.on('close', () => { if (connected) end() })
  client.pipe(gateway).pipe(client)
})
server.on('error', (error) => { console.error(String(error)); process.exit(1) })
server.listen(0, '127.0.0.1', () => console.log('evalbox-forwarder ' + server.address().port))
`

/** How long the forwarder may take to listen. */
const READY_MS = 15_000

/**
 * Starts, inside a Docker sandbox, a forwarder from `127.0.0.1:<port>` to the run's gateway
 * socket, and returns `http://127.0.0.1:<port>`: an agent in a container with no network
 * reaches the gateway, and nothing else, at that address. The forwarder runs until `signal`
 * aborts (the agent step's end stops it with every other process of the step). Needs `node`
 * in the image, as every agent CLI does.
 */
export async function startGatewayForwarder(sandbox: Sandbox, signal: AbortSignal): Promise<string> {
  let stdout = ''
  let onReady: (port: string) => void = () => {}
  const ready = new Promise<string>((resolve) => {
    onReady = resolve
  })
  const exec = sandbox.exec(['node', '-e', FORWARDER, `${GATEWAY_MOUNT}/${GATEWAY_SOCKET_NAME}`], {
    signal,
    onOutput: (chunk, stream) => {
      if (stream !== 'stdout') return
      stdout += chunk.toString('utf8')
      const port = /evalbox-forwarder (\d+)/.exec(stdout)?.[1]
      if (port) onReady(port)
    },
  })
  // Whatever ends first: listening, the forwarder's exit (or a dead sandbox), the wait.
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    ready.then((port) => ({ port })),
    exec.then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ),
    new Promise<{ late: true }>((resolve) => {
      timer = setTimeout(() => resolve({ late: true }), READY_MS)
    }),
  ])
  clearTimeout(timer)
  if ('port' in outcome) return `http://127.0.0.1:${outcome.port}`
  const why =
    'result' in outcome
      ? outcome.result.exitCode === 127 || /not found/.test(outcome.result.stderr)
        ? 'the image has no `node` on PATH (the forwarder is a Node.js one-liner; every agent CLI needs Node.js anyway)'
        : `it exited with code ${outcome.result.exitCode}: ${outcome.result.stderr.trim() || 'no error output'}`
      : 'error' in outcome
        ? String(outcome.error)
        : `it did not listen within ${READY_MS / 1000} s`
  throw new EvalboxError(
    'AGENT_FAILED',
    `Could not start the model-gateway forwarder in sandbox ${sandbox.id}: ${why}. Use an image with Node.js (scripts/build-agent-image.sh makes one), or give the agent its own network and key (sandbox network: 'bridge', gateway: false).`,
  )
}
