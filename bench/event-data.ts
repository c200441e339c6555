import { randomUUID } from 'node:crypto';
import { caseStreamId, eventIdFor } from '@yixin/case-stream';
import { newKey, seal } from '@yixin/privacy';
import { CASE_EVENT_SCHEMA_VERSIONS, type CaseEvent, type ComplaintFiled } from '@yixin/domain';
import type { EventStore, NewEvent } from '@yixin/event-store';
import { sampleComplaint } from '@yixin/testing';

const staff = { userId: 'user-staff-xiangyuan', role: 'community_staff', organisationId: 'xiangyuan' };
const center = { userId: 'case-workflow', role: 'system', organisationId: 'shushan-center' };

function envelope(event: CaseEvent, actor: typeof staff, commandId: string, index: number): NewEvent {
  return {
    id: eventIdFor(commandId, index),
    type: event.type,
    schemaVersion: CASE_EVENT_SCHEMA_VERSIONS[event.type],
    data: event.data as unknown as Record<string, unknown>,
    metadata: { actor, tier: 'community', correlationId: commandId, causationId: commandId },
  };
}

/** A complaint as the API stores it: the resident encrypted, under a key the benchmarks never need. */
function filedComplaint(caseId: string, filedAt: string, propertyCompanyId: string): ComplaintFiled['data'] {
  const { resident, location: { unit, ...location }, ...complaint } = sampleComplaint();
  const sealed = seal(Buffer.from(JSON.stringify({ ...resident, unit })), newKey(), caseId);
  const personalData = { subjectId: 'b'.repeat(64), keyId: randomUUID(), ...sealed };
  return { ...complaint, location, personalData, caseId, propertyCompanyId, filedAt };
}

/**
 * The events of one realistic case: filed, dispatched, signed for, resolved, then `redos` rounds
 * of an unsatisfied call-back and a redo, and finally a satisfied call-back that closes it
 * (6 + 4 × redos events). `companyId` is the property company that gets the task; its first two
 * or three events are a case whose task is still open.
 */
export function caseLifeEvents(caseId: string, redos: number, start = Date.parse('2026-03-02T01:00:00Z'), companyId = 'pc-beichen-aoyuan'): NewEvent[] {
  const company = { userId: `user-${companyId}`, role: 'property_company', organisationId: companyId };
  const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  const taskId = `${caseId}-task`;
  const events: NewEvent[] = [];
  const add = (event: CaseEvent, actor: typeof staff) => events.push(envelope(event, actor, `${caseId}/${events.length}`, 0));
  add({ type: 'ComplaintFiled', data: filedComplaint(caseId, at(0), companyId) }, staff);
  const deadline = (minute: number) => ({ due: at(minute), unit: 'hours' as const, remindAt: at(minute + 60) });
  const deadlines = (from: number) => ({ sign_for: deadline(from + 120), first_reply: deadline(from + 480), resolve: deadline(from + 1440) });
  add(
    {
      type: 'TaskDispatched',
      data: {
        taskId,
        assigneeOrganisationId: companyId,
        assigneeKind: 'property_company',
        origin: 'complaint',
        deadlines: deadlines(0),
        dispatchedAt: at(0),
      },
    },
    center,
  );
  let minute = 0;
  const handle = () => {
    add({ type: 'TaskSignedFor', data: { taskId, signedForAt: at(++minute) } }, company);
    add({ type: 'TaskResolved', data: { taskId, note: '已更换主板，恢复运行 ✅', evidence: [], resolvedAt: at(++minute) } }, company);
  };
  handle();
  for (let redo = 1; redo <= redos; redo++) {
    add({ type: 'CallBackRecorded', data: { outcome: 'not_satisfied', rating: 2, note: '仍有异响', calledBackAt: at(++minute) } }, staff);
    add({ type: 'TaskRedoOrdered', data: { taskId, assigneeOrganisationId: companyId, redoCount: redo, deadlines: deadlines(minute), orderedAt: at(++minute) } }, center);
    handle();
  }
  add({ type: 'CallBackRecorded', data: { outcome: 'satisfied', rating: 5, calledBackAt: at(++minute) } }, staff);
  add({ type: 'CaseClosed', data: { reason: 'resident_satisfied', closedAt: at(minute) } }, staff);
  return events;
}

/** Appends whole cases (one append each) until the log holds at least `events` events; returns the case ids. */
export async function fillLog(store: EventStore, events: number, redosPerCase = 0): Promise<string[]> {
  const caseIds: string[] = [];
  let written = 0;
  while (written < events) {
    const caseId = randomUUID();
    const life = caseLifeEvents(caseId, redosPerCase);
    await store.append(caseStreamId(caseId), life, 'no_stream');
    caseIds.push(caseId);
    written += life.length;
  }
  return caseIds;
}
