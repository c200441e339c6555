import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { evolveCase, initialCaseState, nextCaseStep, upcastCaseEvent, type CaseState } from '../../libs/domain/src';
import { changedCaseSearchAttributes, overdueFrom } from './case-search-attributes';
import { CaseMessages, planMessages } from './message-delivery';
import type { NotificationToSend } from './notification-messages';
import {
  CASE_EVENT_SIGNAL,
  CASE_STATE_QUERY,
  WAITING_MESSAGES_QUERY,
  type CaseActivities,
  type CaseEventMessage,
  type CaseWorkflowInput,
} from './case-messages';

export const caseEventSignal = defineSignal<[CaseEventMessage]>(CASE_EVENT_SIGNAL);
export const caseStateQuery = defineQuery<{ state: CaseState; appliedRevision: number }>(CASE_STATE_QUERY);
/** The messages planned and not yet being sent, each waiting for its `sendAt`. */
export const waitingMessagesQuery = defineQuery<NotificationToSend[]>(WAITING_MESSAGES_QUERY);

const caseActivityOptions = { startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumInterval: '30 seconds' } } as const;
const scheduledActivities = proxyActivities<CaseActivities>(caseActivityOptions);
const localActivities = proxyLocalActivities<CaseActivities>(caseActivityOptions);

/**
 * Patch of 2026-12-07: reading the case and carrying out a step run as local activities, in the
 * worker that runs the workflow's task, with no round trip through the Temporal server to schedule
 * and start each (both take milliseconds, and carryOutStep is idempotent by its command id). Runs
 * started before the patch scheduled them through the server, as their histories say.
 */
const ACTIVITIES_RUN_LOCALLY = 'case-activities-run-locally';
const caseActivities = (): CaseActivities => (patched(ACTIVITIES_RUN_LOCALLY) ? localActivities : scheduledActivities);

/** Cases live for weeks; past this many history events a run hands its state to a fresh one. */
const DEFAULT_HISTORY_LIMIT = 2_000;

/**
 * Patch of 2026-11-29: a refused step is tried again after this long, in case what it lacked (an
 * owners' committee or a council in the directory, say) was put right meanwhile. Runs started
 * before the patch keep waiting for the next event only, as their histories say they did.
 */
const RETRY_REFUSED_STEPS = 'retry-refused-steps';
const REFUSED_STEP_RETRY = '1 hour';

/**
 * Patch of 2026-12-06: a signal is only news that the case has new events. Whoever reaches
 * Temporal's port can send any signal, a forged CaseClosed say, so the events applied are read from
 * the log through an activity; the revisions signalled only say whether there is anything to read.
 * Runs started before the patch applied what the signals carried, as their histories say they did.
 */
const SIGNALS_ARE_HINTS = 'signals-are-hints';

/**
 * Patch of 2026-12-06: the case's status, tier, place, category and whether it is overdue are
 * upserted as search attributes (case-search-attributes.ts) whenever they change, and a waiting
 * run also wakes when its next deadline passes, so that Overdue turns true then. Runs started
 * before the patch did neither, as their histories say.
 */
const PUBLISHES_SEARCH_ATTRIBUTES = 'case-search-attributes';

/**
 * Patch of 2026-12-07: the case's workflow plans and sends the messages its events call for
 * (message-delivery.ts), where a planner started one notification workflow per event before; a
 * closed case's run ends once every message has an outcome. Runs started before the patch take the
 * messages over from their next task on: planMessages leaves out the events that planner had planned.
 */
const DELIVERS_MESSAGES = 'case-delivers-its-messages';

/**
 * Events from before messages carried their schema version were sent already upcast to the
 * versions of that time: ComplaintFiled 2, everything else 1.
 */
function schemaVersionOf(message: CaseEventMessage): number {
  return message.schemaVersion ?? (message.type === 'ComplaintFiled' ? 2 : 1);
}

/**
 * The process manager of one case (workflow id = case id). Signals from the bridge, in any order
 * and possibly more than once, tell it that the case has new events; it reads them from the log,
 * folds them with the domain's own `evolveCase`, and asks the domain (`nextCaseStep`) what the
 * center does next: issue a command through an activity, sleep until a deadline, or wait for the
 * next event. Beside the steps it sends the messages the events call for, each at its time.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseState['status']> {
  const { caseId, carried, historyLimit = DEFAULT_HISTORY_LIMIT } = input;
  let state = carried?.state ?? initialCaseState;
  let appliedRevision = carried?.appliedRevision ?? -1;
  let plannedRevision = carried?.plannedRevision ?? -1;
  const caseMessages = new CaseMessages(carried?.messages);
  // Waits for news before it does anything, so the histories of runs without messages replay as they were.
  void caseMessages.run();
  const received: CaseEventMessage[] = [...(carried?.pending ?? [])];
  setHandler(caseEventSignal, (message) => {
    received.push(message);
  });
  setHandler(caseStateQuery, () => ({ state, appliedRevision }));
  setHandler(waitingMessagesQuery, () => caseMessages.waitingNow());

  /** Applies the next events in revision order; returns true if one is missing before some received event. */
  const apply = (messages: CaseEventMessage[]): boolean => {
    let missing = false;
    for (const message of [...messages].sort((a, b) => a.revision - b.revision)) {
      if (message.revision <= appliedRevision) continue;
      if (message.revision > appliedRevision + 1) {
        missing = true;
        continue;
      }
      state = evolveCase(state, upcastCaseEvent(message.type, schemaVersionOf(message), message.data));
      appliedRevision = message.revision;
    }
    return missing;
  };

  const catchUp = async (): Promise<void> => {
    const signalled = received.splice(0);
    if (patched(SIGNALS_ARE_HINTS)) {
      if (signalled.some((message) => message.revision > appliedRevision)) apply(await caseActivities().readCaseEvents(caseId, appliedRevision + 1));
    } else if (apply(signalled)) {
      apply(await caseActivities().readCaseEvents(caseId, appliedRevision + 1));
    }
  };

  const planNewMessages = async (): Promise<void> => {
    if (appliedRevision <= plannedRevision || !patched(DELIVERS_MESSAGES)) return;
    const throughRevision = appliedRevision;
    caseMessages.add(await planMessages({ caseId, afterRevision: plannedRevision, throughRevision }));
    plannedRevision = throughRevision;
  };

  const publishSearchAttributes = (): void => {
    const changed = changedCaseSearchAttributes(workflowInfo().typedSearchAttributes, state, Date.now());
    if (changed.length > 0 && patched(PUBLISHES_SEARCH_ATTRIBUTES)) upsertSearchAttributes(changed);
  };

  /** When a wait ends: at the step's instant, or sooner when the case turns overdue; undefined waits for news only. */
  const wakeAt = (until: string | undefined): number | undefined => {
    const stepDue = until === undefined ? Infinity : Date.parse(until);
    const overdue = overdueFrom(state);
    const turnsOverdue = overdue !== undefined && overdue > Date.now() && patched(PUBLISHES_SEARCH_ATTRIBUTES) ? overdue : Infinity;
    const earliest = Math.min(stepDue, turnsOverdue);
    return earliest === Infinity ? undefined : earliest;
  };

  for (;;) {
    await catchUp();
    await planNewMessages();
    publishSearchAttributes();
    const step = nextCaseStep(state, Date.now());
    // A finished case's run ends once its messages have their outcomes, unless the case moves on meanwhile.
    if (step.kind === 'finished') {
      if (await caseMessages.settle(() => received.length > 0)) return state.status;
      continue;
    }
    if (workflowInfo().historyLength > historyLimit) {
      const unsent = await caseMessages.handOver();
      await continueAsNew<typeof caseWorkflow>({
        caseId,
        historyLimit,
        carried: { state, appliedRevision, pending: received.splice(0), plannedRevision, messages: unsent },
      });
    }
    if (step.kind === 'wait') {
      const wake = wakeAt(step.until);
      const timeout = wake === undefined ? undefined : Math.max(wake - Date.now(), 0);
      if (timeout === undefined) await condition(() => received.length > 0);
      else await condition(() => received.length > 0, timeout);
      continue;
    }
    const revisionBefore = appliedRevision;
    const outcome = await caseActivities().carryOutStep({
      caseId,
      command: step.command,
      commandId: `${caseId}/${step.command.type}@${revisionBefore}`,
      taskId: uuid4(),
      at: new Date().toISOString(),
      fromRevision: appliedRevision + 1,
    });
    apply(outcome.events);
    if (outcome.refusal !== undefined && appliedRevision === revisionBefore) {
      // The domain refused and nothing changed: retrying now would be refused again, so wait for news.
      log.warn('step refused', { caseId, command: step.command.type, refusal: outcome.refusal });
      if (patched(RETRY_REFUSED_STEPS)) await condition(() => received.length > 0, REFUSED_STEP_RETRY);
      else await condition(() => received.length > 0);
    }
  }
}
