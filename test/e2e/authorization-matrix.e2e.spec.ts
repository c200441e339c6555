import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TOKEN_RECHECK_INTERVAL_MS } from '../../apps/api/src/auth/token-standing';
import { caseStreamId } from '@yixin/case-stream';
import { caseNumberOf, checkCodeOf } from '@yixin/resident-access';
import { DEMO_PASSWORD, DirectoryService, type UserAccount } from '@yixin/directory';
import { PROJECTIONS } from '@yixin/platform';
import { loadProjectionCheckpoint } from '@yixin/projections';
import type { Role } from '@yixin/domain';
import type { EventStore } from '@yixin/event-store';
import {
  CaseFixtures,
  CHUNBO,
  CHUNBO_ORGANISATIONS,
  CHUNBO_USERS,
  FAST_ESCALATION_POLICY,
  HUSHAN,
  uniquePng,
  XIANGYUAN,
  type CaseFixture,
  type CaseSpec,
  type FixtureState,
  type Place,
} from '@yixin/testing';
import { startE2eApp, type E2eApp } from '@yixin/testing';
import { eventually, type ApiClient } from '@yixin/testing';

// ------------------------------------------------------------------ who asks

/** Someone the matrix acts as: a demo user (or no one), the organisation its scope is about, and its counterpart in a foreign place. */
interface Caller {
  label: string;
  username?: string;
  role?: Role;
  administrator?: boolean;
  organisations: { own: string; foreign: string };
  /** Where the foreign resources lie: the neighbouring community for those scoped to a community or compound, another district for the rest. */
  foreignPlace: Place;
}

const CALLERS: readonly Caller[] = [
  { label: 'anon', organisations: { own: 'xiangyuan', foreign: 'hushan' }, foreignPlace: HUSHAN },
  { label: 'staff', username: 'staff.xiangyuan', role: 'community_staff', organisations: { own: 'xiangyuan', foreign: 'hushan' }, foreignPlace: HUSHAN },
  {
    label: 'adm.x',
    username: 'admin.xiangyuan',
    role: 'community_staff',
    administrator: true,
    organisations: { own: 'xiangyuan', foreign: 'hushan' },
    foreignPlace: HUSHAN,
  },
  {
    label: 'pc',
    username: 'pc.beichen-aoyuan',
    role: 'property_company',
    organisations: { own: 'pc-beichen-aoyuan', foreign: 'pc-hushan-huayuan' },
    foreignPlace: HUSHAN,
  },
  {
    label: 'adm.pc',
    username: 'admin.pc.beichen-aoyuan',
    role: 'property_company',
    administrator: true,
    organisations: { own: 'pc-beichen-aoyuan', foreign: 'pc-hushan-huayuan' },
    foreignPlace: HUSHAN,
  },
  {
    label: 'oc',
    username: 'oc.beichen-aoyuan',
    role: 'owners_committee',
    organisations: { own: 'oc-beichen-aoyuan', foreign: 'oc-hushan-huayuan' },
    foreignPlace: HUSHAN,
  },
  {
    label: 'c.prop',
    username: 'council.property',
    role: 'council_member',
    organisations: { own: 'property-council', foreign: 'xixing-property-council' },
    foreignPlace: CHUNBO,
  },
  {
    label: 'c.own',
    username: 'council.owners',
    role: 'council_member',
    organisations: { own: 'owners-council', foreign: 'xixing-owners-council' },
    foreignPlace: CHUNBO,
  },
  { label: 'street', username: 'street.officer', role: 'street_officer', organisations: { own: 'shushan', foreign: 'xixing' }, foreignPlace: CHUNBO },
  { label: 'distr', username: 'district.officer', role: 'district_officer', organisations: { own: 'xiaoshan', foreign: 'binjiang' }, foreignPlace: CHUNBO },
  {
    label: 'adm.d',
    username: 'admin.district',
    role: 'district_officer',
    administrator: true,
    organisations: { own: 'xiaoshan', foreign: 'binjiang' },
    foreignPlace: CHUNBO,
  },
  { label: 'audit', username: 'auditor', role: 'auditor', organisations: { own: 'xiaoshan', foreign: 'binjiang' }, foreignPlace: CHUNBO },
];

/** A role, any administrator of an organisation, or anyone at all (public routes). */
type Who = Role | 'administrator' | 'anyone';

const EVERY_ROLE: readonly Who[] = ['community_staff', 'property_company', 'owners_committee', 'council_member', 'street_officer', 'district_officer', 'auditor'];
const ASSIGNEES: readonly Who[] = ['property_company', 'owners_committee'];
const TIER_HANDLERS: readonly Who[] = ['community_staff', 'street_officer', 'district_officer'];

function isOneOf(caller: Caller, who: readonly Who[]): boolean {
  return who.includes('anyone') || (caller.role !== undefined && who.includes(caller.role)) || (caller.administrator === true && who.includes('administrator'));
}

// ------------------------------------------------------------------ what about

/** The role of users of each kind of organisation the matrix administers. */
const ROLE_IN_ORGANISATION: Record<string, Role> = {
  xiangyuan: 'community_staff',
  hushan: 'community_staff',
  'pc-beichen-aoyuan': 'property_company',
  'pc-hushan-huayuan': 'property_company',
  'oc-beichen-aoyuan': 'owners_committee',
  'oc-hushan-huayuan': 'owners_committee',
  'property-council': 'council_member',
  'owners-council': 'council_member',
  'xixing-property-council': 'council_member',
  'xixing-owners-council': 'council_member',
  shushan: 'street_officer',
  xixing: 'street_officer',
  xiaoshan: 'district_officer',
  binjiang: 'district_officer',
};

/** Each organisation's user whom administrators rename and whose password they reset; no one acts as them. */
const memberOf = (organisationId: string) => `member.${organisationId}`;

const MEMBERS: UserAccount[] = Object.entries(ROLE_IN_ORGANISATION).map(([organisationId, role]) => ({
  username: memberOf(organisationId),
  userId: `user-member-${organisationId}`,
  displayName: `${organisationId} member`,
  role,
  organisationId,
}));

/** One attempt's view of the world: who asks, about which side, and the resources that side has. */
interface Target {
  caller: Caller;
  side: 'own' | 'foreign';
  place: Place;
  organisation: string;
  username: string;
  case?: CaseFixture;
  /** An open case of the place, for a merge to name as the primary. */
  openCaseId: string;
}

/**
 * How an operation relates to resources:
 * - self: it has none (or only the caller's own token); tried on the own side only;
 * - names: the request names an organisation or place, which is no secret: a foreign one is refused;
 * - addresses: the request names a case, photo, user or resident: a foreign one answers exactly as one that does not exist;
 * - lists: the answer lists what the caller may see: a foreign resource is not in it.
 */
type Mode = 'self' | 'names' | 'addresses' | 'lists';

interface MatrixEntry {
  mode: Mode;
  /** Who may act on their own resource. */
  own: readonly Who[];
  /** Who may act on the foreign one as well: the scopes wider than one organisation's. */
  foreign?: readonly Who[];
  /** The case the request is about, as this caller's own resource (the foreign side is the same in its foreign place). */
  case?: (caller: Caller) => CaseSpec;
  /** Each allowed attempt gets a case of its own, since the action changes it. */
  consumes?: boolean;
  query?: (target: Target) => Record<string, string>;
  body?: (target: Target) => unknown;
  /** The body is a photo, as multipart/form-data. */
  uploadsPhoto?: boolean;
  /** For `lists`: what an answer contains when it shows the resource. */
  shows?: (target: Target) => string;
  /** Sent with a token of its own: it revokes the token it is sent with. */
  spendsToken?: boolean;
  /** A live stream (server-sent events): its status is the answer, the stream is closed at once. */
  streams?: boolean;
  /** The request is one no one may make: those who reach the case (`own`, `foreign`) are refused by the domain (400/409), appending nothing. */
  domainRefuses?: boolean;
}

const tierOf = (caller: Caller) => (caller.role === 'street_officer' ? 'street' : caller.role === 'district_officer' ? 'district' : 'community');
const councilOf = (caller: Caller) => (caller.organisations.own === 'owners-council' ? 'owners_council' : 'property_council');
/** A case whose task this caller's kind of organisation would hold. */
const task = (state: FixtureState) => (caller: Caller): CaseSpec => ({ state, assignee: caller.role === 'owners_committee' ? 'owners_committee' : 'property_company' });
/** A case handled at this caller's tier. */
const atTier = (state: FixtureState) => (caller: Caller): CaseSpec => ({ state, tier: tierOf(caller) });
/** A case this caller may read: councils read the cases before them. */
const readable = (photo = false) => (caller: Caller): CaseSpec =>
  caller.role === 'council_member' ? { state: 'before_council', council: councilOf(caller), photo } : { ...task('running')(caller), photo };

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
/** The month of today in China time, as the rates count it. */
const chinaMonth = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
const rateLevelOf = (caller: Caller) => (caller.role === 'community_staff' ? 'community' : caller.role === 'property_company' ? 'property_company' : 'street');
const rateUnitOf = (target: Target) =>
  ({ community: target.place.communityId, property_company: target.place.companyId, street: target.place.streetId })[rateLevelOf(target.caller)];

let uniqueNumber = 0;
const unique = () => ++uniqueNumber;

/** A complaint to file at the place, in a building of its own (one at the same place would be linked as its duplicate). */
const complaintAt = (place: Place) => ({
  resident: { name: '王阿姨', phone: '13800000000' },
  location: { communityId: place.communityId, compoundId: place.compoundId, building: `F${unique()}幢` },
  category: 'sanitation',
  description: '垃圾未及时清运',
  channel: 'visit',
});

/**
 * The policy: for every operation of the OpenAPI document, who may act on their own resources and
 * who on foreign ones, and a valid request. Keyed by method and OpenAPI path.
 */
const MATRIX: Record<string, MatrixEntry> = {
  'POST /auth/login': { mode: 'self', own: ['anyone'], body: ({ caller }) => ({ username: caller.username ?? 'staff.xiangyuan', password: DEMO_PASSWORD }) },
  'POST /auth/logout': { mode: 'self', own: EVERY_ROLE, spendsToken: true },
  'POST /cases': { mode: 'names', own: ['community_staff'], body: ({ place }) => complaintAt(place) },
  'POST /cases/batch': { mode: 'lists', own: ['community_staff'], body: ({ place }) => ({ complaints: [complaintAt(place)] }), shows: () => '"caseId"' },
  'GET /councils/agenda': { mode: 'lists', own: ['council_member'], case: (caller) => ({ state: 'before_council', council: councilOf(caller) }), shows: (target) => target.case!.caseId },
  'GET /supervision': { mode: 'lists', own: ['street_officer', 'district_officer'], case: atTier('running'), query: () => ({ queue: 'escalated' }), shows: (target) => target.case!.caseId },
  'GET /tasks/inbox/stream': { mode: 'self', own: ASSIGNEES, streams: true },
  'GET /supervision/stream': { mode: 'self', own: ['street_officer', 'district_officer'], streams: true },
  'GET /cases': {
    mode: 'lists',
    own: ['community_staff', 'owners_committee', 'street_officer', 'district_officer', 'auditor'],
    foreign: ['auditor'],
    case: () => ({ state: 'listed' }),
    query: ({ place }) => ({ communityId: place.communityId, category: 'parking', limit: '200' }),
    shows: (target) => target.case!.caseId,
  },
  'GET /cases/{caseId}': { mode: 'addresses', own: EVERY_ROLE, foreign: ['auditor'], case: readable() },
  'GET /cases/{caseId}/timeline': { mode: 'addresses', own: EVERY_ROLE, foreign: ['auditor'], case: readable() },
  'GET /tasks/inbox': { mode: 'lists', own: ASSIGNEES, case: task('running'), shows: (target) => target.case!.caseId },

  'POST /cases/{caseId}/task/sign-for': { mode: 'addresses', own: ASSIGNEES, case: task('awaiting_sign_for'), consumes: true },
  'POST /cases/{caseId}/task/progress': { mode: 'addresses', own: ASSIGNEES, case: task('in_progress'), consumes: true, body: () => ({ note: '已联系维修' }) },
  'POST /cases/{caseId}/task/resolve': { mode: 'addresses', own: ASSIGNEES, case: task('in_progress'), consumes: true, body: () => ({ note: '已修复' }) },
  'POST /cases/{caseId}/task/return': {
    mode: 'addresses',
    own: ASSIGNEES,
    case: task('running'),
    consumes: true,
    body: () => ({ reason: 'wrongly_routed', note: '不属本单位' }),
  },
  'POST /cases/{caseId}/task/extension-request': {
    mode: 'addresses',
    own: ASSIGNEES,
    case: task('running'),
    consumes: true,
    body: () => ({ extension: { hours: 4 }, reason: '配件未到' }),
  },
  'POST /cases/{caseId}/extension/grant': { mode: 'addresses', own: TIER_HANDLERS, case: atTier('extension_requested'), consumes: true },
  'POST /cases/{caseId}/extension/refuse': {
    mode: 'addresses',
    own: TIER_HANDLERS,
    case: atTier('extension_requested'),
    consumes: true,
    body: () => ({ reason: '时限足够' }),
  },
  'POST /cases/{caseId}/deadline/extend': {
    mode: 'addresses',
    own: TIER_HANDLERS,
    case: atTier('running'),
    consumes: true,
    body: () => ({ extension: { workingDays: 2 }, reason: '需协调多方' }),
  },
  'POST /cases/{caseId}/clock/pause': {
    mode: 'addresses',
    own: ['community_staff', ...ASSIGNEES],
    case: task('running'),
    consumes: true,
    body: () => ({ reason: '等待居民' }),
  },
  'POST /cases/{caseId}/clock/resume': { mode: 'addresses', own: ['community_staff', ...ASSIGNEES], case: task('paused'), consumes: true },
  'POST /cases/{caseId}/return/reject': { mode: 'addresses', own: TIER_HANDLERS, case: atTier('returned'), consumes: true, body: () => ({ reason: '属本单位职责' }) },
  'POST /cases/{caseId}/redispatch': {
    mode: 'addresses',
    own: TIER_HANDLERS,
    case: atTier('running'),
    consumes: true,
    body: ({ place }) => ({ assignee: { organisationId: place.ownersCommitteeId, kind: 'owners_committee' }, reason: '业主事务' }),
  },
  'POST /cases/{caseId}/council-referral': {
    mode: 'addresses',
    own: TIER_HANDLERS,
    case: atTier('running'),
    consumes: true,
    body: () => ({ council: 'property_council', question: '责任归属？' }),
  },
  'POST /cases/{caseId}/council/session': {
    mode: 'addresses',
    own: ['council_member'],
    case: (caller) => ({ state: 'before_council', council: councilOf(caller) }),
    consumes: true,
    body: () => ({ scheduledFor: inDays(7) }),
  },
  'POST /cases/{caseId}/council/decision': {
    mode: 'addresses',
    own: ['council_member'],
    case: (caller) => ({ state: 'convened', council: councilOf(caller) }),
    consumes: true,
    body: ({ place }) => ({ decision: '由物业维修', assignee: { organisationId: place.companyId, kind: 'property_company' }, dueBy: inDays(14) }),
  },
  'POST /cases/{caseId}/call-back': {
    mode: 'addresses',
    own: ['community_staff'],
    case: () => ({ state: 'resolved' }),
    consumes: true,
    body: () => ({ outcome: 'satisfied', rating: 5 }),
  },
  'POST /cases/{caseId}/withdraw': { mode: 'addresses', own: ['community_staff'], case: () => ({ state: 'running' }), consumes: true, body: () => ({ note: '居民撤回' }) },
  'POST /cases/{caseId}/merge': {
    mode: 'addresses',
    own: ['community_staff'],
    case: () => ({ state: 'awaiting_sign_for' }),
    consumes: true,
    body: ({ openCaseId }) => ({ primaryCaseId: openCaseId }),
  },
  'POST /cases/{caseId}/unmerge': { mode: 'addresses', own: ['community_staff'], case: () => ({ state: 'duplicate' }), consumes: true },
  'POST /cases/{caseId}/ruling': {
    mode: 'addresses',
    own: ['street_officer', 'district_officer'],
    case: atTier('running'),
    consumes: true,
    body: () => ({ ruling: '由物业承担' }),
  },
  'POST /cases/{caseId}/reopen': {
    mode: 'addresses',
    own: ['street_officer', 'district_officer'],
    case: () => ({ state: 'closed' }),
    consumes: true,
    body: () => ({ reason: '居民再次反映' }),
  },
  'POST /cases/{caseId}/evidence': {
    mode: 'addresses',
    own: ['community_staff'],
    case: () => ({ state: 'running', photo: true }),
    consumes: true,
    body: (target) => ({ evidence: [target.case!.photoHash] }),
  },
  'POST /cases/{caseId}/attachments': { mode: 'addresses', own: ['community_staff', ...ASSIGNEES], case: task('running'), uploadsPhoto: true },
  'GET /attachments/{hash}': { mode: 'addresses', own: EVERY_ROLE, foreign: ['auditor'], case: readable(true) },

  'GET /audit/cases/{caseId}/history': { mode: 'addresses', own: ['auditor'], foreign: ['auditor'], case: () => ({ state: 'running' }) },
  'GET /audit/cases/{caseId}/state': {
    mode: 'addresses',
    own: ['auditor'],
    foreign: ['auditor'],
    case: () => ({ state: 'running' }),
    query: () => ({ revision: '0' }),
  },
  'GET /audit/cases/{caseId}/personal-data-reads': { mode: 'addresses', own: ['auditor'], foreign: ['auditor'], case: () => ({ state: 'running' }) },
  'GET /audit/verify': {
    mode: 'addresses',
    own: ['auditor'],
    foreign: ['auditor'],
    case: () => ({ state: 'running' }),
    query: (target) => ({ caseId: target.case!.caseId }),
  },
  'GET /audit/export': {
    mode: 'addresses',
    own: ['auditor'],
    foreign: ['auditor'],
    case: () => ({ state: 'running' }),
    query: (target) => ({ caseId: target.case!.caseId, format: 'jsonl' }),
  },
  'POST /privacy/erasure': {
    mode: 'addresses',
    own: ['community_staff'],
    case: () => ({ state: 'running' }),
    consumes: true,
    body: (target) => ({ phone: target.case!.phone }),
  },

  'GET /rates': {
    mode: 'lists',
    own: ['community_staff', 'property_company', 'street_officer', 'district_officer', 'auditor'],
    foreign: ['auditor'],
    query: ({ caller }) => ({ month: chinaMonth(), level: rateLevelOf(caller) }),
    shows: rateUnitOf,
  },
  'GET /rates/ranking': {
    mode: 'lists',
    own: ['street_officer', 'district_officer', 'auditor'],
    foreign: ['auditor'],
    query: ({ caller }) => ({ month: chinaMonth(), level: rateLevelOf(caller), size: '50' }),
    shows: rateUnitOf,
  },
  'GET /rates/case-counts': {
    mode: 'lists',
    own: ['community_staff', 'owners_committee', 'street_officer', 'district_officer', 'auditor'],
    foreign: ['auditor'],
    case: () => ({ state: 'listed' }),
    query: () => ({ by: 'compound' }),
    shows: (target) => `"key":"${target.place.compoundId}"`,
  },

  'GET /admin/users': { mode: 'names', own: ['administrator'], query: ({ organisation }) => ({ organisationId: organisation }) },
  'GET /admin/outbox': { mode: 'self', own: ['administrator'] },
  'POST /admin/users': {
    mode: 'names',
    own: ['administrator'],
    body: ({ organisation }) => ({
      username: `matrix.new-${unique()}`,
      displayName: '新同事',
      role: ROLE_IN_ORGANISATION[organisation],
      password: 'Matrix-2026-pass',
      organisationId: organisation,
    }),
  },
  'PATCH /admin/users/{username}': { mode: 'addresses', own: ['administrator'], body: () => ({ displayName: '改名后的同事' }) },
  'POST /admin/users/{username}/password': { mode: 'addresses', own: ['administrator'], body: () => ({ password: 'Matrix-2026-reset' }) },

  'GET /directory/organisations': { mode: 'self', own: EVERY_ROLE },
  'GET /auth/demo-users': { mode: 'self', own: ['anyone'] },
  'GET /health': { mode: 'self', own: ['anyone'] },
  'GET /health/live': { mode: 'self', own: ['anyone'] },
  'GET /metrics': { mode: 'self', own: ['anyone'] },
  'GET /open311/v2/discovery.{format}': { mode: 'self', own: ['anyone'] },
  'GET /open311/v2/services.{format}': { mode: 'self', own: ['anyone'] },
  'GET /open311/v2/services/{serviceCode}.{format}': { mode: 'self', own: ['anyone'] },
  'POST /open311/v2/requests.{format}': {
    mode: 'self',
    own: ['anyone'],
    body: () => ({
      api_key: 'open311-demo-xiangyuan',
      service_code: 'sanitation',
      address_id: 'beichen-aoyuan',
      'attribute[building]': `O${unique()}幢`,
      last_name: '王',
      first_name: '阿姨',
      phone: '13800000000',
      description: '垃圾未及时清运',
    }),
  },
  'GET /open311/v2/requests.{format}': {
    mode: 'lists',
    own: ['anyone'],
    foreign: ['anyone'],
    case: () => ({ state: 'listed' }),
    query: () => ({ service_code: 'parking' }),
    shows: (target) => target.case!.caseId,
  },
  'GET /open311/v2/requests/{serviceRequestId}.{format}': { mode: 'addresses', own: ['anyone'], foreign: ['anyone'], case: () => ({ state: 'running' }) },
  // The resident's page: the case number and its check code are the whole of the resident's access.
  'POST /resident/case': { mode: 'addresses', own: ['anyone'], foreign: ['anyone'], case: () => ({ state: 'running' }), body: residentCredentials },
  'POST /resident/case/rating': {
    mode: 'addresses',
    own: ['anyone'],
    foreign: ['anyone'],
    case: () => ({ state: 'resolved' }),
    consumes: true,
    body: (target) => ({ ...residentCredentials(target), satisfied: false, rating: 2, note: '电梯仍有异响' }),
  },
  'GET /r/{caseNumber}/{checkCode}': { mode: 'self', own: ['anyone'] },
};

/** What the resident's SMS gives them: their case's number and check code. */
function residentCredentials(target: Target): { caseNumber: string; checkCode: string } {
  const { caseId } = target.case!;
  return { caseNumber: caseNumberOf(caseId), checkCode: checkCodeOf(RESIDENT_LINK_SECRET, caseId) };
}

const RESIDENT_LINK_SECRET = 'authorization-matrix-resident-links';

/** An organisation serving a compound other than the place's: what an attacker names as assignee. */
const strangerTo = (place: Place) => (place === XIANGYUAN ? HUSHAN : XIANGYUAN).companyId;
/** A property company of another street, on none of the place's councils. */
const outsiderTo = (place: Place) => (place === CHUNBO ? XIANGYUAN : CHUNBO).companyId;

/**
 * Requests no one may make, on operations the matrix already has: each a row of its own, keyed by
 * the operation and what the request tries.
 */
const VARIANTS: Record<string, MatrixEntry & { operation: string }> = {
  'POST /cases/{caseId}/redispatch · to a company not serving the compound': {
    operation: 'POST /cases/{caseId}/redispatch',
    mode: 'addresses',
    own: TIER_HANDLERS,
    domainRefuses: true,
    case: atTier('running'),
    body: ({ place }) => ({ assignee: { organisationId: strangerTo(place), kind: 'property_company' }, reason: '改派给别的物业' }),
  },
  'POST /cases/{caseId}/council/decision · to a company outside the compound and the council': {
    operation: 'POST /cases/{caseId}/council/decision',
    mode: 'addresses',
    own: ['council_member'],
    domainRefuses: true,
    case: (caller) => ({ state: 'convened', council: councilOf(caller) }),
    body: ({ place }) => ({ decision: '由外街道物业维修', assignee: { organisationId: outsiderTo(place), kind: 'property_company' }, dueBy: inDays(14) }),
  },
};

// ------------------------------------------------------------------ what came back

/**
 * - reached: 2xx (for lists: showing the resource);
 * - refused: 400/409 from the domain for the case's state: the caller got through to it;
 * - denied: 401/403/404;
 * - hidden: a list without the resource;
 * - invalid: a validation error (the matrix's request is wrong), or any other status.
 */
type Outcome = 'reached' | 'refused' | 'denied' | 'hidden' | 'invalid';

const SYMBOLS: Record<Outcome, string> = { reached: 'Y', refused: 'y', denied: '-', hidden: 'h', invalid: '?' };

interface Answer {
  status: number;
  text: string;
  message?: unknown;
}

function outcomeOf(entry: MatrixEntry, target: Target, answer: Answer): Outcome {
  if (answer.status >= 200 && answer.status < 300) return entry.mode === 'lists' && !answer.text.includes(entry.shows!(target)) ? 'hidden' : 'reached';
  if ([401, 403, 404].includes(answer.status)) return 'denied';
  // The domain refuses with one message; validation lists every problem.
  if ([400, 409].includes(answer.status) && typeof answer.message === 'string') return 'refused';
  return 'invalid';
}

interface Result {
  operation: string;
  caller: Caller;
  side: 'own' | 'foreign';
  allowed: boolean;
  status: number;
  outcome: Outcome;
  problems: string[];
}

// ------------------------------------------------------------------ the suite

/**
 * Every operation of the OpenAPI document, as every role, against its own resource and a foreign
 * one, in the state the operation needs: the policy of MATRIX holds. No denied combination gets
 * through, shows or appends anything, or answers about a foreign resource otherwise than about one
 * that does not exist; no allowed combination is refused.
 */
describe('the authorization matrix', () => {
  let e2e: E2eApp;
  let api: ApiClient;
  let store: EventStore;
  let operations: Array<{ key: string; method: string; path: string; documentedStatuses: string[] }>;
  let tokens: Record<string, string>;
  const tokenOf = (username: string) => tokens[username];

  beforeAll(async () => {
    e2e = await startE2eApp({
      env: {
        RATE_LIMIT_WRITES_PER_MINUTE: '100000',
        RATE_LIMIT_LOGINS_PER_MINUTE: '100000',
        RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE: '100000',
        YIXIN_RESIDENT_LINK_SECRET: RESIDENT_LINK_SECRET,
      },
      deadlinePolicy: FAST_ESCALATION_POLICY,
    });
    ({ api, store } = e2e);
    await e2e.app.get(DirectoryService).seed(CHUNBO_ORGANISATIONS, [...CHUNBO_USERS, ...MEMBERS], DEMO_PASSWORD, []);
    const usernames = new Set([
      ...CALLERS.flatMap((caller) => (caller.username ? [caller.username] : [])),
      ...[XIANGYUAN, HUSHAN, CHUNBO].flatMap(({ users }) => [users.staff, users.company, users.ownersCommittee, ...Object.values(users.councils)]),
    ]);
    tokens = await e2e.login([...usernames]);
    const document = (await api.request('GET', '/docs/openapi.json')).body;
    operations = Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        documentedStatuses: Object.keys(operation.responses),
      })),
    );
  }, 120_000);

  afterAll(() => e2e?.stop());

  it('has a policy for every operation of the OpenAPI document, and for no other', () => {
    const documented = operations.map(({ key }) => key);
    expect({ withoutPolicy: documented.filter((key) => !MATRIX[key]), notDocumented: Object.keys(MATRIX).filter((key) => !documented.includes(key)) }).toEqual({
      withoutPolicy: [],
      notDocumented: [],
    });
  });

  it('finds no leak and no wrongly refused action', async () => {
    const fixtures = new CaseFixtures(api, tokenOf);
    const openCases = new Map([XIANGYUAN, HUSHAN, CHUNBO].map((place) => [place, fixtures.shared(place, { state: 'running' })]));
    const rows = [
      ...operations.filter(({ key }) => MATRIX[key]).map((operation) => ({ operation, entry: MATRIX[operation.key] })),
      ...Object.entries(VARIANTS).map(([key, { operation, ...entry }]) => ({ operation: { ...operations.find((documented) => documented.key === operation)!, key }, entry })),
    ];

    // Every attempt with its resources; the cases are built at once, concurrently.
    const attempts = rows.flatMap(({ operation, entry }) =>
      CALLERS.flatMap((caller) =>
        (entry.mode === 'self' ? (['own'] as const) : (['own', 'foreign'] as const)).map((side) => {
          const place = side === 'own' ? XIANGYUAN : caller.foreignPlace;
          const allowed = isOneOf(caller, side === 'own' ? entry.own : (entry.foreign ?? []));
          const spec = entry.case?.(caller);
          const fixture = spec && (entry.consumes && allowed ? fixtures.fresh(place, spec) : fixtures.shared(place, spec));
          return { operation, entry, caller, side, place, allowed, fixture };
        }),
      ),
    );
    const resolved = await Promise.all(
      attempts.map(async (attempt) => {
        const organisation = attempt.caller.organisations[attempt.side];
        const target: Target = {
          caller: attempt.caller,
          side: attempt.side,
          place: attempt.place,
          organisation,
          username: memberOf(organisation),
          case: await attempt.fixture,
          openCaseId: (await openCases.get(attempt.place)!).caseId,
        };
        return { ...attempt, target };
      }),
    );
    await projectionsCaughtUp();

    const results: Result[] = [];
    // Refusals first, while every case is still in the state its operation needs (an allowed
    // action moves its case on): a state the domain checks before scope cannot hide a leak.
    let logPosition = await lastPosition();
    for (const attempt of resolved.filter(({ allowed, entry }) => !allowed || entry.domainRefuses)) {
      const result = await tryAttempt(attempt.operation, attempt.entry, attempt.target, attempt.allowed);
      // The workflows go on appending as the center (reminders, say); no one else may.
      const appended = await store.readAll(logPosition, 10_000);
      logPosition = appended.at(-1)?.globalPosition ?? logPosition;
      const byPeople = appended.filter((event) => event.metadata.actor.role !== 'system');
      if (byPeople.length > 0) result.problems.push(`appended ${byPeople.map((event) => event.type).join(', ')}`);
      results.push(result);
    }
    for (const attempt of resolved.filter(({ allowed, entry }) => allowed && !entry.domainRefuses)) {
      results.push(await tryAttempt(attempt.operation, attempt.entry, attempt.target, attempt.allowed));
    }

    console.log(renderTable(rows.map(({ operation }) => operation.key), results));
    expect(results.filter((result) => result.problems.length > 0).map(describeProblem)).toEqual([]);
  }, 600_000);

  it('lets no one erase another community’s case, even of a resident who also has a case in their own', async () => {
    // A phone no fixture has (theirs start with 139, the ghosts' with 137).
    const resident = { name: '湖山居民', phone: '13500000001' };
    const filed = await api.request('POST', '/cases', tokenOf(HUSHAN.users.staff), { ...complaintAt(HUSHAN), resident });
    expect(filed.status).toBe(201);
    const foreign = { caseId: filed.body.caseId as string, phone: resident.phone };
    // The attack: a throwaway case in 湘源 with the phone of a resident of 湖山.
    const throwaway = await api.request('POST', '/cases', tokenOf(XIANGYUAN.users.staff), { ...complaintAt(XIANGYUAN), resident });
    expect(throwaway.status).toBe(201);
    const problems: string[] = [];
    const table: string[] = [];
    for (const caller of CALLERS) {
      const answer = await api.request('POST', '/privacy/erasure', caller.username && tokenOf(caller.username), { phone: foreign.phone });
      table.push(`${caller.label.padEnd(7)} ${answer.status} ${JSON.stringify(answer.body.casesAffected ?? answer.body.error)}`);
      const expected = caller.role === 'community_staff' ? { status: 200, casesAffected: 1 } : { status: caller.username ? 403 : 401, casesAffected: undefined };
      if (answer.status !== expected.status || answer.body.casesAffected !== expected.casesAffected) problems.push(`${caller.label}: answered ${answer.status} ${JSON.stringify(answer.body)}`);
      if ((await store.readStream(caseStreamId(foreign.caseId))).some((event) => event.type === 'PersonalDataErased')) problems.push(`${caller.label}: erased 湖山’s case`);
    }
    const seenAtHome = await api.request('GET', `/cases/${foreign.caseId}`, tokenOf(HUSHAN.users.staff));
    if (seenAtHome.body.resident?.masked !== false) problems.push(`湖山’s staff no longer read their resident: ${JSON.stringify(seenAtHome.body.resident)}`);
    console.log(['POST /privacy/erasure of a 湖山 resident after a throwaway 湘源 case with their phone: status, casesAffected', ...table].join('\n'));
    expect(problems).toEqual([]);
  }, 120_000);

  it('ends every live stream within 5 s of its token being signed out', async () => {
    const streams = operations.filter(({ key }) => MATRIX[key]?.streams);
    expect(streams.length).toBe(2);
    const problems = await Promise.all(
      streams.flatMap(({ key, path }) =>
        CALLERS.filter((caller) => caller.username && isOneOf(caller, MATRIX[key].own)).map(async (caller) => {
          const token = await api.login(caller.username!);
          const connection = new AbortController();
          const response = await fetch(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: connection.signal });
          if (response.status !== 200) return [`${key} as ${caller.label}: opened with ${response.status}`];
          const reading = readToEnd(response.body!);
          await api.request('POST', '/auth/logout', token);
          const ended = await Promise.race([reading, sleep(3 * TOKEN_RECHECK_INTERVAL_MS).then(() => undefined)]);
          connection.abort();
          if (ended === undefined) return [`${key} as ${caller.label}: still open ${3 * TOKEN_RECHECK_INTERVAL_MS} ms after the logout`];
          return ended.includes('event: unauthorized') ? [] : [`${key} as ${caller.label}: ended without saying why: ${ended.slice(-200)}`];
        }),
      ),
    );
    expect(problems.flat()).toEqual([]);
  }, 120_000);

  // ---------------------------------------------------------------- helpers

  async function lastPosition(): Promise<number> {
    let position = 0;
    for (let batch = await store.readAll(0, 100_000); batch.length > 0; batch = await store.readAll(position, 100_000)) {
      position = batch[batch.length - 1].globalPosition;
    }
    return position;
  }

  /** The case list, inboxes, timelines and rates have read the whole log. */
  async function projectionsCaughtUp(): Promise<void> {
    const db = e2e.readStore;
    const head = await lastPosition();
    await eventually(async () => {
      const checkpoints = await Promise.all(PROJECTIONS.map((projection) => loadProjectionCheckpoint(db, projection.name)));
      return checkpoints.every((checkpoint) => checkpoint >= head) ? true : undefined;
    }, 'the projections to catch up with the log');
  }

  async function tryAttempt(
    operation: { key: string; method: string; path: string; documentedStatuses: string[] },
    entry: MatrixEntry,
    target: Target,
    allowed: boolean,
  ): Promise<Result> {
    const answer = await send(operation, entry, target);
    const outcome = outcomeOf(entry, target, answer);
    const problems: string[] = [];
    if (!operation.documentedStatuses.includes(String(answer.status))) problems.push(`answered ${answer.status}, which is not documented`);
    if (outcome === 'invalid') problems.push(`the matrix's request is not valid: ${answer.text.slice(0, 300)}`);
    if (allowed && !['reached', 'refused'].includes(outcome)) problems.push(`wrongly refused: ${answer.text.slice(0, 300)}`);
    if (allowed && entry.domainRefuses && outcome !== 'refused') problems.push(`the domain should refuse it: ${answer.status} ${answer.text.slice(0, 300)}`);
    if (!allowed) {
      if (!['denied', 'hidden'].includes(outcome)) problems.push(`leak: ${outcome} with ${answer.text.slice(0, 300)}`);
      if (target.case && answer.text.includes(target.case.marker)) problems.push('leak: the answer shows the case');
      if (entry.mode === 'addresses' && target.side === 'foreign' && outcome === 'denied') {
        const nowhere = ghostOf(target);
        const ghost = await send(operation, entry, nowhere);
        const said = (about: Target, text: string) => anonymised(text, about);
        if (ghost.status !== answer.status || said(target, answer.text) !== said(nowhere, ghost.text)) {
          problems.push(`leak: answers ${answer.status} ${answer.text.slice(0, 200)}; about nothing it answers ${ghost.status} ${ghost.text.slice(0, 200)}`);
        }
      }
    }
    return { operation: operation.key, caller: target.caller, side: target.side, allowed, status: answer.status, outcome, problems };
  }

  async function send(operation: { method: string; path: string }, entry: MatrixEntry, target: Target): Promise<Answer> {
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathValue(name, target)));
    const query = entry.query ? `?${new URLSearchParams(entry.query(target))}` : '';
    const { username } = target.caller;
    const token = username && (entry.spendsToken ? await api.login(username) : tokenOf(username));
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    let body: string | FormData | undefined;
    if (entry.uploadsPhoto) {
      body = new FormData();
      body.append('file', new Blob([uniquePng()], { type: 'image/png' }), 'evidence.png');
    } else if (entry.body) {
      body = JSON.stringify(entry.body(target));
      headers['content-type'] = 'application/json';
    }
    if (entry.streams) {
      const aborting = new AbortController();
      const response = await fetch(`${api.baseUrl}${path}${query}`, { headers, signal: aborting.signal });
      const text = response.ok ? '' : await response.text();
      aborting.abort();
      return { status: response.status, text, message: response.ok ? undefined : (JSON.parse(text) as { message?: unknown }).message };
    }
    const response = await fetch(`${api.baseUrl}${path}${query}`, { method: operation.method, headers, body });
    const text = await response.text();
    let message: unknown;
    if (/\bjson\b/.test(response.headers.get('content-type') ?? '')) message = (JSON.parse(text) as { message?: unknown }).message;
    return { status: response.status, text, message };
  }
});

function pathValue(name: string, target: Target): string {
  switch (name) {
    case 'caseId':
    case 'serviceRequestId':
      return target.case!.caseId;
    case 'hash':
      return target.case!.photoHash!;
    case 'username':
      return target.username;
    case 'format':
      return 'json';
    case 'serviceCode':
      return 'elevator';
    case 'caseNumber':
      return '0123abcd';
    case 'checkCode':
      return '123456';
    default:
      throw new Error(`the matrix has no value for the path parameter ${name}`);
  }
}

/** The same attempt about resources that do not exist: a new case id, photo hash, username and phone. */
function ghostOf(target: Target): Target {
  return {
    ...target,
    username: `nobody.${unique()}`,
    case: target.case && {
      ...target.case,
      caseId: randomUUID(),
      photoHash: randomBytes(32).toString('hex'),
      phone: `137${String(10_000_000 + unique()).slice(-8)}`,
    },
  };
}

/** An answer with the names of the resources it was about taken out, to compare with an answer about others. */
function anonymised(text: string, target: Target): string {
  const names = [target.username, target.case?.caseId, target.case?.photoHash, target.case?.phone].filter((name): name is string => Boolean(name));
  return names.reduce((said, name) => said.split(name).join('<resource>'), text);
}

/** The whole text of a stream, once the server ends it. */
async function readToEnd(body: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  } catch {
    // aborted by the test
  }
  return text;
}

function describeProblem(result: Result): string {
  return `${result.operation} as ${result.caller.label} on the ${result.side} side (${result.allowed ? 'allowed' : 'denied'}): ${result.status}: ${result.problems.join('; ')}`;
}

/** One row per operation, one column per caller; each cell the own and the foreign outcome (`!` marks a problem). */
function renderTable(rows: string[], results: Result[]): string {
  const width = Math.max(...rows.map((row) => row.length));
  const cell = (operation: string, caller: Caller) =>
    (['own', 'foreign'] as const)
      .map((side) => {
        const result = results.find((candidate) => candidate.operation === operation && candidate.caller === caller && candidate.side === side);
        return result ? SYMBOLS[result.outcome] + (result.problems.length > 0 ? '!' : '') : '.';
      })
      .join('')
      .padEnd(7);
  return [
    'authorization matrix: own|foreign per caller. Y reached, y refused by the domain for the state (reached), - denied (401/403/404), h hidden from a list, . not tried, ! a problem',
    `${''.padEnd(width)}  ${CALLERS.map((caller) => caller.label.padEnd(7)).join('')}`,
    ...rows.map((operation) => `${operation.padEnd(width)}  ${CALLERS.map((caller) => cell(operation, caller)).join('')}`),
  ].join('\n');
}
