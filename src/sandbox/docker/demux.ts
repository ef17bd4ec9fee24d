/**
 * Splits Docker's multiplexed attach stream (no TTY) into stdout and stderr. Each frame is
 * an 8-byte header (stream type, 3 zero bytes, payload length as big-endian uint32)
 * followed by the payload. Returns a function to feed raw chunks into, in order.
 */
export function createDemuxer(onFrame: (payload: Buffer, stream: 'stdout' | 'stderr') => void) {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk: Buffer): void => {
    let buffer = pending.length ? Buffer.concat([pending, chunk]) : chunk
    while (buffer.length >= 8) {
      const size = buffer.readUInt32BE(4)
      if (buffer.length < 8 + size) break
      // Type 0 (stdin) only appears when a TTY echoes input; treat it as stdout.
      if (size > 0) onFrame(buffer.subarray(8, 8 + size), buffer[0] === 2 ? 'stderr' : 'stdout')
      buffer = buffer.subarray(8 + size)
    }
    pending = buffer
  }
}
