// A real node:http server on 127.0.0.1, port 0, for the load-engine tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  port: number;
  /** Requests whose body arrived, in arrival order. */
  requests: number;
  /** TCP connections accepted. */
  connections: number;
  /** Most requests handled at once. */
  maxActive: number;
  active: number;
  close(): Promise<void>;
}

/** `handle` gets the complete request body; call `done()` after answering to keep the active count right. */
export type TestHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer, info: { arrival: number; done: () => void }) => void;

export async function startTestServer(handle: TestHandler): Promise<TestServer> {
  const state = { requests: 0, connections: 0, maxActive: 0, active: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrival = state.requests++;
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      let finished = false;
      const done = () => {
        if (!finished) {
          finished = true;
          state.active--;
        }
      };
      res.on('close', done);
      handle(req, res, Buffer.concat(chunks), { arrival, done });
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook/freshdesk`,
    port,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    get maxActive() {
      return state.maxActive;
    },
    get active() {
      return state.active;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers 200 with a small JSON body after `delayMs`. */
export function okAfter(delayMs: number): TestHandler {
  return (_req, res, _body, { done }) => {
    const reply = () => {
      done(); // before the answer leaves, so the client can never overlap it in the count
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    };
    if (delayMs > 0) setTimeout(reply, delayMs);
    else reply();
  };
}

/** A port nothing listens on (it was just closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
