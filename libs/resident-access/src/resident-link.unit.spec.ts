import { caseNumberOf, checkCodeOf, isCheckCodeOf, normaliseCaseNumber, residentLinkOf } from './resident-link';

const CASE_ID = '019aef3c-5b21-7c4e-9a53-7f0c2b1d8a10';
const OTHER_CASE_FILED_THE_SAME_MINUTE = '019aef3c-7d02-7a11-8e6f-1b2c3d4e5f60';
const SECRET = 'a secret of the test';

describe('the resident’s link', () => {
  it('numbers a case by the random end of its id, not the filing time at its start', () => {
    expect(caseNumberOf(CASE_ID)).toBe('2b1d8a10');
    expect(caseNumberOf(OTHER_CASE_FILED_THE_SAME_MINUTE)).not.toBe(caseNumberOf(CASE_ID));
  });

  it('reads a typed case number in either case, spaces around it ignored', () => expect(normaliseCaseNumber(' 2B1D8A10 ')).toBe('2b1d8a10'));

  it('makes a check code of 6 digits that depends on the secret and the case', () => {
    const code = checkCodeOf(SECRET, CASE_ID);
    expect(code).toMatch(/^[0-9]{6}$/);
    expect(checkCodeOf(SECRET, CASE_ID)).toBe(code);
    expect(checkCodeOf('another secret', CASE_ID)).not.toBe(code);
    expect(checkCodeOf(SECRET, OTHER_CASE_FILED_THE_SAME_MINUTE)).not.toBe(code);
  });

  it('keeps the leading zeros of a code', () => {
    const codes = Array.from({ length: 2000 }, (_, index) => checkCodeOf(SECRET, `case-${index}`));
    expect(codes.every((code) => code.length === 6)).toBe(true);
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
  });

  it('links to the page with the case number and the check code', () =>
    expect(residentLinkOf('https://yixin.example.cn/r', SECRET, CASE_ID)).toBe(`https://yixin.example.cn/r/2b1d8a10/${checkCodeOf(SECRET, CASE_ID)}`));

  it('accepts the case’s code only, whole', () => {
    const code = checkCodeOf(SECRET, CASE_ID);
    expect(isCheckCodeOf(SECRET, CASE_ID, code)).toBe(true);
    expect(isCheckCodeOf(SECRET, OTHER_CASE_FILED_THE_SAME_MINUTE, code)).toBe(false);
    expect(isCheckCodeOf(SECRET, CASE_ID, code.slice(0, 5))).toBe(false);
    expect(isCheckCodeOf(SECRET, CASE_ID, `${code}0`)).toBe(false);
    expect(isCheckCodeOf(SECRET, CASE_ID, '')).toBe(false);
  });
});
