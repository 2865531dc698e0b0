// What the service's own metrics say about a run, judged: its success_count
// against the successes the client saw (nothing dropped, nothing counted twice),
// how much its memory grew, and whether its Freshdesk pool was left idle. Pure,
// on the figures the metrics document gives.

const MB = 2 ** 20;

/** The server's success_count around a run against the client's successes over the same requests. */
export interface Reconciliation {
  before: number;
  after: number;
  /** How much success_count grew. */
  serverGrowth: number;
  clientSuccesses: number;
  /** serverGrowth - clientSuccesses: above 0 the server counted more than it answered as success, below 0 it dropped some. */
  difference: number;
  agrees: boolean;
  /** The counter's movement, what the client saw and, when they differ, how. */
  text: string;
}

export function reconcileSuccessCount(before: number, after: number, clientSuccesses: number): Reconciliation {
  const serverGrowth = after - before;
  const difference = serverGrowth - clientSuccesses;
  const how =
    difference > 0
      ? `: the server counted ${difference} more than the client saw answered as success (counted twice?)`
      : difference < 0
        ? `: the server counted ${-difference} fewer than the client saw answered as success (dropped?)`
        : '';
  return {
    before,
    after,
    serverGrowth,
    clientSuccesses,
    difference,
    agrees: difference === 0,
    text: `success_count went ${before} -> ${after} (${serverGrowth >= 0 ? '+' : ''}${serverGrowth}); the client saw ${clientSuccesses} successes${how}`,
  };
}

/** The server's resident memory before and after a run. */
export interface MemoryGrowth {
  beforeMb: number;
  afterMb: number;
  growthMb: number;
  /** `Server RSS: 80.1 MB -> 84.3 MB (+4.2 MB)` */
  text: string;
}

export function memoryGrowth(beforeBytes: number, afterBytes: number): MemoryGrowth {
  const beforeMb = beforeBytes / MB;
  const afterMb = afterBytes / MB;
  const growthMb = afterMb - beforeMb;
  return {
    beforeMb,
    afterMb,
    growthMb,
    text: `Server RSS: ${beforeMb.toFixed(1)} MB -> ${afterMb.toFixed(1)} MB (${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB)`,
  };
}

/** The Freshdesk connection pool as the metrics document gives it (freshdesk_pool). */
export interface PoolFigures {
  connected?: number;
  pending?: number;
  running?: number;
  size?: number;
}

export interface PoolCheck {
  /** Nothing queued for a connection and nothing running: every Freshdesk call of the run is done. */
  idle: boolean;
  /** What is left, one phrase each; a figure the document lacks counts as left (it cannot be shown idle). */
  leftovers: string[];
  /** `Freshdesk pool: connected 2, pending 0, running 0, size 10` */
  text: string;
}

export function poolLeftovers(pool: PoolFigures): PoolCheck {
  const leftovers: string[] = [];
  const left = (value: number | undefined, what: string, field: string) => {
    if (value === undefined) leftovers.push(`freshdesk_pool.${field} is missing`);
    else if (value !== 0) leftovers.push(`${value} ${what}`);
  };
  left(pool.pending, 'requests queued for a Freshdesk connection (pending)', 'pending');
  left(pool.running, 'Freshdesk requests still running (running)', 'running');
  const show = (value: number | undefined) => (value === undefined ? 'n/a' : String(value));
  return {
    idle: leftovers.length === 0,
    leftovers,
    text: `Freshdesk pool: connected ${show(pool.connected)}, pending ${show(pool.pending)}, running ${show(pool.running)}, size ${show(pool.size)}`,
  };
}
