import { setTimeout as delay } from 'node:timers/promises';
import { caseIdOfStream, readCaseStream } from '@yixin/case-stream';
import type { EventStore, RecordedEvent } from '@yixin/event-store';
import { ChaosHttp, newIdempotencyKey, type Answer } from './chaos-http';

/** The lives the run gives its cases, each with the event types its stream must hold at the end, exactly. */
export const JOURNEYS = {
  plain: ['ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed'],
  returned: ['ComplaintFiled', 'TaskDispatched', 'TaskReturned', 'ReturnRejected', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed'],
  council: [
    'ComplaintFiled', 'TaskDispatched', 'TaskSignedFor', 'TaskReturned', 'CaseReferredToCouncil', 'CouncilSessionConvened',
    'CouncilDecisionRecorded', 'TaskDispatched', 'TaskSignedFor', 'TaskResolved', 'CallBackRecorded', 'CaseClosed',
  ],
} as const;
export type JourneyKind = keyof typeof JOURNEYS;

/** The events of a journey the case's workflow appends itself; every other one is a person's command. */
const WORKFLOW_EVENTS: ReadonlySet<string> = new Set(['TaskDispatched', 'CaseReferredToCouncil', 'CaseClosed']);

/** How many commands people send in a journey of this kind. */
export function commandsIn(kind: JourneyKind): number {
  return JOURNEYS[kind].filter((type) => !WORKFLOW_EVENTS.has(type)).length;
}

/** A command the API answered 2xx: it promised these events at these revisions. */
export interface AcknowledgedCommand {
  caseId: string;
  action: string;
  revision: number;
  appended: string[];
}

export interface JourneyTally {
  acknowledged: AcknowledgedCommand[];
  /** Commands whose answer was lost to a fault, found done in the log afterwards. */
  doneUnacknowledged: number;
  /** Sent again with a new key: the first was not done (its process died before it appended). */
  resent: number;
}

export interface CaseUsers {
  staff: string;
  company: string;
  council: string;
}

/** A key claimed by a request that died with its API process stays claimed for minutes; past this, the log says whether it was done. */
const IN_FLIGHT_PATIENCE_MS = 40_000;
const POLL_MS = 250;
/** How long the run waits for the workflow's own step (a dispatch, a referral) before it calls the case stuck. */
const WORKFLOW_STEP_TIMEOUT_MS = 10 * 60_000;
const HOUR = 3600_000;

/**
 * Drives cases through their whole life over HTTP as the people would, through a cluster under
 * faults: community staff file and call back, the company signs for, returns and resolves, the
 * council convenes and decides. Each write carries an Idempotency-Key and is sent again until
 * answered; an answer lost to a fault is settled by looking at the log, as a clerk would reload the
 * case. Where the workflow acts (dispatch, referral to the council), the journey waits for its
 * event in the log.
 */
export class CaseJourneys {
  readonly tally: JourneyTally = { acknowledged: [], doneUnacknowledged: 0, resent: 0 };

  constructor(private readonly http: ChaosHttp, private readonly store: EventStore, private readonly users: CaseUsers, private readonly stopping: AbortSignal) {}

  async live(kind: JourneyKind, marker: string): Promise<string> {
    const { staff, company, council } = this.users;
    const caseId = await this.file(marker, kind === 'plain' ? 'elevator' : 'water_leak');
    await this.untilEvents(caseId, 'TaskDispatched', 1);
    if (kind === 'returned') {
      await this.act(caseId, 'task/return', company, { reason: 'wrongly_routed', note: '外墙不归物业' }, 'TaskReturned');
      await this.act(caseId, 'return/reject', staff, { reason: '外墙属物业服务合同约定的公共部位，由物业负责' }, 'ReturnRejected');
    }
    if (kind === 'council') {
      await this.act(caseId, 'task/sign-for', company, undefined, 'TaskSignedFor');
      await this.act(caseId, 'task/return', company, { reason: 'disputed_responsibility', note: '屋顶防水在开发商质保期内' }, 'TaskReturned');
      await this.untilEvents(caseId, 'CaseReferredToCouncil', 1);
      await this.act(caseId, 'council/session', council, { scheduledFor: new Date(Date.now() + 2 * HOUR).toISOString() }, 'CouncilSessionConvened');
      const decision = {
        decision: '质保期内由北辰奥园物业先行维修，再向开发商追偿',
        assignee: { organisationId: 'pc-beichen-aoyuan', kind: 'property_company' },
        dueBy: new Date(Date.now() + 120 * HOUR).toISOString(),
      };
      await this.act(caseId, 'council/decision', council, decision, 'CouncilDecisionRecorded');
      await this.untilEvents(caseId, 'TaskDispatched', 2);
    }
    await this.act(caseId, 'task/sign-for', company, undefined, 'TaskSignedFor');
    await this.act(caseId, 'task/resolve', company, { note: '已处理完毕，现场照片已上传' }, 'TaskResolved');
    await this.act(caseId, 'call-back', staff, { outcome: 'satisfied', rating: 5, note: '居民满意' }, 'CallBackRecorded');
    return caseId;
  }

  /** Files a complaint marked `marker` (its building), once. */
  private async file(marker: string, category: string): Promise<string> {
    const complaint = {
      resident: { name: '王阿姨', phone: '13800000000' },
      location: { communityId: 'xiangyuan', compoundId: 'beichen-aoyuan', building: marker, unit: '2单元1502室' },
      category,
      urgency: 'normal',
      description: `${marker}${category === 'elevator' ? '电梯停运两天，老人上下楼困难' : '外墙渗水到卧室'}`,
      channel: 'visit',
    };
    for (;;) {
      const answer = await this.sendUntilSettled('POST', '/cases', this.users.staff, complaint);
      if (answer?.status === 201) {
        const { caseId } = answer.body as { caseId: string };
        this.tally.acknowledged.push({ caseId, action: 'file', revision: 0, appended: ['ComplaintFiled'] });
        return caseId;
      }
      if (answer) throw new Error(`filing ${marker} was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      const filed = await this.filedWith(marker);
      if (filed) {
        this.tally.doneUnacknowledged += 1;
        return filed;
      }
      this.tally.resent += 1;
    }
  }

  /** Sends a command on the case until it is done once: `appends` is the first event type it appends. */
  private async act(caseId: string, action: string, token: string, body: unknown, appends: string): Promise<void> {
    for (let refusals = 0; ; ) {
      const before = await this.countOf(caseId, appends);
      const answer = await this.sendUntilSettled('POST', `/cases/${caseId}/${action}`, token, body);
      if (answer && answer.status >= 200 && answer.status < 300) {
        const { revision, appended } = answer.body as { revision: number; appended: string[] };
        this.tally.acknowledged.push({ caseId, action, revision, appended });
        return;
      }
      if ((await this.countOf(caseId, appends)) > before) {
        this.tally.doneUnacknowledged += 1;
        return;
      }
      if (answer && (answer.status !== 409 || ++refusals > 20)) {
        throw new Error(`${action} on ${caseId} was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      // Refused as the case stood (a step of the workflow not taken yet), or never done: again, with a new key.
      if (!answer) this.tally.resent += 1;
      await delay(POLL_MS * 4, undefined, { signal: this.stopping });
    }
  }

  /**
   * Sends with one Idempotency-Key until settled: the answer (2xx, or a refusal other than "still
   * running"), or undefined when the key stayed claimed by a request that died with its process.
   */
  private async sendUntilSettled(method: string, path: string, token: string, body: unknown): Promise<Answer | undefined> {
    const key = newIdempotencyKey();
    let inFlightSince: number | undefined;
    for (;;) {
      const answer = await this.http.answered(method, path, token, body, key);
      const stillRunning = answer.status === 409 && /still running/.test(JSON.stringify(answer.body));
      if (answer.status === 429) {
        await delay(1000, undefined, { signal: this.stopping });
        continue;
      }
      if (!stillRunning) return answer;
      inFlightSince ??= Date.now();
      if (Date.now() - inFlightSince > IN_FLIGHT_PATIENCE_MS) return undefined;
      await delay(POLL_MS * 4, undefined, { signal: this.stopping });
    }
  }

  private async untilEvents(caseId: string, type: string, count: number): Promise<void> {
    const until = Date.now() + WORKFLOW_STEP_TIMEOUT_MS;
    while ((await this.countOf(caseId, type)) < count) {
      if (Date.now() > until) throw new Error(`case ${caseId} is stuck: no ${count} × ${type} after ${WORKFLOW_STEP_TIMEOUT_MS / 60_000} min`);
      await delay(POLL_MS, undefined, { signal: this.stopping });
    }
  }

  private async countOf(caseId: string, type: string): Promise<number> {
    const stream = await this.fromLog(() => readCaseStream(this.store, caseId));
    return stream.filter((event) => event.type === type).length;
  }

  /** The case filed with `marker`, found in the log: a filing whose answer was lost. */
  private async filedWith(marker: string): Promise<string | undefined> {
    for (let after = 0; ; ) {
      const batch: RecordedEvent[] = await this.fromLog(() => this.store.readAll(after, 5000));
      if (batch.length === 0) return undefined;
      const filed = batch.find((event) => event.type === 'ComplaintFiled' && JSON.stringify(event.data).includes(marker));
      if (filed) return caseIdOfStream(filed.streamId);
      after = batch[batch.length - 1].globalPosition;
    }
  }

  /** A read of the log, again until PostgreSQL answers (it may be restarting). */
  private async fromLog<T>(read: () => Promise<T>): Promise<T> {
    for (;;) {
      this.stopping.throwIfAborted();
      try {
        return await read();
      } catch {
        await delay(POLL_MS * 2, undefined, { signal: this.stopping });
      }
    }
  }
}
