import { createWorkingCalendar, type CalendarData } from '../../calendar/working-calendar';
import type { Actor } from '../../shared/actor';
import type { CaseCommand, FileComplaint } from '../case-commands';
import type { ComplaintFiled, EncryptedPersonalData, Jurisdiction } from '../case-events';
import { DEFAULT_DEADLINE_POLICY, type CaseClock } from '../deadlines';

/**
 * Shared data of the case specs: Shushan street (蜀山街道), Xiaoshan district, from the source article;
 * the same ids as the demo directory.
 */

/**
 * The State Council's 2026 arrangement for the first half of the year, as chinese-days 1.5.7 has it,
 * written out by hand so that every expected deadline in the specs can be checked against it:
 * New Year 01-01 … 01-03 off (Sunday 01-04 worked), Spring Festival 02-15 … 02-23 off (Saturdays 02-14
 * and 02-28 worked), Qingming 04-04 … 04-06 off (Saturday to Monday), Labour Day 05-01 … 05-05 off
 * (Saturday 05-09 worked), Dragon Boat 06-19 … 06-21 off.
 */
export const CALENDAR_2026_H1: CalendarData = {
  holidays: {
    ...days('元旦', '2026-01-01', 3),
    ...days('春节', '2026-02-15', 9),
    ...days('清明', '2026-04-04', 3),
    ...days('劳动节', '2026-05-01', 5),
    ...days('端午', '2026-06-19', 3),
  },
  workdays: { '2026-01-04': '元旦', '2026-02-14': '春节', '2026-02-28': '春节', '2026-05-09': '劳动节' },
};

export const calendar = createWorkingCalendar(CALENDAR_2026_H1);

/** The default policy on the 2026 calendar. */
export const clock: CaseClock = { policy: DEFAULT_DEADLINE_POLICY, calendar };

export const ids = {
  community: 'xiangyuan',
  otherCommunity: 'hushan',
  compound: 'beichen-aoyuan',
  company: 'pc-beichen-aoyuan',
  /** The project next door, in the same community: where a wrongly routed task belongs. */
  neighbourCompany: 'pc-wocheng-yinxiang',
  otherCompany: 'pc-hushan-huayuan',
  ownersCommittee: 'oc-beichen-aoyuan',
  otherOwnersCommittee: 'oc-hushan-huayuan',
  street: 'shushan',
  otherStreet: 'xintang',
  district: 'xiaoshan',
  otherDistrict: 'binjiang',
  propertyCouncil: 'property-council',
  ownersCouncil: 'owners-council',
  center: 'shushan-center',
} as const;

const actor = (userId: string, role: Actor['role'], organisationId: string): Actor => ({ userId, role, organisationId });

export const staff = actor('user-staff-xiangyuan', 'community_staff', ids.community);
export const foreignStaff = actor('user-staff-hushan', 'community_staff', ids.otherCommunity);
export const company = actor('user-pc-beichen-aoyuan', 'property_company', ids.company);
export const neighbourCompany = actor('user-pc-wocheng-yinxiang', 'property_company', ids.neighbourCompany);
export const foreignCompany = actor('user-pc-hushan-huayuan', 'property_company', ids.otherCompany);
export const ownersCommittee = actor('user-oc-beichen-aoyuan', 'owners_committee', ids.ownersCommittee);
export const foreignOwnersCommittee = actor('user-oc-hushan-huayuan', 'owners_committee', ids.otherOwnersCommittee);
export const streetOfficer = actor('user-street-officer', 'street_officer', ids.street);
export const foreignStreetOfficer = actor('user-xintang-officer', 'street_officer', ids.otherStreet);
export const districtOfficer = actor('user-district-officer', 'district_officer', ids.district);
export const foreignDistrictOfficer = actor('user-binjiang-officer', 'district_officer', ids.otherDistrict);
export const propertyCouncilSecretary = actor('user-council-property', 'council_member', ids.propertyCouncil);
export const ownersCouncilSecretary = actor('user-council-owners', 'council_member', ids.ownersCouncil);
export const auditor = actor('user-auditor', 'auditor', ids.district);
/** The case workflow, acting as the center. */
export const center = actor('case-workflow', 'system', ids.center);

export const jurisdiction: Jurisdiction = {
  streetId: ids.street,
  districtId: ids.district,
  councils: { property_council: ids.propertyCouncil, owners_council: ids.ownersCouncil },
};

/** 北辰奥园 in 湘源社区, as the directory knows it. */
export const compound: FileComplaint['compound'] = {
  id: ids.compound,
  communityId: ids.community,
  propertyCompanyId: ids.company,
  ownersCommitteeId: ids.ownersCommittee,
  jurisdiction,
};

export const CASE_ID = 'case-1';

/** The resident's name, phone and unit as the application encrypted them: the domain only carries them. */
export const personalData: EncryptedPersonalData = {
  subjectId: 'subject-wang',
  keyId: 'key-wang-1',
  ciphertext: 'c2VhbGVkIHBlcnNvbmFsIGRhdGE=',
  iv: 'aXYtb2YtMTItYnl0',
  tag: 'dGFnLW9mLTE2LWJ5dGVzLg==',
};

/** What staff type in: an elevator out of order, a normal matter. */
export const complaint: FileComplaint['complaint'] = {
  personalData,
  location: { communityId: ids.community, compoundId: ids.compound, building: '3幢' },
  category: 'elevator',
  urgency: 'normal',
  description: '3幢电梯停运两天，老人上下楼困难',
  channel: 'visit',
};

/** The current shape of a filed complaint, Monday 2026-03-02 08:30 in China; `changes` replace fields. */
export function complaintFiled(changes: Partial<ComplaintFiled['data']> = {}): ComplaintFiled {
  return {
    type: 'ComplaintFiled',
    data: {
      ...complaint,
      caseId: CASE_ID,
      propertyCompanyId: ids.company,
      ownersCommitteeId: ids.ownersCommittee,
      jurisdiction,
      filedAt: '2026-03-02T00:30:00.000Z',
      ...changes,
    },
  };
}

/** One command of every type but FileComplaint, at `at`, each acceptable to some state of the case. */
export function oneCommandOfEachType(at: string): CaseCommand[] {
  const by = (actor: Actor) => ({ caseId: CASE_ID, actor, at });
  const later = (days: number) => new Date(Date.parse(at) + days * 86_400_000).toISOString();
  return [
    { type: 'DispatchTask', ...by(center), taskId: 'task-9' },
    {
      type: 'RedispatchTask',
      ...by(staff),
      taskId: 'task-9',
      assignee: { organisationId: ids.neighbourCompany, kind: 'property_company' },
      reason: '改派',
      compound: { propertyCompanyId: ids.neighbourCompany, ownersCommitteeId: ids.ownersCommittee },
    },
    { type: 'SendReminder', ...by(center), deadline: 'sign_for' },
    { type: 'SignForTask', ...by(company) },
    { type: 'ReportProgress', ...by(company), note: '已到场' },
    { type: 'ResolveTask', ...by(company), note: '已修复' },
    { type: 'AttachEvidence', ...by(staff), evidence: ['e'.repeat(64)] },
    { type: 'ReturnTask', ...by(company), reason: 'wrongly_routed', note: '不归我们管' },
    { type: 'RejectReturn', ...by(staff), reason: '确属贵司' },
    { type: 'RequestExtension', ...by(company), extension: { workingDays: 2 }, reason: '等配件' },
    { type: 'GrantExtension', ...by(staff) },
    { type: 'RefuseExtension', ...by(staff), reason: '不同意' },
    { type: 'ExtendDeadline', ...by(staff), extension: { workingDays: 2 }, reason: '节前人手不足' },
    { type: 'PauseClock', ...by(staff), reason: '等待居民' },
    { type: 'ResumeClock', ...by(staff) },
    { type: 'EscalateCase', ...by(center), reason: 'overdue' },
    { type: 'ReferToCouncil', ...by(staff), council: 'property_council', question: '责任归属？' },
    { type: 'ConveneCouncilSession', ...by(propertyCouncilSecretary), sessionId: 'session-9', members: [ids.company], scheduledFor: later(3) },
    { type: 'RecordCouncilDecision', ...by(propertyCouncilSecretary), decision: '维修', assignee: { organisationId: ids.company, kind: 'property_company' }, dueBy: later(10) },
    { type: 'RecordCallBack', ...by(staff), outcome: 'satisfied', rating: 5 },
    { type: 'OrderRedo', ...by(center) },
    { type: 'WithdrawComplaint', ...by(staff), note: '居民撤诉' },
    { type: 'MergeCase', ...by(staff), primaryCaseId: 'case-0' },
    { type: 'UnmergeCase', ...by(staff) },
    { type: 'CloseWithRuling', ...by(streetOfficer), ruling: '裁定' },
    { type: 'ReopenCase', ...by(streetOfficer), reason: '居民反映问题复发' },
    { type: 'ErasePersonalData', ...by(staff), subjectId: personalData.subjectId },
  ];
}

function days(name: string, first: string, count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [new Date(Date.parse(first) + i * 86_400_000).toISOString().slice(0, 10), name]),
  );
}
