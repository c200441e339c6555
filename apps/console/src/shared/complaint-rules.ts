import type { Rule } from 'antd/es/form';
import type { Translate } from './i18n';

/** The API's phone rule (case.dto.ts PHONE): a mobile number, or a landline with its area code. */
export const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

/** The API's lengths (case.dto.ts), counted in characters as class-validator counts them. */
export const LIMITS = { name: 50, building: 32, unit: 32, description: 2000, reason: 500 } as const;

const characters = (value: string) => [...value].length;

/** Required text with something visible in it, at most `max` characters: the API's `@Length(1, max)` and `@Matches(/\S/)`. */
export function requiredText(t: Translate, what: { zh: string; en: string }, max: number): Rule[] {
  return [{ required: true, whitespace: true, message: t(`请填写${what.zh}`, `Enter the ${what.en}`) }, ...optionalText(t, what, max)];
}

export function optionalText(t: Translate, what: { zh: string; en: string }, max: number): Rule[] {
  return [
    {
      validator: async (_rule, value: unknown) => {
        const text = typeof value === 'string' ? value.trim() : '';
        if (characters(text) > max) throw new Error(t(`${what.zh}最多 ${max} 个字`, `The ${what.en} takes at most ${max} characters`));
      },
    },
  ];
}

export function phoneRules(t: Translate): Rule[] {
  return [
    { required: true, message: t('请填写联系电话', 'Enter the phone number') },
    { pattern: PHONE, message: t('电话应为 11 位手机号（1 开头）或带区号的固话（如 0571-12345678）', 'A mobile number (11 digits starting with 1) or a landline with area code (0571-12345678)') },
  ];
}

/** Text as the API should get it: without the spaces around it; empty optional text left out. */
export function trimmed(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}
