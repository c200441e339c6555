import type { CaseEvent } from '../../../domain/src';
import { caseIdOfStream, toCaseEvent } from '../cases/case-stream';
import type { SqlDatabase } from '../read-store/sql-database';
import type { Projection } from './projection';

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
    case 'TaskDispatched':
      return `派单 to ${event.data.assigneeOrganisationId}; sign for by ${event.data.signForBy}, resolve by ${event.data.resolveBy}`;
    case 'SignForReminderSent':
      return `催办: ${event.data.assigneeOrganisationId} has not signed for since ${event.data.signForBy}`;
    case 'TaskSignedFor':
      return '签收';
    case 'TaskResolved':
      return `办理完成: ${event.data.note}`;
    case 'CallBackRecorded':
      return `回访: ${event.data.satisfied ? 'satisfied' : 'not satisfied'}, rating ${event.data.rating}`;
    case 'CaseClosed':
      return `办结: ${event.data.reason}`;
    case 'TaskRedoOrdered':
      return `重办 #${event.data.redoCount} to ${event.data.assigneeOrganisationId}; resolve by ${event.data.resolveBy}`;
  }
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

