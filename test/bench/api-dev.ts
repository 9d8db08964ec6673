/**
 * `shorts dev` for the API bench, as its own process: the very command (runDevCommand: the same
 * runtime, routes, IAM gates, request log), with API Gateway's per-route throttles raised in the
 * synthesized template. The stack's throttles (POST /api/videos 5/s, burst 10; reads 50/s) would
 * answer 429 to almost every request sent at 200/s, and the bench measures the routes' own work,
 * not the 429 (test/local/edge.test.ts tests the throttles).
 *
 * Usage: node --import tsx test/bench/api-dev.ts <data-dir>
 */
import { runDevCommand } from '../../lib/local/dev-server.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: api-dev.ts <data-dir>\n');
  process.exit(2);
}
await runDevCommand({
  port: 0,
  maxRunning: 0,
  dataDir,
  alterTemplate: withEveryRouteThrottle({ rate: 100_000, burst: 100_000 }),
});
process.exit(0);
