import { describe, expect, test } from 'vitest'
import { createDemuxer } from './demux.ts'

const frame = (type: number, text: string) => {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('docker stream demuxer', () => {
  test('splits frames into stdout and stderr, across any chunk boundaries', () => {
    const raw = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, ''), frame(1, 'out two')])
    for (const size of [1, 3, 8, 9, raw.length]) {
      const seen = { stdout: '', stderr: '' }
      const feed = createDemuxer((payload, stream) => {
        seen[stream] += payload.toString()
      })
      for (let i = 0; i < raw.length; i += size) feed(raw.subarray(i, i + size))
      expect(seen).toEqual({ stdout: 'out one\nout two', stderr: 'err\n' })
    }
  })
})
