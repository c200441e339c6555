import { randomUUID } from 'node:crypto';
import { DomainError } from '@yixin/domain';
import { rolesAllowed, setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { AuditController } from './audit.controller';

const AUDITORS_ONLY = rolesAllowed(['auditor']);

describe('AuditController in isolation (fake buses, the API’s guards, pipes and filters)', () => {
  const caseId = randomUUID();
  const under = setUpControllerUnderTest({
    controllers: [AuditController],
    guards: [AuthGuard],
    configure: configureHttpApp,
    beforeEach: ({ queryBus }) => (queryBus.answer = () => ({ caseId })),
  });

  it.each([`/audit/cases/${caseId}/history`, `/audit/cases/${caseId}/state`, `/audit/cases/${caseId}/personal-data-reads`, '/audit/verify'])(
    'serves %s to auditors only',
    async (path) => {
      expect(await statusByRole(under, 'GET', path)).toEqual(AUDITORS_ONLY);
    },
  );

  it('exports the log to auditors only', async () => {
    under.queryBus.answer = async () => (async function* () {
      yield '{"type":"ComplaintFiled"}\n';
    })();
    expect(await statusByRole(under, 'GET', '/audit/export')).toEqual(AUDITORS_ONLY);
    const exported = await under.request('GET', '/audit/export', await under.tokenFor('auditor'));
    expect(exported.body).toBe('{"type":"ComplaintFiled"}\n');
  });

  it('answers an unknown case 404', async () => {
    under.queryBus.answer = () => {
      throw new DomainError('not_found', `case ${caseId} not found`);
    };
    const answer = await under.request('GET', `/audit/cases/${caseId}/history`, await under.tokenFor('auditor'));
    expect(answer.body).toEqual({ statusCode: 404, error: 'not found', message: `case ${caseId} not found` });
  });

  it('refuses malformed ids, moments, revisions and formats with 400 and asks nothing', async () => {
    const auditor = await under.tokenFor('auditor');
    const refusals = [
      await under.request('GET', '/audit/cases/42/history', auditor),
      await under.request('GET', `/audit/cases/${caseId}/state?at=yesterday&revision=-1`, auditor),
      await under.request('GET', '/audit/verify?caseId=42', auditor),
      await under.request('GET', '/audit/export?format=xml&from=2026', auditor),
    ];
    for (const refusal of refusals) expect(refusal).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    expect(refusals[1].body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^at must be a valid ISO 8601/), 'revision must not be less than 0']));
    expect(refusals[3].body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^format must be one of/)]));
    expect(under.queryBus.executed).toEqual([]);
  });
});
