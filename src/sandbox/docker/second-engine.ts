import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * gVisor as `.ci/docker-up.sh` registers it. `--network=none`: gVisor's own loopback only
 * (evalbox's default network); on some hosts (Firecracker VMs) runsc cannot copy the
 * interfaces of Docker's network namespace at all.
 */
export const GVISOR_RUNTIMES = { runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--network=none'] } }

/**
 * Whether a second engine can start here: root, dockerd, `image` on the default engine and
 * every one of `commands` (e.g. `runsc`). When it cannot and the variable `requireVar` is
 * `1` (as in CI), throws instead, so the tests that need it never skip there.
 */
export function canStartSecondEngine(image: string, requireVar: string, commands: string[] = []): boolean {
  let ok: boolean
  try {
    execFileSync('sh', ['-c', 'command -v dockerd && docker image inspect "$0"', image], { stdio: 'ignore' })
    for (const command of commands)
      execFileSync('sh', ['-c', 'command -v "$0"', command], { stdio: 'ignore' })
    ok = process.getuid?.() === 0
  } catch {
    ok = false
  }
  if (!ok && process.env[requireVar] === '1') {
    const needs = ['root', 'dockerd', `the image ${image}`, ...commands].join(', ')
    throw new Error(
      `${requireVar}=1 but a second engine cannot be started here (it needs ${needs}; .ci/docker-up.sh installs them)`,
    )
  }
  return ok
}

/** A second Docker engine for tests, listening on 127.0.0.1 over TCP. */
export interface SecondEngine {
  /** The `DOCKER_HOST` value: `tcp://127.0.0.1:<port>`. */
  host: string
  stop(): Promise<void>
}

/**
 * Starts another dockerd (own data and exec roots, no bridge, no iptables) on a free TCP
 * port of 127.0.0.1, and copies `image` into it from the default engine (no registry is
 * reachable). Needs root and the dockerd binary. `runtimes` registers extra OCI runtimes,
 * as `runtimes` in daemon.json does (e.g. `{ runsc: { path: '/usr/bin/runsc' } }`).
 */
export async function startSecondEngine(
  image: string,
  options: { runtimes?: Record<string, { path: string; runtimeArgs?: string[] }> } = {},
): Promise<SecondEngine> {
  const port = await freePort()
  const root = mkdtempSync(join(tmpdir(), 'evalbox-engine2-'))
  // dockerd with --bridge=none deletes the host's docker0 (the first engine's bridge), so the
  // second engine gets a bridge of its own, on a subnet docker0 does not use.
  const bridge = `evb${port % 100_000}`
  execFileSync('sh', [
    '-c',
    `ip link add name ${bridge} type bridge && ip addr add 10.213.${port % 250}.1/24 dev ${bridge} && ip link set ${bridge} up`,
  ])
  const config = join(root, 'daemon.json')
  writeFileSync(config, JSON.stringify({ runtimes: options.runtimes ?? {} }))
  const daemon: ChildProcess = spawn(
    'dockerd',
    [
      `--data-root=${join(root, 'data')}`,
      `--exec-root=${join(root, 'exec')}`,
      `--pidfile=${join(root, 'dockerd.pid')}`,
      `-H=tcp://127.0.0.1:${port}`,
      `--bridge=${bridge}`,
      '--iptables=false',
      '--ip-masq=false',
      `--config-file=${config}`,
    ],
    { stdio: 'ignore' },
  )
  const host = `tcp://127.0.0.1:${port}`
  const stop = async () => {
    daemon.kill('SIGTERM')
    await new Promise((resolve) => daemon.once('exit', resolve).once('error', resolve))
    try {
      execFileSync('sh', ['-c', `grep -o '${root}[^ ]*' /proc/mounts | sort -r | xargs -r umount -l`])
    } catch {}
    rmSync(root, { recursive: true, force: true })
    try {
      execFileSync('ip', ['link', 'delete', bridge])
    } catch {}
  }
  try {
    await waitForPing(port, 30_000)
    // docker save | docker load, through the engines' APIs.
    execFileSync('sh', ['-c', `docker save "$0" | DOCKER_HOST=${host} docker load -q`, image], {
      stdio: 'ignore',
    })
  } catch (error) {
    await stop()
    throw error
  }
  return { host, stop }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

async function waitForPing(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/_ping', timeout: 1_000 }, (res) => {
          res.resume()
          resolve(res.statusCode === 200)
        })
        .on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the second dockerd did not answer on 127.0.0.1:${port} within ${ms} ms`)
}
