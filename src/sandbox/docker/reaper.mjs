// The evalbox reaper: removes every container of one run, then exits.
//
//   node reaper.mjs <run id>
//
// Started detached when a run is interrupted (SIGINT/SIGTERM), so the removal outlives the
// Vitest process. Plain JavaScript with Node built-ins only: it must start without a build
// and without loading a Docker client. It looks a few times, because workers may still be
// finishing containers they had started to make.
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { join } from 'node:path'

const runId = process.argv[2]
if (!runId) process.exit(2)

function endpoint() {
  const host = process.env.DOCKER_HOST?.trim()
  if (!host) return { socketPath: '/var/run/docker.sock' }
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) }
  const url = new URL(host.replace(/^tcp:/, 'http:'))
  const tls = Boolean(process.env.DOCKER_TLS_VERIFY)
  const target = { host: url.hostname, port: Number(url.port || (tls ? 2376 : 2375)), tls }
  if (tls) {
    const dir = process.env.DOCKER_CERT_PATH || join(process.env.HOME ?? '', '.docker')
    Object.assign(target, {
      ca: readFileSync(join(dir, 'ca.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      key: readFileSync(join(dir, 'key.pem')),
    })
  }
  return target
}

function call(target, method, path) {
  return new Promise((resolve, reject) => {
    const { tls, ...options } = target
    const request = (tls ? https : http).request(
      { ...options, method, path, timeout: 10_000 },
      (response) => {
        let body = ''
        response.on('data', (chunk) => {
          body += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode, body }))
      },
    )
    request.on('timeout', () => request.destroy(new Error('timeout')))
    request.on('error', reject)
    request.end()
  })
}

const target = endpoint()
const filters = encodeURIComponent(JSON.stringify({ label: [`evalbox.run=${runId}`] }))
let emptyRounds = 0
for (let round = 0; round < 12 && emptyRounds < 3; round++) {
  try {
    const listing = await call(target, 'GET', `/containers/json?all=1&filters=${filters}`)
    const containers = listing.status === 200 ? JSON.parse(listing.body) : []
    emptyRounds = containers.length === 0 ? emptyRounds + 1 : 0
    await Promise.allSettled(containers.map((c) => call(target, 'DELETE', `/containers/${c.Id}?force=1&v=1`)))
  } catch {
    emptyRounds++
  }
  await new Promise((resolve) => setTimeout(resolve, 500))
}
