import type { EventStore, RecordedEvent } from '@yixin/event-store';
import type { PersonalDataInEvent } from '@yixin/privacy';

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportSelection {
  streamId?: string;
  /** Inclusive bounds on recordedAt (ISO-8601). */
  from?: string;
  to?: string;
}

const CSV_COLUMNS = [
  'global_position', 'stream_id', 'revision', 'event_id', 'type', 'recorded_at', 'actor_user_id', 'actor_role',
  'actor_organisation_id', 'tier', 'correlation_id', 'causation_id', 'schema_version', 'previous_hash', 'hash', 'data',
] as const;

const READ_BATCH = 5000;

/** An event's data as auditors may see it, and what it holds of a resident. */
export type AuditorView = (event: RecordedEvent) => Promise<{ data: Record<string, unknown>; personalData?: PersonalDataInEvent }>;

/**
 * The selected events as JSON Lines or CSV, one line at a time, in log order, with their whole
 * envelope (hashes included, so the export can be verified elsewhere) and residents' personal
 * data as auditors may see it: encrypted as stored, or masked where it was stored in clear. The
 * hashes cover the data as stored, so a masked event's does not recompute: `personal_data_masked`
 * says which; `personal_data` says what an event holds of a resident.
 */
export async function* exportEvents(store: EventStore, selection: ExportSelection, format: ExportFormat, view: AuditorView): AsyncGenerator<string> {
  if (format === 'csv') yield CSV_COLUMNS.join(',') + '\n';
  let after = 0;
  for (;;) {
    const batch = await store.readAll(after, READ_BATCH);
    if (batch.length === 0) return;
    after = batch[batch.length - 1].globalPosition;
    for (const event of batch) {
      if (!selected(event, selection)) continue;
      const { data, personalData } = await view(event);
      yield format === 'jsonl' ? JSON.stringify(toExported(event, data, personalData)) + '\n' : toCsvLine(event, data);
    }
  }
}

function selected(event: RecordedEvent, { streamId, from, to }: ExportSelection): boolean {
  if (streamId !== undefined && event.streamId !== streamId) return false;
  const recordedAt = Date.parse(event.recordedAt);
  if (from !== undefined && recordedAt < Date.parse(from)) return false;
  if (to !== undefined && recordedAt > Date.parse(to)) return false;
  return true;
}

function toExported(event: RecordedEvent, data: Record<string, unknown>, personalData: PersonalDataInEvent | undefined) {
  return { ...event, data, personal_data_masked: personalData?.encrypted === false, ...(personalData ? { personal_data: personalData } : {}) };
}

function toCsvLine(event: RecordedEvent, data: Record<string, unknown>): string {
  const { actor } = event.metadata;
  const values = [
    event.globalPosition, event.streamId, event.revision, event.id, event.type, event.recordedAt, actor.userId, actor.role,
    actor.organisationId, event.metadata.tier, event.metadata.correlationId, event.metadata.causationId, event.schemaVersion,
    event.previousHash, event.hash, JSON.stringify(data),
  ];
  return values.map((value) => csvField(String(value))).join(',') + '\n';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
