import { appendFile, mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { EvalboxError, errorMessage } from '../core/errors.ts'

/**
 * Appends lines to one file in the order they were given, one write at a time, so calls that
 * finish together never interleave; `flush` resolves once every line so far is written. A
 * failed write is kept and thrown by `flush` (the case's close then fails, naming the file),
 * rather than lost in a background promise.
 */
export interface OrderedWriter {
  append(line: string): void
  flush(): Promise<void>
}

export function createOrderedWriter(path: string, options: { truncate: boolean }): OrderedWriter {
  let failure: unknown
  let chain: Promise<void> = mkdir(dirname(path), { recursive: true })
    .then(() => (options.truncate ? writeFile(path, '') : undefined))
    .catch((error) => {
      failure ??= error
    })
  return {
    append(line) {
      chain = chain.then(() =>
        appendFile(path, `${line}\n`).catch((error) => {
          failure ??= error
        }),
      )
    },
    async flush() {
      await chain
      if (failure !== undefined)
        throw new EvalboxError(
          'RESULTS_DIR_UNWRITABLE',
          `${path} could not be written (${errorMessage(failure)}); check that its folder is writable`,
          { cause: failure },
        )
    },
  }
}
