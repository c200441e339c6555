import {
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  FileAddOutlined,
  InboxOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UnorderedListOutlined,
  UsergroupAddOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import type { SignedIn } from '../api/session';
import type { Label } from '../shared/i18n';
import type { Role } from '../shared/labels';

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
}

const STAFF: readonly Role[] = ['community_staff'];
const ASSIGNEES: readonly Role[] = ['property_company', 'owners_committee'];
const OFFICERS: readonly Role[] = ['street_officer', 'district_officer'];
const EVERYONE: readonly Role[] = ['community_staff', 'property_company', 'owners_committee', 'council_member', 'street_officer', 'district_officer', 'auditor'];

/** Each screen is its own chunk, loaded when first opened, so the first load carries only the shell. */
export const ROUTES: readonly ConsoleRoute[] = [
  { path: '/inbox', title: { zh: '待办任务', en: 'Inbox' }, icon: <InboxOutlined />, for: ASSIGNEES, menu: true, page: lazy(() => import('../pages/inbox/inbox-page')) },
  { path: '/cases/new', title: { zh: '受理登记', en: 'File a complaint' }, icon: <FileAddOutlined />, for: STAFF, menu: true, page: lazy(() => import('../pages/cases/file-complaint-page')) },
  { path: '/visit-round', title: { zh: '认百家门', en: 'Visit round' }, icon: <TeamOutlined />, for: STAFF, menu: true, page: lazy(() => import('../pages/cases/visit-round-page')) },
  {
    path: '/cases',
    title: { zh: '案件列表', en: 'Cases' },
    icon: <UnorderedListOutlined />,
    for: ['community_staff', 'owners_committee', 'street_officer', 'district_officer', 'auditor'],
    menu: true,
    page: lazy(() => import('../pages/cases/case-list-page')),
  },
  { path: '/cases/:caseId', title: { zh: '案件详情', en: 'Case' }, for: EVERYONE, menu: false, page: lazy(() => import('../pages/cases/case-page')) },
  { path: '/supervision', title: { zh: '督办队列', en: 'Supervision' }, icon: <AlertOutlined />, for: OFFICERS, menu: true, page: lazy(() => import('../pages/supervision/supervision-page')) },
  { path: '/councils', title: { zh: '联席会议程', en: 'Council agenda' }, icon: <ProfileOutlined />, for: ['council_member'], menu: true, page: lazy(() => import('../pages/councils/agenda-page')) },
  { path: '/audit', title: { zh: '审计', en: 'Audit' }, icon: <AuditOutlined />, for: ['auditor'], menu: true, page: lazy(() => import('../pages/audit/audit-page')) },
  { path: '/audit/cases/:caseId', title: { zh: '案件审计', en: 'Case audit' }, for: ['auditor'], menu: false, page: lazy(() => import('../pages/audit/case-audit-page')) },
  {
    path: '/measures',
    title: { zh: '三率与红黑榜', en: 'Rates and rankings' },
    icon: <BarChartOutlined />,
    for: ['community_staff', 'property_company', 'street_officer', 'district_officer', 'auditor'],
    menu: true,
    page: lazy(() => import('../pages/measures/measures-page')),
  },
  { path: '/privacy', title: { zh: '个人信息删除', en: 'Erasure' }, icon: <SafetyCertificateOutlined />, for: STAFF, menu: true, page: lazy(() => import('../pages/privacy/erasure-page')) },
  { path: '/admin/users', title: { zh: '用户管理', en: 'Users' }, icon: <UsergroupAddOutlined />, for: 'administrator', menu: true, page: lazy(() => import('../pages/admin/users-page')) },
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
