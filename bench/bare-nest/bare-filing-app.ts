import { Body, Controller, Inject, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { GENESIS_HASH, openSqliteDatabase, SqliteEventStore, type SqliteSynchronousMode } from '@yixin/event-store';

const DATABASE = Symbol('DATABASE');

const staff = { userId: 'user-staff-xiangyuan', role: 'community_staff', organisationId: 'xiangyuan' };

/** What the directory adds to a complaint in 北辰奥园, so that the row is as long as ours. */
const compoundFacts = {
  propertyCompanyId: 'pc-beichen-aoyuan',
  ownersCommitteeId: 'oc-beichen-aoyuan',
  jurisdiction: { streetId: 'shushan', districtId: 'xiaoshan', councils: { property_council: 'property-council', owners_council: 'owners-council' } },
};

/**
 * The plainest endpoint that stores a filed complaint: no authentication, validation, domain,
 * duplicate lookup or hash chain, one INSERT with the raw driver. The baseline of `http-filing`.
 */
@Controller()
class BareFilingController {
  private readonly insert: Database.Statement;

  constructor(@Inject(DATABASE) db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO events (event_id, stream_id, stream_revision, type, schema_version, data, metadata, recorded_at, previous_hash, hash)
       VALUES (?, ?, 0, 'ComplaintFiled', 1, ?, ?, ?, ?, ?)`,
    );
  }

  @Post('cases')
  file(@Body() complaint: Record<string, unknown>): { caseId: string } {
    const caseId = randomUUID();
    const commandId = randomUUID();
    const now = new Date().toISOString();
    const data = JSON.stringify({ ...complaint, caseId, ...compoundFacts, filedAt: now });
    const metadata = JSON.stringify({ actor: staff, tier: 'community', correlationId: commandId, causationId: commandId });
    const hash = createHash('sha256').update(data).digest('hex');
    this.insert.run(randomUUID(), `case-${caseId}`, data, metadata, now, GENESIS_HASH, hash);
    return { caseId };
  }
}

/** Opened with our pragmas, and its table created by our store, so that only the way of writing differs. */
export async function createBareFilingApp(sqliteFile: string, synchronous: SqliteSynchronousMode): Promise<INestApplication> {
  const db = openSqliteDatabase(sqliteFile, { synchronous });
  new SqliteEventStore(db);
  @Module({ controllers: [BareFilingController], providers: [{ provide: DATABASE, useValue: db }] })
  class BareFilingModule {}
  return NestFactory.create(BareFilingModule, { logger: false });
}
