/**
 * Staff type what residents say, and residents give their numbers: a description published to
 * everyone (Open311) must not carry them. Digits are matched in their ASCII and full-width forms
 * (an IME types ０-９), and only as a whole run, never inside a longer one.
 */
const DIGIT = '[0-9\\uFF10-\\uFF19]';
const SEPARATOR = '[ \\-\\u2010-\\u2015\\uFF0D]?';
const NOT_AFTER_DIGIT = `(?<!${DIGIT})`;
const NOT_BEFORE_DIGIT = `(?!${DIGIT})`;

/** Identity cards (18 characters, the last a digit or X; 15 digits for the first generation) and bank cards (16 to 19 digits). */
const LONG_NUMBER = `${DIGIT}{14,}[0-9\\uFF10-\\uFF19Xx\\uFF38\\uFF58]`;
/** Mainland mobiles, 1[3-9] and nine more digits, as 3-4-4 groups or in one run, with or without +86. */
const MOBILE = `(?:(?:\\+|\\uFF0B)?86${SEPARATOR})?[1\\uFF11][3-9\\uFF13-\\uFF19]${DIGIT}${SEPARATOR}${DIGIT}{4}${SEPARATOR}${DIGIT}{4}`;
/** Landlines: an area code (0 and two or three digits, perhaps in brackets) and a local number of 7 or 8 digits, perhaps an extension. */
const LANDLINE = `(?:[(（][0０]${DIGIT}{2,3}[)）]|[0０]${DIGIT}{2,3})${SEPARATOR}[2-9\\uFF12-\\uFF19]${DIGIT}{2,3}${SEPARATOR}${DIGIT}{4}(?:(?:-|转|ext\\.?)${DIGIT}{1,5})?`;
/** A local number without its area code, as neighbours give it: 7 or 8 digits not starting with 0 or 1. */
const LOCAL_NUMBER = `[2-9\\uFF12-\\uFF19]${DIGIT}{2,3}${SEPARATOR}${DIGIT}{4}`;

/** Longest first, so that the digits of a mobile inside an ID card are masked as the ID card. */
const PERSONAL_NUMBER = new RegExp(`${NOT_AFTER_DIGIT}(?:${LONG_NUMBER}|${MOBILE}|${LANDLINE}|${LOCAL_NUMBER})${NOT_BEFORE_DIGIT}`, 'g');
const ANY_DIGIT = /[0-9\uFF10-\uFF19]/g;
const FINAL_CHECK_LETTER = /[Xx\uFF38\uFF58]$/;

/**
 * `text` with every digit of a mainland mobile number, landline, ID card or bank card number replaced by
 * `*`, separators and everything else kept: the reader sees that a number was given, not which.
 */
export function maskPersonalNumbers(text: string): string {
  return text.replace(PERSONAL_NUMBER, (number) => number.replace(ANY_DIGIT, '*').replace(FINAL_CHECK_LETTER, '*'));
}
