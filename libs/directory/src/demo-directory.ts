import type { ApiKeyWithSecret } from './api-key';
import type { Organisation, UserAccount } from './organisation';

/**
 * Demo organisations of Shushan street (蜀山街道), Xiaoshan district, from the source article
 * (shared/seeds). The communities and the compounds of Xiangyuan are the article's; the other
 * compounds and every company name are invented for the demo.
 */
const compounds: Array<{ id: string; name: string; communityId: string }> = [
  { id: 'beichen-aoyuan', name: '北辰奥园', communityId: 'xiangyuan' },
  { id: 'wocheng-yinxiang', name: '卧城印象', communityId: 'xiangyuan' },
  { id: 'hushan-huayuan', name: '湖山花园', communityId: 'hushan' },
  { id: 'hushan-xinyuan', name: '湖山新苑', communityId: 'hushan' },
  { id: 'xiushui-jiayuan', name: '秀水家园', communityId: 'xiushui' },
  { id: 'shanshuiyuan-xiaoqu', name: '山水苑', communityId: 'shanshuiyuan' },
];

export const DEMO_ORGANISATIONS: Organisation[] = [
  { id: 'xiaoshan', kind: 'district', name: '萧山区住建局' },
  { id: 'shushan', kind: 'street', name: '蜀山街道', parentId: 'xiaoshan' },
  { id: 'shushan-center', kind: 'center', name: '红领物联服务中心', parentId: 'shushan' },
  { id: 'property-council', kind: 'property_council', name: '物业联席会', parentId: 'shushan' },
  { id: 'owners-council', kind: 'owners_council', name: '业委会联席会', parentId: 'shushan' },
  { id: 'hushan', kind: 'community', name: '湖山社区', parentId: 'shushan' },
  { id: 'xiangyuan', kind: 'community', name: '湘源社区', parentId: 'shushan' },
  { id: 'xiushui', kind: 'community', name: '秀水社区', parentId: 'shushan' },
  { id: 'shanshuiyuan', kind: 'community', name: '山水苑社区', parentId: 'shushan' },
  ...compounds.flatMap(({ id, name, communityId }): Organisation[] => [
    { id, kind: 'compound', name, parentId: communityId, propertyCompanyId: `pc-${id}` },
    { id: `pc-${id}`, kind: 'property_company', name: `${name}物业服务中心`, parentId: 'property-council' },
    { id: `oc-${id}`, kind: 'owners_committee', name: `${name}业主委员会`, parentId: id },
  ]),
];

/** Every demo user has this password; it is for the embedded demo only. */
export const DEMO_PASSWORD = 'yixin-demo';

/** Administrators of a community and of a property company, and the district's, who administers every organisation under it. */
const ADMINISTRATORS: UserAccount[] = [
  { username: 'admin.xiangyuan', userId: 'user-admin-xiangyuan', displayName: '湘源社区管理员', role: 'community_staff', organisationId: 'xiangyuan', isAdministrator: true },
  {
    username: 'admin.pc.beichen-aoyuan',
    userId: 'user-admin-pc-beichen-aoyuan',
    displayName: '北辰奥园物业管理员',
    role: 'property_company',
    organisationId: 'pc-beichen-aoyuan',
    isAdministrator: true,
  },
  { username: 'admin.district', userId: 'user-admin-district', displayName: '萧山区系统管理员', role: 'district_officer', organisationId: 'xiaoshan', isAdministrator: true },
];

export const DEMO_USERS: UserAccount[] = [
  ...['hushan', 'xiangyuan', 'xiushui', 'shanshuiyuan'].map(
    (community): UserAccount => ({
      username: `staff.${community}`,
      userId: `user-staff-${community}`,
      displayName: `${DEMO_ORGANISATIONS.find((organisation) => organisation.id === community)!.name}工作人员`,
      role: 'community_staff',
      organisationId: community,
    }),
  ),
  ...compounds.flatMap(({ id, name }): UserAccount[] => [
    { username: `pc.${id}`, userId: `user-pc-${id}`, displayName: `${name}物业`, role: 'property_company', organisationId: `pc-${id}` },
    { username: `oc.${id}`, userId: `user-oc-${id}`, displayName: `${name}业委会`, role: 'owners_committee', organisationId: `oc-${id}` },
  ]),
  { username: 'council.property', userId: 'user-council-property', displayName: '物业联席会秘书', role: 'council_member', organisationId: 'property-council' },
  { username: 'council.owners', userId: 'user-council-owners', displayName: '业委会联席会秘书', role: 'council_member', organisationId: 'owners-council' },
  { username: 'street.officer', userId: 'user-street-officer', displayName: '蜀山街道督办员', role: 'street_officer', organisationId: 'shushan' },
  { username: 'district.officer', userId: 'user-district-officer', displayName: '萧山区督办员', role: 'district_officer', organisationId: 'xiaoshan' },
  { username: 'auditor', userId: 'user-auditor', displayName: '审计员', role: 'auditor', organisationId: 'xiaoshan' },
  ...ADMINISTRATORS,
];

/** Each community's intake of 12345 hotline transfers, for Open311 (`POST /open311/v2/requests`); embedded demo only. */
export const DEMO_API_KEYS: ApiKeyWithSecret[] = DEMO_ORGANISATIONS.filter((o) => o.kind === 'community').map(({ id, name }) => ({
  keyId: `hotline-12345-${id}`,
  communityId: id,
  label: `12345热线转办（${name}）`,
  secret: `open311-demo-${id}`,
}));
