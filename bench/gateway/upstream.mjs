// A stand-in model API for the gateway benchmark, in its own process (as the real one is):
// Anthropic Messages, streaming (30 text deltas, one write each) and not. Prints its port.
import { createServer } from 'node:http'

const usage = {
  input_tokens: 1200,
  cache_read_input_tokens: 30000,
  cache_creation_input_tokens: 500,
  output_tokens: 1,
}
const model = 'claude-sonnet-4-5-20250929'
const event = (name, data) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
const deltas = Array.from({ length: 30 }, (_, i) =>
  event('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: `word${i} ` },
  }),
)
const json = JSON.stringify({
  id: 'msg_bench',
  type: 'message',
  role: 'assistant',
  model,
  content: [{ type: 'text', text: 'x'.repeat(2000) }],
  stop_reason: 'end_turn',
  usage: { ...usage, output_tokens: 400 },
})

const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    const stream = Buffer.concat(chunks).includes('"stream":true')
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
      res.end(json)
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(
      event('message_start', {
        type: 'message_start',
        message: { id: 'msg_bench', model, content: [], usage },
      }),
    )
    for (const delta of deltas) res.write(delta)
    res.write(
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: { output_tokens: 400 },
      }),
    )
    res.end(event('message_stop', { type: 'message_stop' }))
  })
})
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`))
process.on('disconnect', () => process.exit(0))
