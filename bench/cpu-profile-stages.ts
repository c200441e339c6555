import { readFileSync } from 'node:fs';

/**
 * Where a filing server's main thread spent its time, by stage of a filing, from a V8 CPU profile
 * (`HTTP_FILING_CPU_PROFILE_DIR=/tmp/profiles npm run bench http-filing` writes one per server):
 *
 *   node -r ./test/support/register-ts.js bench/cpu-profile-stages.ts PROFILE [FROM_S TO_S]
 *
 * Without a window it prints how busy the thread was, second by second, to find the load's.
 * Each sample goes to the first stage whose test its stack passes, so the order below matters.
 * A stack ends where a promise resumed it: the commands the workflow's activities send through the
 * command bus (the dispatch) are counted under "commands", with the filing's own.
 */
interface CallFrame {
  functionName: string;
  url: string;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function packageOf({ url, functionName }: CallFrame): string {
  if (!url) return functionName;
  return url.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? url.replace(/^.*?\/(apps|libs|bench|workflows)\//, '$1/');
}

const anyFrame = (test: (frame: CallFrame, where: string) => boolean) => (stack: CallFrame[]) => stack.some((frame) => test(frame, packageOf(frame)));

const STAGES: Array<[string, (stack: CallFrame[]) => boolean]> = [
  ['idle', (stack) => stack[0].functionName === '(idle)'],
  ['garbage collection', (stack) => stack[0].functionName === '(garbage collector)'],
  ['JWT verification (jsonwebtoken)', anyFrame((_, where) => where === 'jsonwebtoken' || where === '@nestjs/jwt' || where === 'jws')],
  ['writes to sockets (HTTP answers, gRPC)', anyFrame(({ functionName }) => functionName === 'writev' || functionName === 'writeBuffers')],
  ['validation (ValidationPipe, class-validator/transformer)', anyFrame(({ functionName }, where) => (functionName === 'transform' && where === '@nestjs/common') || where.startsWith('class-'))],
  ['rate limit', anyFrame((_, where) => where.includes('rate-limit'))],
  ['bridge: signalWithStart to Temporal', anyFrame((_, where) => where.includes('case-bridge') || where.includes('delivery-window') || where === '@temporalio/client')],
  ['worker: activities (commands of the workflow)', anyFrame((_, where) => where.includes('case-activities'))],
  ['worker: Temporal SDK (activations, polling)', anyFrame((_, where) => where.startsWith('@temporalio/'))],
  ['projections: apply and commit', anyFrame(({ functionName }) => functionName === 'applyProjectionBatch' || functionName === 'runProjection')],
  ['subscriptions: reading the log', anyFrame(({ functionName }) => functionName === 'readAll')],
  ['commands: duplicate lookup of a filing', anyFrame(({ functionName }) => functionName === 'findOpenCaseAtPlace')],
  ['commands: read the case stream, decide', anyFrame(({ functionName }) => ['readCaseStream', 'decideCase', 'foldCase'].includes(functionName))],
  ['commands: append (hash chain, insert, commit)', anyFrame(({ functionName }, where) => functionName === 'append' && where.includes('event-store'))],
  ['helmet', anyFrame((_, where) => where === 'helmet')],
  ['body parsing', anyFrame((_, where) => where === 'body-parser' || where === 'raw-body')],
  ['request log and metrics', anyFrame((_, where) => where.includes('request-tracking') || where.includes('json-logger') || where === 'prom-client')],
  ['gRPC', anyFrame((_, where) => where.startsWith('@grpc/'))],
  ['Nest, Express, node:http (routing, guards, interceptors)', anyFrame((_, where) => /^(@nestjs\/|express|router|node:_http|node:net)/.test(where))],
];

function main([file, from, to]: string[]): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const stackOf = (id: number | undefined) => {
    const stack: CallFrame[] = [];
    for (; id !== undefined; id = parents.get(id)) stack.push(nodes.get(id)!.callFrame);
    return stack;
  };
  let elapsedUs = 0;
  const samples = profile.samples.map((id, index) => ({ id, atUs: (elapsedUs += profile.timeDeltas[index]), us: profile.timeDeltas[index] }));

  if (from === undefined) {
    const seconds = new Map<number, { busy: number; all: number }>();
    for (const { id, atUs, us } of samples) {
      const second = seconds.get(Math.floor(atUs / 1e6)) ?? { busy: 0, all: 0 };
      second.all += us;
      if (nodes.get(id)!.callFrame.functionName !== '(idle)') second.busy += us;
      seconds.set(Math.floor(atUs / 1e6), second);
    }
    for (const [second, { busy, all }] of seconds) console.log(`${String(second).padStart(4)} s ${Math.round((100 * busy) / all)}% busy`);
    return;
  }
  const stages = new Map<string, number>();
  let total = 0;
  for (const { id, atUs, us } of samples) {
    if (atUs < Number(from) * 1e6 || atUs >= Number(to) * 1e6) continue;
    const stack = stackOf(id);
    const stage = STAGES.find(([, test]) => test(stack))?.[0] ?? 'other (own code outside these stages, microtasks, node internals)';
    stages.set(stage, (stages.get(stage) ?? 0) + us);
    total += us;
  }
  for (const [stage, us] of [...stages].sort((a, b) => b[1] - a[1])) {
    console.log(`${String(Math.round(us / 1000)).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${stage}`);
  }
}

main(process.argv.slice(2));
