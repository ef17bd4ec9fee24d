import type { Container, Exec, ExecInspectInfo } from 'dockerode'
import { createDemuxer } from './demux.ts'

/**
 * Runs a short helper command of evalbox itself (tree kill, OOM counter, user lookup) and
 * returns its exit code and stdout. Not for user commands: no limits, no timeout.
 */
export async function runInternal(
  container: Container,
  cmd: string[],
  user?: string,
): Promise<{ exitCode: number | null; stdout: string }> {
  const exec = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    ...(user === undefined ? {} : { User: user }),
  })
  const stream = (await exec.start({})) as NodeJS.ReadableStream
  const chunks: Buffer[] = []
  const feed = createDemuxer((payload, name) => {
    if (name === 'stdout') chunks.push(Buffer.from(payload))
  })
  await new Promise<void>((done, fail) => {
    stream.on('data', feed)
    stream.on('end', done)
    stream.on('error', fail)
  })
  const info = await finishedInspect(exec)
  return { exitCode: info.ExitCode, stdout: Buffer.concat(chunks).toString('utf8') }
}

/**
 * Exec inspect once the process has ended. Docker can close the output stream a moment
 * before it records the exit code, so a still-`Running` answer is asked again.
 */
export async function finishedInspect(exec: Exec): Promise<ExecInspectInfo> {
  for (let attempt = 0; ; attempt++) {
    const info = await exec.inspect()
    if (!info.Running || attempt >= 50) return info
    await new Promise((done) => setTimeout(done, 10))
  }
}
