import { maskPersonalNumbers } from './personal-numbers';

describe('maskPersonalNumbers', () => {
  it.each([
    ['a mobile in one run', '住户电话13800001111，请尽快处理', '住户电话***********，请尽快处理'],
    ['a mobile in groups', '联系 138 0000 1111 或 139-0000-2222', '联系 *** **** **** 或 ***-****-****'],
    ['a mobile with the country code', '回电+86 13800001111', '回电+** ***********'],
    ['a mobile in full-width digits', '电话１３８００００１１１１', '电话***********'],
    ['a landline with its area code', '物业座机0571-82345678转123', '物业座机****-********转***'],
    ['a landline with the area code in brackets', '(0571)82345678', '(****)********'],
    ['a local number without area code', '门卫8234 5678，另一号码8234567', '门卫**** ****，另一号码*******'],
    ['an 18-digit ID card ending in X', '身份证33010919900101123X', '身份证******************'],
    ['an 18-digit ID card', '身份证号330109199001011234。', '身份证号******************。'],
    ['a first-generation ID card and a bank card', '330109900101123 / 6222021234567890123', '*************** / *******************'],
  ])('masks %s', (_kind, text, masked) => {
    expect(maskPersonalNumbers(text)).toBe(masked);
  });

  it.each([
    ['buildings, units and dates', '3幢2单元1502室，2026年11月29日起漏水'],
    ['money and counts', '维修基金支出50000元，涉及120户'],
    ['a hotline and short numbers', '已转12345热线，工单号2026-118'],
    ['text without digits', '电梯停运 <困人> & "异响"'],
  ])('leaves %s as they are', (_kind, text) => {
    expect(maskPersonalNumbers(text)).toBe(text);
  });

  it('masks any longer run of digits whole: an account number is personal too', () => {
    expect(maskPersonalNumbers('账号12345678901234567890')).toBe('账号********************');
  });
});
