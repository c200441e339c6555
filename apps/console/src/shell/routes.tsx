import {
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  FileAddOutlined,
  InboxOutlined,
  MessageOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UnorderedListOutlined,
  UsergroupAddOutlined,
} from '@ant-design/icons';
import type { ComponentType, LazyExoticComponent, ReactNode } from 'react';
import type { SignedIn } from '../api/session';
import { startInboxEarly } from '../pages/inbox/inbox-start';
import { loadOrganisations } from '../shared/directory';
import type { Label } from '../shared/i18n';
import type { Role } from '../shared/labels';
import { preloadable } from '../shared/preloadable';

/** The inbox's first page and live stream, and the directory that names its compounds. */
function startInbox(): void {
  startInboxEarly();
  loadOrganisations().catch(() => undefined);
}

/** A screen of the console: where it is, who may open it, and whether the menu lists it. */
export interface ConsoleRoute {
  path: string;
  title: Label;
  icon?: ReactNode;
  /** The roles that may open it; `administrator` for the administrators of any role. */
  for: readonly Role[] | 'administrator';
  /** In the side menu (a case's page is reached from a list, not from the menu). */
  menu: boolean;
  page: LazyExoticComponent<ComponentType>;
  /** Loads the screen's code: by `page` when first rendered, or earlier (start-up.ts) when the console starts on it. */
  load(): Promise<unknown>;
  /** Asks for what the screen shows first, as the console starts on it, while its code still loads. */
  prepare?(): void;
}

/** A screen's chunk, loaded when first opened, or as the console starts on it. */
function screen(importer: () => Promise<{ default: ComponentType }>): Pick<ConsoleRoute, 'page' | 'load'> {
  const { Component, load } = preloadable(importer);
  return { page: Component, load };
}

const STAFF: readonly Role[] = ['community_staff'];
const ASSIGNEES: readonly Role[] = ['property_company', 'owners_committee'];
const OFFICERS: readonly Role[] = ['street_officer', 'district_officer'];
const EVERYONE: readonly Role[] = ['community_staff', 'property_company', 'owners_committee', 'council_member', 'street_officer', 'district_officer', 'auditor'];

/** Each screen is its own chunk, loaded when first opened, so the first load carries only the shell. */
export const ROUTES: readonly ConsoleRoute[] = [
  { path: '/inbox', title: { zh: '待办任务', en: 'Inbox' }, icon: <InboxOutlined />, for: ASSIGNEES, menu: true, ...screen(() => import('../pages/inbox/inbox-page')), prepare: startInbox },
  { path: '/cases/new', title: { zh: '受理登记', en: 'File a complaint' }, icon: <FileAddOutlined />, for: STAFF, menu: true, ...screen(() => import('../pages/cases/file-complaint-page')) },
  { path: '/visit-round', title: { zh: '认百家门', en: 'Visit round' }, icon: <TeamOutlined />, for: STAFF, menu: true, ...screen(() => import('../pages/cases/visit-round-page')) },
  {
    path: '/cases',
    title: { zh: '案件列表', en: 'Cases' },
    icon: <UnorderedListOutlined />,
    for: ['community_staff', 'owners_committee', 'street_officer', 'district_officer', 'auditor'],
    menu: true,
    ...screen(() => import('../pages/cases/case-list-page')),
  },
  { path: '/cases/:caseId', title: { zh: '案件详情', en: 'Case' }, for: EVERYONE, menu: false, ...screen(() => import('../pages/cases/case-page')) },
  { path: '/supervision', title: { zh: '督办队列', en: 'Supervision' }, icon: <AlertOutlined />, for: OFFICERS, menu: true, ...screen(() => import('../pages/supervision/supervision-page')) },
  { path: '/councils', title: { zh: '联席会议程', en: 'Council agenda' }, icon: <ProfileOutlined />, for: ['council_member'], menu: true, ...screen(() => import('../pages/councils/agenda-page')) },
  { path: '/audit', title: { zh: '审计', en: 'Audit' }, icon: <AuditOutlined />, for: ['auditor'], menu: true, ...screen(() => import('../pages/audit/audit-page')) },
  { path: '/audit/cases/:caseId', title: { zh: '案件审计', en: 'Case audit' }, for: ['auditor'], menu: false, ...screen(() => import('../pages/audit/case-audit-page')) },
  {
    path: '/measures',
    title: { zh: '三率与红黑榜', en: 'Rates and rankings' },
    icon: <BarChartOutlined />,
    for: ['community_staff', 'property_company', 'street_officer', 'district_officer', 'auditor'],
    menu: true,
    ...screen(() => import('../pages/measures/measures-page')),
  },
  { path: '/privacy', title: { zh: '个人信息删除', en: 'Erasure' }, icon: <SafetyCertificateOutlined />, for: STAFF, menu: true, ...screen(() => import('../pages/privacy/erasure-page')) },
  { path: '/admin/users', title: { zh: '用户管理', en: 'Users' }, icon: <UsergroupAddOutlined />, for: 'administrator', menu: true, ...screen(() => import('../pages/admin/users-page')) },
  { path: '/outbox', title: { zh: '消息发件箱', en: 'Outbox' }, icon: <MessageOutlined />, for: 'administrator', menu: true, ...screen(() => import('../pages/outbox/outbox-page')) },
];

export function mayOpen(route: ConsoleRoute, user: SignedIn): boolean {
  return route.for === 'administrator' ? user.isAdministrator : route.for.includes(user.role);
}

/** Where each role starts its day. */
export function homeOf(user: SignedIn): string {
  const home: Record<Role, string> = {
    community_staff: '/cases',
    property_company: '/inbox',
    owners_committee: '/inbox',
    council_member: '/councils',
    street_officer: '/supervision',
    district_officer: '/supervision',
    auditor: '/audit',
  };
  return home[user.role];
}
