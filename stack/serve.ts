// Runs a built Fastify app as a process: listen, report the port to a parent over IPC (when
// there is one), and shut down gracefully on SIGTERM/SIGINT or when the parent goes away:
// stop accepting, let requests in flight finish, exit 0; exit 1 if that takes too long.
import type { FastifyInstance } from 'fastify';

export interface ServeOptions {
  name: string;
  port: number;
  host: string;
  shutdownTimeoutMs: number;
}

/** What a service sends its parent once it listens. */
export interface ListeningMessage {
  type: 'listening';
  service: string;
  port: number;
}

export async function serve(app: FastifyInstance, { name, port, host, shutdownTimeoutMs }: ServeOptions): Promise<void> {
  let closing = false;
  // Answers finished while closing ask the client to drop the connection, so keep-alive
  // sockets do not hold the shutdown open until their idle timeout.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  async function shutdown(reason: string): Promise<void> {
    if (closing) {
      app.log.warn({ reason }, `${name}: already shutting down`);
      return;
    }
    closing = true;
    app.log.info({ reason }, `${name}: shutting down, finishing requests in flight`);
    const timer = setTimeout(() => {
      app.log.error(`${name}: requests still in flight after ${shutdownTimeoutMs} ms; exiting with code 1`);
      process.exit(1);
    }, shutdownTimeoutMs);
    try {
      await app.close();
      clearTimeout(timer);
      app.log.info(`${name}: stopped`);
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, `${name}: error while closing`);
      process.exit(1);
    }
  }

  // `on`, not `once`: a second signal while closing must not fall back to the default action
  // (instant death, no metrics snapshot); shutdown() ignores repeats.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Started by a parent with an IPC channel (startStack): when the parent dies, so do we.
  process.once('disconnect', () => void shutdown('parent process went away'));

  try {
    await app.listen({ port, host });
  } catch (error) {
    app.log.fatal({ err: error }, `${name}: cannot listen on ${host}:${port}`);
    console.error(`${name}: cannot listen on ${host}:${port}: ${(error as Error).message}`);
    process.exit(1);
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  if (process.send && process.connected) {
    const message: ListeningMessage = { type: 'listening', service: name, port: actualPort };
    process.send(message);
  }
}
