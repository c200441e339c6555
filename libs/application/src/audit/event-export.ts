import type { EventStore, RecordedEvent } from '../../../event-store/src';
import { maskPersonalData } from '../cases/case-access';

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

/**
 * The selected events as JSON Lines or CSV, one line at a time, in log order, with their whole
 * envelope (hashes included, so the export can be verified elsewhere) and residents' personal
 * data masked. The hashes cover the unmasked data: masking is shown by `personal_data_masked`.
 */
export async function* exportEvents(store: EventStore, selection: ExportSelection, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield CSV_COLUMNS.join(',') + '\n';
  let after = 0;
  for (;;) {
    const batch = await store.readAll(after, READ_BATCH);
    if (batch.length === 0) return;
    after = batch[batch.length - 1].globalPosition;
    for (const event of batch) {
      if (!selected(event, selection)) continue;
      yield format === 'jsonl' ? JSON.stringify(toExported(event)) + '\n' : toCsvLine(event);
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

function toExported(event: RecordedEvent) {
  return { ...event, data: maskPersonalData(event.data), personal_data_masked: 'resident' in event.data };
}

function toCsvLine(event: RecordedEvent): string {
  const { actor } = event.metadata;
  const values = [
    event.globalPosition, event.streamId, event.revision, event.id, event.type, event.recordedAt, actor.userId, actor.role,
    actor.organisationId, event.metadata.tier, event.metadata.correlationId, event.metadata.causationId, event.schemaVersion,
    event.previousHash, event.hash, JSON.stringify(maskPersonalData(event.data)),
  ];
  return values.map((value) => csvField(String(value))).join(',') + '\n';
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
