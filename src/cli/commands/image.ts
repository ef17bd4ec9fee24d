import { spawn, spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_BASE_IMAGE } from '../../core/defaults.ts'
import { EvalboxError } from '../../core/errors.ts'
import { isImageReference } from '../../sandbox/docker/container-config.ts'
import { type CliIo, usageError } from '../context.ts'
import { parseCommand } from '../parse.ts'

/** How often a build that prints nothing says it is still going. */
const HEARTBEAT_MS = 15_000

function imageError(message: string): EvalboxError {
  return new EvalboxError('IMAGE_BUILD_FAILED', message)
}

/**
 * The build script shipped with the package: `../scripts/` from the built `dist/cli.js`,
 * `../../../scripts/` from `src/cli/commands/`.
 */
function buildScript(): string {
  for (const candidate of ['../scripts/build-base-image.sh', '../../../scripts/build-base-image.sh']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(path)) return path
  }
  throw imageError(
    'scripts/build-base-image.sh is missing from the installed evalbox package; reinstall it (npm install evalbox).',
  )
}

/** The program's path on `PATH` (the command's environment), or undefined. */
function onPath(program: string, env: CliIo['env']): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const path = join(dir, program)
    try {
      accessSync(path, constants.X_OK)
      return path
    } catch {
      // Not here.
    }
  }
  return undefined
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
}

/**
 * `evalbox image build [--tag T]`: builds evalbox's base image (Debian bookworm with node,
 * python3 + pytest and git) from Debian packages with debootstrap and `docker import`, as
 * `scripts/build-base-image.sh` (shipped in the package) does. An image already present
 * under the tag is reused. Needs docker, root and debootstrap (installed with apt-get when
 * missing); each missing piece is named with its fix before anything starts.
 */
export async function imageCommand(args: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseCommand('image', args, ['tag'])
  if (positionals.length !== 1 || positionals[0] !== 'build')
    throw usageError(
      `evalbox image takes one subcommand, build, got ${positionals.length ? `"${positionals.join(' ')}"` : 'none'}.`,
    )
  const tag = flags.tag ?? DEFAULT_BASE_IMAGE
  if (!isImageReference(tag))
    throw usageError(
      `evalbox image build: --tag must be an image reference such as ${DEFAULT_BASE_IMAGE}, got "${tag}".`,
    )
  const env = io.env as NodeJS.ProcessEnv

  const docker = onPath('docker', io.env)
  if (!docker)
    throw imageError(
      'docker is not on PATH: install Docker Engine (https://docs.docker.com/engine/install/) and run evalbox image build again.',
    )
  const engine = spawnSync(docker, ['version', '--format', '{{.Server.Version}}'], { env, encoding: 'utf8' })
  if (engine.status !== 0)
    throw imageError(
      `cannot reach the Docker engine${env.DOCKER_HOST ? ` at DOCKER_HOST=${env.DOCKER_HOST}` : ''}: ${(engine.stderr || engine.stdout || '').trim().split('\n')[0]}. Start Docker (or fix DOCKER_HOST) and run evalbox image build again.`,
    )
  if (spawnSync(docker, ['image', 'inspect', tag], { env, stdio: 'ignore' }).status === 0) {
    io.stdout.write(
      `evalbox image: ${tag} is already present; nothing to build (docker image rm ${tag} to rebuild).\n`,
    )
    return 0
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    throw imageError(
      `building ${tag} needs root (debootstrap makes a Debian root filesystem): run sudo npx evalbox image build${flags.tag ? ` --tag ${tag}` : ''}.`,
    )
  if (!onPath('debootstrap', io.env) && !onPath('apt-get', io.env))
    throw imageError(
      'debootstrap is not installed and there is no apt-get to install it: install debootstrap (https://wiki.debian.org/Debootstrap) and run evalbox image build again.',
    )

  const script = buildScript()
  const started = Date.now()
  io.stdout.write(
    `evalbox image: building ${tag} from Debian packages (a minute or more; needs deb.debian.org)\n`,
  )
  const child = spawn('bash', [script, tag], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', (chunk: Buffer) => io.stdout.write(chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk.toString()))
  const heartbeat = setInterval(
    () => io.stdout.write(`evalbox image: still building ${tag} (${seconds(Date.now() - started)})\n`),
    HEARTBEAT_MS,
  )
  const code = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127))
    child.on('close', (status) => resolve(status ?? 1))
  }).finally(() => clearInterval(heartbeat))
  if (code !== 0)
    throw imageError(
      `building ${tag} failed (exit ${code}) after ${seconds(Date.now() - started)}; the output above says why (the debootstrap log is /tmp/evalbox-debootstrap.log).`,
    )
  io.stdout.write(
    `evalbox image: ${tag} built in ${seconds(Date.now() - started)}. Use it with evalsProject({ sandbox: { image: '${tag}' } }).\n`,
  )
  return 0
}
