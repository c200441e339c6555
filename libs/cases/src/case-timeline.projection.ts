import type { CaseEvent } from '@yixin/domain';
import { caseIdOfStream, toCaseEvent } from '@yixin/case-stream';
import type { SqlDatabase } from '@yixin/stores';
import type { Projection } from '@yixin/projections';

/** Each case's timeline: one line per event, who did what when, without residents' personal data. */
export interface TimelineEntry {
  revision: number;
  type: string;
  at: string;
  actorUserId: string;
  actorRole: string;
  actorOrganisationId: string;
  tier: string;
  summary: string;
}

export const caseTimelineProjection: Projection = {
  name: 'case_timeline',
  version: 2,
  tables: ['case_timeline'],
  schema: `
    CREATE TABLE IF NOT EXISTS case_timeline (
      case_id TEXT NOT NULL,
      revision BIGINT NOT NULL,
      type TEXT NOT NULL,
      at TEXT NOT NULL,
      actor_user_id TEXT NOT NULL,
      actor_role TEXT NOT NULL,
      actor_organisation_id TEXT NOT NULL,
      tier TEXT NOT NULL,
      summary TEXT NOT NULL,
      PRIMARY KEY (case_id, revision))`,

  async apply(events) {
    return events.flatMap((event) => {
      const caseId = caseIdOfStream(event.streamId);
      if (!caseId) return [];
      const { actor, tier } = event.metadata;
      return [
        {
          sql: `INSERT INTO case_timeline (case_id, revision, type, at, actor_user_id, actor_role, actor_organisation_id, tier, summary)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, revision) DO NOTHING`,
          params: [caseId, event.revision, event.type, event.recordedAt, actor.userId, actor.role, actor.organisationId, tier, summarise(toCaseEvent(event))],
        },
      ];
    });
  },
};

/** One line a person can read in the timeline. */
export function summarise(event: CaseEvent): string {
  switch (event.type) {
    case 'ComplaintFiled':
      return `受理: ${event.data.category} at ${event.data.location.compoundId} ${event.data.location.building} via ${event.data.channel}`;
    case 'CaseLinkedAsDuplicate':
      return `并案: duplicate of ${event.data.primaryCaseId}`;
    case 'CaseUnlinked':
      return `撤销并案 from ${event.data.primaryCaseId}`;
    case 'TaskDispatched': {
      const { assigneeOrganisationId, deadlines, reason } = event.data;
      return `派单 to ${assigneeOrganisationId}${reason ? ` (${reason})` : ''}; sign for by ${deadlines.sign_for.due}, resolve by ${deadlines.resolve.due}`;
    }
    case 'DeadlineReminderSent':
      return `催办: ${event.data.assigneeOrganisationId} missed the ${event.data.deadline} deadline of ${event.data.due}`;
    case 'TaskSignedFor':
      return '签收';
    case 'ProgressReported':
      return `进展: ${event.data.note}${photos(event.data.evidence)}`;
    case 'TaskResolved':
      return `办理完成: ${event.data.note}${photos(event.data.evidence)}`;
    case 'EvidenceAttached':
      return `补充照片${photos(event.data.evidence)}${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'TaskReturned':
      return `退单 by ${event.data.returnedBy}: ${event.data.reason}, ${event.data.note}`;
    case 'ReturnRejected':
      return `退单驳回, back to ${event.data.assigneeOrganisationId}: ${event.data.reason}`;
    case 'ExtensionRequested':
      return `延期申请 by ${event.data.requestedBy}: ${JSON.stringify(event.data.extension)}, ${event.data.reason}`;
    case 'DeadlineExtended':
      return `延期 to ${event.data.resolve.due}${event.data.requested ? ' (requested)' : ''}`;
    case 'ExtensionRefused':
      return `延期驳回: ${event.data.reason}`;
    case 'ClockPaused':
      return `暂停计时: ${event.data.reason}`;
    case 'ClockResumed':
      return '恢复计时';
    case 'CaseEscalated':
      return `督办: ${event.data.fromTier} → ${event.data.toTier} (${event.data.reason}), supervised by ${event.data.supervisorOrganisationId}`;
    case 'CaseReferredToCouncil':
      return `提交${event.data.council === 'property_council' ? '物业联席会' : '业委会联席会'}: ${event.data.question}; decide by ${event.data.decideBy}`;
    case 'CouncilSessionConvened':
      return `联席会召开 ${event.data.scheduledFor} with ${event.data.members.length} members`;
    case 'CouncilDecisionRecorded':
      return `联席会决定: ${event.data.decision}; ${event.data.assignee.organisationId} by ${event.data.dueBy}`;
    case 'CallBackRecorded':
      return `回访: ${event.data.outcome}${event.data.rating === undefined ? '' : `, rating ${event.data.rating}`}`;
    case 'TaskRedoOrdered':
      return `重办 #${event.data.redoCount} to ${event.data.assigneeOrganisationId}; resolve by ${event.data.deadlines.resolve.due}`;
    case 'CaseClosed':
      return `办结: ${event.data.reason}${event.data.note ? `, ${event.data.note}` : ''}`;
    case 'CaseReopened':
      return `重新开启: ${event.data.reason}`;
    case 'PersonalDataErased':
      return '删除个人信息: the resident’s personal data was erased at their request';
  }
}

/** Nothing for a report without photos, so that the lines of older events read as they always did. */
function photos(evidence: string[]): string {
  return evidence.length === 0 ? '' : ` (${evidence.length} photo${evidence.length === 1 ? '' : 's'})`;
}

export async function selectTimeline(db: SqlDatabase, caseId: string): Promise<TimelineEntry[]> {
  const rows = await db.query<Record<string, string | number>>(
    'SELECT * FROM case_timeline WHERE case_id = ? ORDER BY revision',
    [caseId],
  );
  return rows.map((row) => ({
    revision: Number(row.revision),
    type: String(row.type),
    at: String(row.at),
    actorUserId: String(row.actor_user_id),
    actorRole: String(row.actor_role),
    actorOrganisationId: String(row.actor_organisation_id),
    tier: String(row.tier),
    summary: String(row.summary),
  }));
}

