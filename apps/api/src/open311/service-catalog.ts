import { CATEGORIES, CATEGORY_CODES, type Category, type Urgency } from '@yixin/domain';
import type { XmlValue } from './xml';

/** Each category is one Open311 service; these say what it covers and how to find it. */
const SERVICE_TEXTS: Record<Category, { description: string; keywords: string; group: string }> = {
  elevator: { description: '电梯停运、困人、异响等故障', keywords: '电梯, 困人, 停运', group: '设施设备' },
  water_leak: { description: '房屋、管道、屋面漏水渗水', keywords: '漏水, 渗水, 管道', group: '设施设备' },
  power_water_gas: { description: '公共区域或整幢楼停水、停电、停气', keywords: '停水, 停电, 停气', group: '设施设备' },
  stairwell_clutter: { description: '楼道、消防通道堆放杂物', keywords: '楼道, 堆物, 消防通道', group: '环境秩序' },
  sanitation: { description: '垃圾清运、保洁、绿化等环境卫生', keywords: '垃圾, 保洁, 绿化', group: '环境秩序' },
  parking: { description: '停车秩序、车位、充电设施管理', keywords: '停车, 车位, 充电', group: '环境秩序' },
  fee_dispute: { description: '物业费、公共收益等收费争议', keywords: '物业费, 收费, 公共收益', group: '物业服务' },
  maintenance_fund: { description: '申请使用专项维修资金（维修基金），须业主决定', keywords: '维修基金, 维修资金, 大修', group: '业主事务' },
  property_contract: { description: '物业服务合同的签订、续聘、解聘', keywords: '物业合同, 选聘, 续聘', group: '业主事务' },
  other: { description: '其他物业服务问题', keywords: '物业服务', group: '物业服务' },
};

const URGENCY_NAMES: Record<Urgency, string> = {
  normal: '一般',
  urgent: '紧急（时限按小时计）',
};

type ServiceAttribute = {
  variable: true;
  code: string;
  datatype: 'string' | 'singlevaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: Array<{ key: string; name: string }>;
};

/** What a complaint needs beyond GeoReport's standard fields; the same for every service. */
export const SERVICE_ATTRIBUTES: readonly ServiceAttribute[] = [
  {
    variable: true,
    code: 'building',
    datatype: 'string',
    required: true,
    datatype_description: '楼幢，如 3幢',
    order: 1,
    description: '楼幢 / building',
  },
  {
    variable: true,
    code: 'unit',
    datatype: 'string',
    required: false,
    datatype_description: '单元与室号，如 2单元1502室；不公开',
    order: 2,
    description: '单元、室号 / unit and flat (never published)',
  },
  {
    variable: true,
    code: 'urgency',
    datatype: 'singlevaluelist',
    required: false,
    datatype_description: '默认 normal',
    order: 3,
    description: '紧急程度 / urgency',
    values: Object.entries(URGENCY_NAMES).map(([key, name]) => ({ key, name })),
  },
];

export function isServiceCode(code: string): code is Category {
  return (CATEGORY_CODES as string[]).includes(code);
}

export function serviceList(): XmlValue {
  return CATEGORY_CODES.map((code) => ({
    service_code: code,
    service_name: CATEGORIES[code],
    description: SERVICE_TEXTS[code].description,
    metadata: true,
    type: 'realtime',
    keywords: SERVICE_TEXTS[code].keywords,
    group: SERVICE_TEXTS[code].group,
  }));
}

export function serviceDefinition(code: Category): XmlValue {
  return { service_code: code, attributes: SERVICE_ATTRIBUTES };
}
