import type { Server } from 'node:http'

/** Listens on `target`: a port on 127.0.0.1, or a unix socket path. */
export function listenOn(server: Server, target: number | string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    const done = () => {
      server.off('error', reject)
      resolve()
    }
    if (typeof target === 'number') server.listen(target, '127.0.0.1', done)
    else server.listen(target, done)
  })
}

/** Stops a server and drops its open connections. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
