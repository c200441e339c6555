/** What a complaint is about; the category decides its deadlines (see deadline-policy.ts). */
export const CATEGORIES = {
  elevator: '电梯故障',
  water_leak: '漏水渗水',
  power_water_gas: '水电气中断',
  stairwell_clutter: '楼道堆物',
  sanitation: '环境卫生',
  parking: '停车管理',
  fee_dispute: '物业费争议',
  other: '其他',
} as const;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_CODES = Object.keys(CATEGORIES) as Category[];

/** How the complaint reached the community. */
export const CHANNELS = ['visit', 'phone', 'walk_in', 'online', 'hotline_transfer'] as const;
export type Channel = (typeof CHANNELS)[number];

export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];
