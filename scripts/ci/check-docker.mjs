// Smoke test for the Docker path: testcontainers 11 + Compose v2 build and start a tiny
// host-network service on the offline base image, it answers on 127.0.0.1, and teardown
// leaves no container behind. Run after scripts/ci/provision-docker.sh:
//
//   . /tmp/docker-ci.env && node scripts/ci/check-docker.mjs
//
// Exits 0 on success, 1 with a message naming the failed check otherwise.
// CHECK_DOCKER_ALLOW_BRIDGE=1 skips the no-bridge-network check (hosted runners have one).
// More detail from testcontainers: DEBUG='testcontainers*'.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerComposeEnvironment, Wait } from 'testcontainers';

const NODE_IMAGE = process.env.NODE_IMAGE || 'webhook-perf/node:20-local';
const STARTUP_TIMEOUT_MS = 180_000; // includes the image build and one `npm ci` over the network
const FETCH_TIMEOUT_MS = 5_000;
const SMOKE_IMAGE = 'check-docker-smoke:local'; // tag of the built service image, removed at the end

function docker(...args) {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function lines(text) {
  return text.split('\n').filter((line) => line !== '');
}

function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// One small dependency (locked by integrity, no registry host written) proves the
// host-network build reaches the npm registry; USER 1000 proves the image's node user.
function writeScratchProject(dir) {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'docker-smoke',
        version: '1.0.0',
        private: true,
        dependencies: { ms: '2.1.3' },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify(
      {
        name: 'docker-smoke',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'docker-smoke', version: '1.0.0', dependencies: { ms: '2.1.3' } },
          'node_modules/ms': {
            version: '2.1.3',
            integrity: 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==',
            license: 'MIT',
          },
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'server.js'),
    `
const http = require('node:http');
const ms = require('ms');
const port = Number(process.env.PORT);
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: true, uid: process.getuid(), oneMinuteMs: ms('1m') }));
}).listen(port, '127.0.0.1', () => console.log('listening on 127.0.0.1:' + port));
`,
  );
  writeFileSync(
    join(dir, 'Dockerfile'),
    `
ARG NODE_IMAGE
FROM \${NODE_IMAGE}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY server.js ./
USER 1000:1000
CMD ["node", "server.js"]
`,
  );
  // init: true puts tini in front of node so SIGTERM stops it at once (node as PID 1 ignores it).
  writeFileSync(
    join(dir, 'compose.yml'),
    `
services:
  svc:
    image: ${SMOKE_IMAGE}
    build:
      context: .
      network: host
      args:
        NODE_IMAGE: \${NODE_IMAGE:?set NODE_IMAGE}
    network_mode: host
    init: true
    environment:
      PORT: "\${SMOKE_PORT:?set SMOKE_PORT}"
    healthcheck:
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
      interval: 1s
      timeout: 3s
      retries: 60
`,
  );
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const timings = {};
  const since = (start) => Math.round(performance.now() - start);

  if (process.env.TESTCONTAINERS_RYUK_DISABLED !== 'true') {
    console.warn(
      'warning: TESTCONTAINERS_RYUK_DISABLED is not "true", so testcontainers will pull the Ryuk image; ' +
        'without registry access source the env from provision-docker.sh first (. /tmp/docker-ci.env)',
    );
  }
  check(
    docker('image', 'ls', '-q', NODE_IMAGE) !== '',
    `base image NODE_IMAGE=${NODE_IMAGE} does not exist; run scripts/ci/provision-docker.sh first`,
  );
  const bridges = lines(docker('network', 'ls', '--filter', 'driver=bridge', '--format', '{{.Name}}'));
  check(
    bridges.length === 0 || process.env.CHECK_DOCKER_ALLOW_BRIDGE === '1',
    `bridge networks exist (${bridges.join(', ')}): start dockerd with --bridge=none so no traffic leaves loopback ` +
      '(CHECK_DOCKER_ALLOW_BRIDGE=1 skips this check on hosted runners)',
  );
  const containersBefore = new Set(lines(docker('ps', '-aq', '--no-trunc')));
  if (containersBefore.size > 0) console.warn(`warning: ${containersBefore.size} container(s) existed before the check`);

  const dir = mkdtempSync(join(tmpdir(), 'check-docker-'));
  const port = await freeLoopbackPort();
  const projectName = `check-docker-${process.pid}`;
  writeScratchProject(dir);
  let environment;
  try {
    let start = performance.now();
    environment = await new DockerComposeEnvironment(dir, 'compose.yml')
      .withProjectName(projectName)
      .withBuild()
      .withEnvironment({ NODE_IMAGE, SMOKE_PORT: String(port) })
      .withWaitStrategy('svc-1', Wait.forHealthCheck())
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .up();
    timings.composeUpMs = since(start);
    const container = environment.getContainer('svc-1');
    console.log(`up: container ${container.getId().slice(0, 12)} healthy in ${timings.composeUpMs} ms`);
    const networkMode = docker('inspect', '--format', '{{.HostConfig.NetworkMode}}', container.getId());
    check(networkMode === 'host', `container network mode is "${networkMode}", expected "host"`);

    start = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    const body = await response.json();
    timings.fetchMs = since(start);
    check(response.ok, `GET 127.0.0.1:${port} answered ${response.status}`);
    check(body.ok === true && body.oneMinuteMs === 60_000, `unexpected body ${JSON.stringify(body)}`);
    check(body.uid === 1000, `service runs as uid ${body.uid}, expected 1000 (USER 1000:1000)`);
    console.log(`fetch: 127.0.0.1:${port} -> ${JSON.stringify(body)} in ${timings.fetchMs} ms`);

    start = performance.now();
    await environment.down({ removeVolumes: true });
    environment = undefined;
    timings.composeDownMs = since(start);
  } finally {
    if (environment !== undefined) {
      // a failed check after up(): still tear down so CI leaves no container
      await environment.down({ removeVolumes: true, timeout: 0 }).catch((error) => console.error(`down failed: ${error.message}`));
    }
    try {
      // whatever a failed up() left behind; normally there is nothing to remove
      execFileSync('docker', ['compose', '-p', projectName, 'down', '--volumes', '--timeout', '0'], {
        cwd: dir,
        stdio: 'ignore',
        env: { ...process.env, NODE_IMAGE, SMOKE_PORT: String(port) },
      });
    } catch {
      // compose itself is broken: the container checks below report what is left
    }
    try {
      docker('image', 'rm', SMOKE_IMAGE); // the build cache stays, so the next run is quick
    } catch {
      // not built
    }
    rmSync(dir, { recursive: true, force: true });
  }

  const leftover = lines(docker('ps', '-aq', '--no-trunc')).filter((id) => !containersBefore.has(id));
  check(leftover.length === 0, `containers left after down: ${leftover.join(', ')}`);
  const all = lines(docker('ps', '-aq'));
  console.log(`down: ${timings.composeDownMs} ms; docker ps -a now lists ${all.length} container(s)`);
  console.log(`ok: ${JSON.stringify(timings)}`);
}

main().catch((error) => {
  console.error(`check-docker FAILED: ${error.message}`);
  process.exit(1);
});
