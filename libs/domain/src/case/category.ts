/** What a complaint is about; the category decides its deadlines (see deadlines.ts). */
export const CATEGORIES = {
  elevator: '电梯故障',
  water_leak: '漏水渗水',
  power_water_gas: '水电气中断',
  stairwell_clutter: '楼道堆物',
  sanitation: '环境卫生',
  parking: '停车管理',
  fee_dispute: '物业费争议',
  maintenance_fund: '维修基金使用',
  property_contract: '物业服务合同',
  other: '其他',
} as const;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_CODES = Object.keys(CATEGORIES) as Category[];

/** Matters that need the owners' money or consent: dispatched to the compound's owners' committee, not the property company. */
export const OWNERS_MATTERS: readonly Category[] = ['maintenance_fund', 'property_contract'];

/** How the complaint reached the community. */
export const CHANNELS = ['visit', 'phone', 'walk_in', 'online', 'hotline_transfer'] as const;
export type Channel = (typeof CHANNELS)[number];

export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];
