import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Actor } from '@yixin/domain';
import type { SqlDatabase } from '@yixin/stores';
import { RECORD_STORE } from '@yixin/stores';

/** Every time a resident's personal data was shown in full to someone: for the auditor. */
export const PERSONAL_DATA_READS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS personal_data_reads (
    read_id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    subject_id TEXT,
    reader_user_id TEXT NOT NULL,
    reader_role TEXT NOT NULL,
    reader_organisation_id TEXT NOT NULL,
    read_at TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS personal_data_reads_case ON personal_data_reads (case_id, read_at)`;

export interface PersonalDataRead {
  readAt: string;
  reader: Actor;
  /** Absent for a complaint filed in clear, before residents had pseudonyms. */
  subjectId: string | null;
}

interface ReadRow {
  subject_id: string | null;
  reader_user_id: string;
  reader_role: Actor['role'];
  reader_organisation_id: string;
  read_at: string;
}

@Injectable()
export class PersonalDataReadLog {
  constructor(@Inject(RECORD_STORE) private readonly db: SqlDatabase) {}

  async record(caseId: string, read: PersonalDataRead): Promise<void> {
    const { reader } = read;
    await this.db.batch([
      {
        sql: `INSERT INTO personal_data_reads (read_id, case_id, subject_id, reader_user_id, reader_role, reader_organisation_id, read_at)
              VALUES (?, ?, ?, ?, ?, ?, ?)`,
        params: [randomUUID(), caseId, read.subjectId, reader.userId, reader.role, reader.organisationId, read.readAt],
      },
    ]);
  }

  async readsOf(caseId: string): Promise<PersonalDataRead[]> {
    const rows = await this.db.query<ReadRow>(
      `SELECT subject_id, reader_user_id, reader_role, reader_organisation_id, read_at
       FROM personal_data_reads WHERE case_id = ? ORDER BY read_at, read_id`,
      [caseId],
    );
    return rows.map((row) => ({
      readAt: row.read_at,
      reader: { userId: row.reader_user_id, role: row.reader_role, organisationId: row.reader_organisation_id },
      subjectId: row.subject_id,
    }));
  }
}
