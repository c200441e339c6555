import { randomBytes } from 'node:crypto';
import type { Organisation, UserAccount } from '@yixin/directory';
import type { AssigneeKind, Category, CouncilKind, Tier } from '@yixin/domain';
import { ApiClient, eventually, type HttpResult } from './harness';

/** A compound where complaints arise, the organisations above and beside it, and who acts for each. */
export interface Place {
  communityId: string;
  compoundId: string;
  companyId: string;
  ownersCommitteeId: string;
  streetId: string;
  districtId: string;
  councilIds: Record<CouncilKind, string>;
  users: { staff: string; company: string; ownersCommittee: string; councils: Record<CouncilKind, string> };
}

const SHUSHAN_COUNCILS = { property_council: 'property-council', owners_council: 'owners-council' };
const SHUSHAN_SECRETARIES = { property_council: 'council.property', owners_council: 'council.owners' };

export const XIANGYUAN: Place = {
  communityId: 'xiangyuan',
  compoundId: 'beichen-aoyuan',
  companyId: 'pc-beichen-aoyuan',
  ownersCommitteeId: 'oc-beichen-aoyuan',
  streetId: 'shushan',
  districtId: 'xiaoshan',
  councilIds: SHUSHAN_COUNCILS,
  users: { staff: 'staff.xiangyuan', company: 'pc.beichen-aoyuan', ownersCommittee: 'oc.beichen-aoyuan', councils: SHUSHAN_SECRETARIES },
};

export const HUSHAN: Place = {
  communityId: 'hushan',
  compoundId: 'hushan-huayuan',
  companyId: 'pc-hushan-huayuan',
  ownersCommitteeId: 'oc-hushan-huayuan',
  streetId: 'shushan',
  districtId: 'xiaoshan',
  councilIds: SHUSHAN_COUNCILS,
  users: { staff: 'staff.hushan', company: 'pc.hushan-huayuan', ownersCommittee: 'oc.hushan-huayuan', councils: SHUSHAN_SECRETARIES },
};

/**
 * Every demo community lies in Shushan street, Xiaoshan district: this compound of another street in
 * another district (seeded by the test) is what lies outside the demo's officers' and councils' scope.
 */
export const CHUNBO: Place = {
  communityId: 'chunbo',
  compoundId: 'chunbo-xiaoqu',
  companyId: 'pc-chunbo-xiaoqu',
  ownersCommitteeId: 'oc-chunbo-xiaoqu',
  streetId: 'xixing',
  districtId: 'binjiang',
  councilIds: { property_council: 'xixing-property-council', owners_council: 'xixing-owners-council' },
  users: {
    staff: 'staff.chunbo',
    company: 'pc.chunbo-xiaoqu',
    ownersCommittee: 'oc.chunbo-xiaoqu',
    councils: { property_council: 'council.xixing-property', owners_council: 'council.xixing-owners' },
  },
};

export const CHUNBO_ORGANISATIONS: Organisation[] = [
  { id: 'binjiang', kind: 'district', name: '滨江区住建局' },
  { id: 'xixing', kind: 'street', name: '西兴街道', parentId: 'binjiang' },
  { id: 'xixing-property-council', kind: 'property_council', name: '西兴物业联席会', parentId: 'xixing' },
  { id: 'xixing-owners-council', kind: 'owners_council', name: '西兴业委会联席会', parentId: 'xixing' },
  { id: 'chunbo', kind: 'community', name: '春波社区', parentId: 'xixing' },
  { id: 'chunbo-xiaoqu', kind: 'compound', name: '春波小区', parentId: 'chunbo', propertyCompanyId: 'pc-chunbo-xiaoqu' },
  { id: 'pc-chunbo-xiaoqu', kind: 'property_company', name: '春波小区物业服务中心', parentId: 'xixing-property-council' },
  { id: 'oc-chunbo-xiaoqu', kind: 'owners_committee', name: '春波小区业主委员会', parentId: 'chunbo-xiaoqu' },
];

export const CHUNBO_USERS: UserAccount[] = [
  { username: 'staff.chunbo', userId: 'user-staff-chunbo', displayName: '春波社区网格员', role: 'community_staff', organisationId: 'chunbo' },
  { username: 'pc.chunbo-xiaoqu', userId: 'user-pc-chunbo-xiaoqu', displayName: '春波小区物业', role: 'property_company', organisationId: 'pc-chunbo-xiaoqu' },
  { username: 'oc.chunbo-xiaoqu', userId: 'user-oc-chunbo-xiaoqu', displayName: '春波小区业委会', role: 'owners_committee', organisationId: 'oc-chunbo-xiaoqu' },
  { username: 'council.xixing-property', userId: 'user-council-xixing-property', displayName: '西兴物业联席会秘书', role: 'council_member', organisationId: 'xixing-property-council' },
  { username: 'council.xixing-owners', userId: 'user-council-xixing-owners', displayName: '西兴业委会联席会秘书', role: 'council_member', organisationId: 'xixing-owners-council' },
];

/**
 * Elevator complaints (normal urgency) climb fast: sign-for and first reply due after 1.8 s at the
 * community, reminded 1.8 s later, escalated 3.6 s after that; at the street, sign-for is as short
 * again. Signed for at once, a case stops at the street (its renewed first reply and resolve take
 * days); left alone, it goes on to the district. Every other category keeps the default limits.
 */
export const FAST_ESCALATION_POLICY = {
  tasks: { elevator: { normal: { signFor: { hours: 0.0005 }, firstReply: { hours: 0.0005 } } } },
  escalatedTasks: { street: { signFor: { hours: 0.0005 } } },
  followUp: { normal: { remindAfter: { hours: 0.0005 }, escalateAfter: { hours: 0.001 } } },
};

export type FixtureState =
  | 'awaiting_sign_for'
  | 'in_progress'
  /** A running task: awaiting sign-for, except at the street, where it was signed for on the way. */
  | 'running'
  | 'extension_requested'
  | 'returned'
  | 'resolved'
  | 'paused'
  | 'before_council'
  /** Before a council that convened a session on it. */
  | 'convened'
  | 'closed'
  | 'duplicate'
  /** Just filed, of a category (parking) no other fixture has, so that a case list can be narrowed to it. */
  | 'listed';

export interface CaseSpec {
  state: FixtureState;
  /** The tier handling it; the community unless escalated. */
  tier?: Tier;
  /** Who holds its task: the compound's property company unless its owners' committee. */
  assignee?: AssigneeKind;
  /** Before which council, for before_council and convened. */
  council?: CouncilKind;
  /** A progress report of its task cites a photo. */
  photo?: boolean;
}

export interface CaseFixture {
  caseId: string;
  /** The resident's phone: unique per fixture, so that an erasure touches one case. */
  phone: string;
  /** In the description: found in an answer, the answer shows the case. */
  marker: string;
  photoHash?: string;
}

/** Bytes that pass for a PNG (its signature), different each time, so that no two photos share a hash. */
export function uniquePng(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(32)]);
}

const MAX_BUILDS_AT_ONCE = 12;

/**
 * Cases brought into known states over HTTP, by the users of their place, as a client would: the
 * workflow dispatches, reminds and escalates them under FAST_ESCALATION_POLICY.
 */
export class CaseFixtures {
  private readonly sharedCases = new Map<string, Promise<CaseFixture>>();
  private built = 0;
  private building = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly api: ApiClient, private readonly tokenOf: (username: string) => string) {}

  /** One case per place and spec, for everyone who only reads it or is refused. */
  shared(place: Place, spec: CaseSpec): Promise<CaseFixture> {
    const { state, tier = 'community', assignee = 'property_company', council = 'property_council', photo = false } = spec;
    const key = JSON.stringify([place.compoundId, state, tier, assignee, council, photo]);
    if (!this.sharedCases.has(key)) this.sharedCases.set(key, this.fresh(place, spec));
    return this.sharedCases.get(key)!;
  }

  /** A case of its own, for an action that changes it. */
  async fresh(place: Place, spec: CaseSpec): Promise<CaseFixture> {
    // Before taking a turn: waiting for another build while holding one could leave none free.
    const primary = spec.state === 'duplicate' ? await this.shared(place, { state: 'running' }) : undefined;
    await this.turn();
    try {
      return await this.build(place, spec, primary);
    } finally {
      this.building--;
      this.waiting.shift()?.();
    }
  }

  private async turn(): Promise<void> {
    if (this.building >= MAX_BUILDS_AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.building++;
  }

  private async build(place: Place, spec: CaseSpec, primary?: CaseFixture): Promise<CaseFixture> {
    const number = ++this.built;
    const marker = `[matrix-case-${number}]`;
    const phone = `139${String(10_000_000 + number).slice(-8)}`;
    const { users } = place;
    const assignee = spec.assignee === 'owners_committee' ? users.ownersCommittee : users.company;
    const filed = await this.act(users.staff, 'POST', '/cases', {
      resident: { name: '矩阵测试', phone },
      location: { communityId: place.communityId, compoundId: place.compoundId, building: `M${number}幢`, unit: '1单元101室' },
      category: categoryFor(spec),
      description: `${marker} 授权矩阵的测试案件`,
      channel: 'visit',
    });
    const caseId: string = filed.caseId;
    const fixture: CaseFixture = { caseId, phone, marker };
    const action = (username: string, name: string, body?: unknown) => this.act(username, 'POST', `/cases/${caseId}/${name}`, body);
    const signFor = async () => {
      if ((await this.view(caseId, users.staff)).status === 'awaiting_sign_for') await action(assignee, 'task/sign-for');
    };

    await this.until(caseId, users.staff, (view) => view.status === 'awaiting_sign_for', 'dispatched');
    if (spec.tier === 'street') {
      await signFor();
      await this.until(caseId, users.staff, (view) => view.tier === 'street', 'escalated to the street');
    } else if (spec.tier === 'district') {
      await this.until(caseId, users.staff, (view) => view.tier === 'district', 'escalated to the district', 60_000);
    }
    if (spec.photo) {
      await signFor();
      fixture.photoHash = (await this.upload(assignee, caseId)).hash;
      await action(assignee, 'task/progress', { note: '现场已查看，照片为证', evidence: [fixture.photoHash] });
    }
    const referToCouncil = () => action(users.staff, 'council-referral', { council: spec.council ?? 'property_council', question: '由谁承担维修责任？' });
    switch (spec.state) {
      case 'awaiting_sign_for':
      case 'running':
      case 'listed':
        break;
      case 'in_progress':
        await signFor();
        break;
      case 'extension_requested':
        await action(assignee, 'task/extension-request', { extension: { hours: 4 }, reason: '配件未到' });
        break;
      case 'returned':
        await action(assignee, 'task/return', { reason: 'wrongly_routed', note: '不属本单位管理范围' });
        break;
      case 'resolved':
        await signFor();
        await action(assignee, 'task/resolve', { note: '已修复' });
        break;
      case 'paused':
        await action(users.staff, 'clock/pause', { reason: '居民外出，约定下周入户' });
        break;
      case 'before_council':
        await referToCouncil();
        break;
      case 'convened':
        await referToCouncil();
        await action(users.councils[spec.council ?? 'property_council'], 'council/session', { scheduledFor: new Date(Date.now() + 7 * 86_400_000).toISOString() });
        break;
      case 'closed':
        await action(users.staff, 'withdraw', { note: '居民撤回投诉' });
        break;
      case 'duplicate':
        await action(users.staff, 'merge', { primaryCaseId: primary!.caseId });
        break;
    }
    return fixture;
  }

  private async act(username: string, method: string, path: string, body?: unknown): Promise<any> {
    return answered(await this.api.request(method, path, this.tokenOf(username), body), `${username}: ${method} ${path}`);
  }

  private async upload(username: string, caseId: string): Promise<{ hash: string }> {
    const form = new FormData();
    form.append('file', new Blob([uniquePng()], { type: 'image/png' }), 'evidence.png');
    const response = await fetch(`${this.api.baseUrl}/cases/${caseId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.tokenOf(username)}` },
      body: form,
    });
    const body = (await response.json()) as { hash: string };
    if (response.status !== 201) throw new Error(`${username} could not upload a photo for ${caseId}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  private async view(caseId: string, username: string): Promise<{ status: string; tier: string }> {
    return answered(await this.api.request('GET', `/cases/${caseId}`, this.tokenOf(username)), `${username}: GET /cases/${caseId}`);
  }

  private until(caseId: string, username: string, reached: (view: { status: string; tier: string }) => boolean, what: string, timeoutMs = 30_000) {
    return eventually(async () => (reached(await this.view(caseId, username)) ? true : undefined), `case ${caseId} ${what}`, timeoutMs);
  }
}

function categoryFor(spec: CaseSpec): Category {
  if (spec.tier === 'street' || spec.tier === 'district') return 'elevator';
  if (spec.assignee === 'owners_committee') return 'maintenance_fund';
  return spec.state === 'listed' ? 'parking' : 'water_leak';
}

function answered<T>(result: HttpResult<T>, what: string): T {
  if (result.status >= 300) throw new Error(`${what} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}
