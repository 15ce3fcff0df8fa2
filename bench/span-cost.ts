/**
 * `npx tsx bench/span-cost.ts`: what telemetry adds to one turn, measured in-process so that a busy
 * machine moves it little: a turn span with one client span under it and the counts they record,
 * exported over OTLP/HTTP protobuf to a stand-in collector, against the same calls with telemetry
 * off. Prints CPU microseconds per turn (median of 5 rounds of SPAN_COST_TURNS turns).
 */
import { startStandIns, median } from './lib.js';
import { createLogger } from '../bot/logger.js';
import { inTurn, noteRefusal, startTelemetry, tracedFetch } from '../bot/telemetry.js';

const TURNS = Number(process.env.SPAN_COST_TURNS ?? 20_000);
const answer = { status: 200 };

/** One turn's worth of recording: the turn, a refusal, one HTTP call under it. */
const turn = () =>
  inTurn('teams', 'message', async () => {
    noteRefusal('error.noRole', 'NotAllowed');
    await tracedFetch({ service: 'Graph', method: 'GET', httpMethod: 'GET', url: 'https://graph.example/v1.0/users/x' }, async () => answer);
  });

async function cpuMicrosPerTurn(): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < TURNS; i++) {
      await turn();
      // A server interleaves I/O between turns: so does this loop, or the exporter never gets to send and drops spans.
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / TURNS);
  }
  return median(rounds);
}

const standIns = await startStandIns();
const off = await cpuMicrosPerTurn();
// The standard variables the SDK reads itself, as in production; a short batch delay keeps the exporter busy.
process.env.OTEL_BSP_SCHEDULE_DELAY = '200';
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = standIns.otlpUrl;
const telemetry = await startTelemetry(
  { metricsPort: 0, metricsHost: '127.0.0.1', otlp: { endpoint: standIns.otlpUrl, protocol: 'http/protobuf' } },
  createLogger('warn'),
);
const on = await cpuMicrosPerTurn();
await telemetry?.shutdown();
await standIns.close();
process.stdout.write(
  `CPU per turn (a turn span, a client span, 3 counts, 2 histogram records): off ${off.toFixed(1)} µs, on ${on.toFixed(1)} µs, ` +
    `added ${(on - off).toFixed(1)} µs; OTLP requests received: ${standIns.counts.otlp ?? 0} (up to 512 spans each)\n`,
);
