import type { Schemas } from '../api/client';
import type { Label } from './i18n';

type Row = Schemas['CaseListRowDto'];
type State = Schemas['CaseStateDto'];

export type Category = Row['category'];
export type CaseStatus = Row['status'];
export type Tier = Row['tier'];
export type Urgency = Row['urgency'];
export type Channel = Schemas['FileComplaintDto']['channel'];
export type Role = Schemas['LoginResponse']['role'];
export type ReturnReason = NonNullable<State['lastReturn']>['reason'];
export type EscalationReason = State['escalatedFor'][number];
export type ClosingReason = NonNullable<State['closedReason']>;
export type OrganisationKind = Schemas['OrganisationView']['kind'];
export type NotificationTemplate = Schemas['OutboxMessageDto']['template'];

/** The API's enums, each with its name on screen: a value the API adds and the console lacks fails the type-check. */
export const CATEGORY: Record<Category, Label> = {
  elevator: { zh: '电梯故障', en: 'Elevator fault' },
  water_leak: { zh: '漏水渗水', en: 'Water leak' },
  power_water_gas: { zh: '水电气中断', en: 'Power, water or gas cut' },
  stairwell_clutter: { zh: '楼道堆物', en: 'Stairwell clutter' },
  sanitation: { zh: '环境卫生', en: 'Sanitation' },
  parking: { zh: '停车管理', en: 'Parking' },
  fee_dispute: { zh: '物业费争议', en: 'Fee dispute' },
  maintenance_fund: { zh: '维修基金使用', en: 'Maintenance fund' },
  property_contract: { zh: '物业服务合同', en: 'Property contract' },
  other: { zh: '其他', en: 'Other' },
};

export const STATUS: Record<CaseStatus, Label & { color: string }> = {
  not_filed: { zh: '未受理', en: 'Not filed', color: 'default' },
  filed: { zh: '已受理', en: 'Filed', color: 'blue' },
  duplicate: { zh: '已合并', en: 'Duplicate', color: 'default' },
  awaiting_sign_for: { zh: '待签收', en: 'Awaiting sign-for', color: 'gold' },
  in_progress: { zh: '办理中', en: 'In progress', color: 'processing' },
  resolved: { zh: '已办结待回访', en: 'Resolved', color: 'cyan' },
  awaiting_redo: { zh: '待重办', en: 'Awaiting redo', color: 'orange' },
  returned: { zh: '已退单', en: 'Returned', color: 'volcano' },
  before_council: { zh: '联席会议事中', en: 'Before council', color: 'purple' },
  council_decided: { zh: '联席会已决议', en: 'Council decided', color: 'geekblue' },
  closed: { zh: '已结案', en: 'Closed', color: 'green' },
};

export const TIER: Record<Tier, Label> = {
  community: { zh: '社区', en: 'Community' },
  street: { zh: '街道', en: 'Street' },
  district: { zh: '区', en: 'District' },
};

export const URGENCY: Record<Urgency, Label> = {
  normal: { zh: '一般', en: 'Normal' },
  urgent: { zh: '紧急', en: 'Urgent' },
};

export const CHANNEL: Record<Channel, Label> = {
  visit: { zh: '上门走访', en: 'Home visit' },
  phone: { zh: '电话', en: 'Phone' },
  walk_in: { zh: '来访', en: 'Walk-in' },
  online: { zh: '网上', en: 'Online' },
  hotline_transfer: { zh: '12345转办', en: '12345 transfer' },
};

export const ROLE: Record<Role, Label> = {
  community_staff: { zh: '社区工作人员', en: 'Community staff' },
  property_company: { zh: '物业公司', en: 'Property company' },
  owners_committee: { zh: '业主委员会', en: 'Owners’ committee' },
  council_member: { zh: '联席会秘书', en: 'Council secretary' },
  street_officer: { zh: '街道督办', en: 'Street officer' },
  district_officer: { zh: '区督办', en: 'District officer' },
  auditor: { zh: '审计员', en: 'Auditor' },
};

export const RETURN_REASON: Record<ReturnReason, Label> = {
  wrongly_routed: { zh: '派单错误', en: 'Wrongly routed' },
  disputed_responsibility: { zh: '职责有争议', en: 'Disputed responsibility' },
  needs_owners_decision: { zh: '需业主决策', en: 'Needs the owners’ decision' },
};

export const ESCALATION_REASON: Record<EscalationReason, Label> = {
  overdue: { zh: '超时未办', en: 'Overdue' },
  redone_three_times: { zh: '三次重办', en: 'Redone three times' },
  returned_three_times: { zh: '三次退单', en: 'Returned three times' },
  council_timeout: { zh: '联席会逾期', en: 'Council overdue' },
};

export const CLOSING_REASON: Record<ClosingReason, Label> = {
  resident_satisfied: { zh: '居民满意', en: 'Resident satisfied' },
  resident_unreachable: { zh: '居民联系不上', en: 'Resident unreachable' },
  withdrawn: { zh: '居民撤回', en: 'Withdrawn' },
  ruling: { zh: '上级裁定', en: 'Ruling' },
};

export const ORGANISATION_KIND: Record<OrganisationKind, Label> = {
  district: { zh: '区', en: 'District' },
  street: { zh: '街道', en: 'Street' },
  center: { zh: '服务中心', en: 'Center' },
  community: { zh: '社区', en: 'Community' },
  compound: { zh: '小区', en: 'Compound' },
  property_company: { zh: '物业公司', en: 'Property company' },
  owners_committee: { zh: '业主委员会', en: 'Owners’ committee' },
  property_council: { zh: '物业联席会', en: 'Property council' },
  owners_council: { zh: '业委会联席会', en: 'Owners’ council' },
};

/** The events of a case's history, as 12345 offices name the steps (受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 办结). */
export const EVENT_TYPE: Record<string, Label> = {
  ComplaintFiled: { zh: '受理', en: 'Filed' },
  TaskDispatched: { zh: '派单', en: 'Dispatched' },
  TaskSignedFor: { zh: '签收', en: 'Signed for' },
  ProgressReported: { zh: '办理进展', en: 'Progress' },
  TaskResolved: { zh: '答复办结', en: 'Resolved' },
  EvidenceAttached: { zh: '补充照片', en: 'Photos attached' },
  TaskReturned: { zh: '退单', en: 'Returned' },
  ReturnRejected: { zh: '驳回退单', en: 'Return rejected' },
  ExtensionRequested: { zh: '申请延期', en: 'Extension requested' },
  ExtensionRefused: { zh: '不予延期', en: 'Extension refused' },
  DeadlineExtended: { zh: '延期', en: 'Deadline extended' },
  DeadlineReminderSent: { zh: '催办', en: 'Reminder' },
  ClockPaused: { zh: '暂停计时', en: 'Clock paused' },
  ClockResumed: { zh: '恢复计时', en: 'Clock resumed' },
  CallBackRecorded: { zh: '回访', en: 'Call-back' },
  TaskRedoOrdered: { zh: '重办', en: 'Redo ordered' },
  CaseEscalated: { zh: '升级督办', en: 'Escalated' },
  CaseReferredToCouncil: { zh: '提交联席会', en: 'Referred to council' },
  CouncilSessionConvened: { zh: '召开联席会', en: 'Council convened' },
  CouncilDecisionRecorded: { zh: '联席会决议', en: 'Council decision' },
  CaseLinkedAsDuplicate: { zh: '合并为重复件', en: 'Merged as duplicate' },
  CaseUnlinked: { zh: '取消合并', en: 'Unmerged' },
  CaseReopened: { zh: '重新开启', en: 'Reopened' },
  CaseClosed: { zh: '办结', en: 'Closed' },
  PersonalDataErased: { zh: '删除个人信息', en: 'Personal data erased' },
  NotificationSent: { zh: '已发送', en: 'Sent' },
  NotificationFailed: { zh: '发送失败', en: 'Failed' },
  NotificationSuppressed: { zh: '未发送', en: 'Not sent' },
};

/** The messages yixin sends, as the outbox and the audit name them. */
export const NOTIFICATION_TEMPLATE: Record<NotificationTemplate, Label> = {
  resident_receipt: { zh: '受理回执', en: 'Receipt' },
  resident_dispatched: { zh: '派单告知', en: 'Dispatched' },
  resident_resolved: { zh: '办结与评价邀请', en: 'Resolved, rate it' },
  resident_closed: { zh: '结案告知', en: 'Closed' },
  task_dispatched: { zh: '新任务派单', en: 'New task' },
  deadline_warning: { zh: '时限预警', en: 'Deadline warning' },
  deadline_reminder: { zh: '超时催办', en: 'Reminder' },
  case_escalated_assignee: { zh: '案件升级（承办单位）', en: 'Escalated (assignee)' },
  case_escalated_officers: { zh: '案件升级督办', en: 'Escalated (officers)' },
  council_overdue: { zh: '联席会逾期', en: 'Council overdue' },
};

/** Why a message was not sent (NotificationSuppressed). */
export const SUPPRESSION_REASON: Record<string, Label> = {
  personal_data_erased: { zh: '居民个人信息已删除', en: 'resident’s data erased' },
  no_contact: { zh: '无联系方式', en: 'no contact' },
  deadline_met: { zh: '时限已满足或已变更', en: 'deadline met or moved' },
  case_closed: { zh: '案件已办结', en: 'case closed' },
};

/** Who took a message: a provider, or the local stand-ins of the embedded default. */
export const NOTIFICATION_PROVIDER: Record<string, Label> = {
  outbox: { zh: '本地发件箱', en: 'local outbox' },
  smtp: { zh: '邮件服务器', en: 'mail server' },
  alibaba: { zh: '阿里云短信', en: 'Alibaba Cloud SMS' },
  tencent: { zh: '腾讯云短信', en: 'Tencent Cloud SMS' },
  wecom: { zh: '企业微信群机器人', en: 'WeCom group robot' },
};

/** How a message went out. */
export const NOTIFICATION_CHANNEL: Record<string, Label> = {
  sms: { zh: '短信', en: 'SMS' },
  email: { zh: '邮件', en: 'Email' },
  wecom: { zh: '企业微信', en: 'WeCom' },
};
