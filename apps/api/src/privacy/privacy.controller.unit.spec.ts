import { ErasePersonalDataCommand } from '@yixin/privacy';
import { DomainError } from '@yixin/domain';
import { rolesAllowed, setUpControllerUnderTest, statusByRole } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { PrivacyController } from './privacy.controller';

describe('PrivacyController in isolation (fake buses, the API’s guards, pipes and filters)', () => {
  const under = setUpControllerUnderTest({
    controllers: [PrivacyController],
    guards: [AuthGuard],
    configure: configureHttpApp,
    beforeEach: ({ commandBus }) => (commandBus.answer = () => ({ subjectId: 'a'.repeat(64), casesAffected: 1, erasuresRecorded: 1 })),
  });

  it('erases for community staff only', async () => {
    expect(await statusByRole(under, 'POST', '/privacy/erasure', { phone: '13800138000' })).toEqual(rolesAllowed(['community_staff']));
    expect(under.commandBus.executed).toEqual([expect.any(ErasePersonalDataCommand)]);
  });

  it('refuses a request naming no resident, both ways of naming one, or a malformed one, with 400, erasing nothing', async () => {
    const staff = await under.tokenFor('community_staff');
    const refusals = [
      await under.request('POST', '/privacy/erasure', staff, {}),
      await under.request('POST', '/privacy/erasure', staff, { phone: '13800138000', subjectId: 'a'.repeat(64) }),
      await under.request('POST', '/privacy/erasure', staff, { phone: '123', subjectId: 'XYZ' }),
    ];
    expect(refusals.map((refusal) => refusal.body)).toEqual([
      { statusCode: 400, error: 'Bad Request', message: ['give exactly one of phone or subjectId'] },
      { statusCode: 400, error: 'Bad Request', message: ['give exactly one of phone or subjectId'] },
      {
        statusCode: 400,
        error: 'Bad Request',
        message: ['phone must be a mobile number (11 digits starting with 1) or a landline with area code', 'subjectId must be 64 lowercase hexadecimal digits'],
      },
    ]);
    expect(under.commandBus.executed).toEqual([]);
  });

  it('answers 404 when no case of the caller’s community holds the resident', async () => {
    under.commandBus.answer = () => {
      throw new DomainError('not_found', 'no case of your community holds this resident');
    };
    const answer = await under.request('POST', '/privacy/erasure', await under.tokenFor('community_staff'), { phone: '13800138000' });
    expect(answer.body).toEqual({ statusCode: 404, error: 'not found', message: 'no case of your community holds this resident' });
  });
});
