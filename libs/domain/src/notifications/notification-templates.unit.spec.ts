import { NOTIFICATION_TEMPLATES, type NotificationTemplate } from './notification';
import {
  DEFAULT_NOTIFICATION_TEMPLATES,
  NOTIFICATION_SUBJECTS,
  NOTIFICATION_TEMPLATE_VARIABLES,
  parseNotificationTemplates,
  renderNotification,
} from './notification-templates';

/** The sign name providers put before every SMS, counted in its length. */
const SIGN_NAME = '【一心】';

/**
 * Typical variables at their longest: the longest category label, a due time with a two-digit month
 * and day, the longest deadline and assignee labels; the link and check code as delivery fills them.
 */
const TYPICAL_VARIABLES: Record<string, string> = {
  caseNumber: '5c6d7e8f',
  category: '维修基金使用',
  checkCode: 'K7M2Q9',
  link: 'https://yixin12.gov.cn/r/5c6d7e8f/K7M2Q9',
  assignee: '物业服务企业',
  organisationId: 'pc-beichen-aoyuan',
  deadline: '首次答复',
  due: '12月16日 18:00',
  share: '80%',
  tier: '街道',
  reason: '三次退回',
};

/** How many parts an SMS of this many characters is billed as: 70 in one, else 67 per part. */
const smsParts = (length: number) => (length <= 70 ? 1 : Math.ceil(length / 67));

describe('DEFAULT_NOTIFICATION_TEMPLATES', () => {
  it('has a text and a subject for every message, each using only its variables', () => {
    expect(Object.keys(DEFAULT_NOTIFICATION_TEMPLATES).sort()).toEqual([...NOTIFICATION_TEMPLATES].sort());
    expect(Object.keys(NOTIFICATION_SUBJECTS).sort()).toEqual([...NOTIFICATION_TEMPLATES].sort());
    expect(parseNotificationTemplates(DEFAULT_NOTIFICATION_TEMPLATES, DEFAULT_NOTIFICATION_TEMPLATES)).toEqual(DEFAULT_NOTIFICATION_TEMPLATES);
    expect(parseNotificationTemplates(NOTIFICATION_SUBJECTS, DEFAULT_NOTIFICATION_TEMPLATES)).toEqual(NOTIFICATION_SUBJECTS);
    for (const subject of Object.values(NOTIFICATION_SUBJECTS)) expect(subject).not.toMatch(/\n/);
  });

  it('gives every resident message its check code or link, and no other message either', () => {
    for (const template of NOTIFICATION_TEMPLATES) {
      const forResident = template.startsWith('resident_');
      expect(NOTIFICATION_TEMPLATE_VARIABLES[template].includes('link')).toBe(forResident);
    }
    expect(DEFAULT_NOTIFICATION_TEMPLATES.resident_receipt).toMatch(/\{checkCode\}.*\{link\}/);
    expect(DEFAULT_NOTIFICATION_TEMPLATES.resident_resolved).toContain('{link}');
  });

  it('fits every SMS, sign name and typical variables included, in one or two parts (lengths in docs/notifications.md)', () => {
    expect(TYPICAL_VARIABLES.link).toHaveLength(40);
    const lengths = Object.fromEntries(
      NOTIFICATION_TEMPLATES.map((template) => [template, (SIGN_NAME + renderNotification(DEFAULT_NOTIFICATION_TEMPLATES[template], TYPICAL_VARIABLES)).length]),
    ) as Record<NotificationTemplate, number>;
    expect(lengths).toEqual({
      resident_receipt: 87,
      resident_dispatched: 70,
      resident_resolved: 66,
      resident_closed: 40,
      task_dispatched: 45,
      deadline_warning: 53,
      deadline_reminder: 55,
      case_escalated_assignee: 37,
      case_escalated_officers: 37,
      council_overdue: 57,
    });
    for (const length of Object.values(lengths)) expect(smsParts(length)).toBeLessThanOrEqual(2);
  });
});

describe('parseNotificationTemplates', () => {
  it('lays the operators’ texts over the defaults', () => {
    const templates = parseNotificationTemplates({ resident_closed: '案件{caseNumber}已办结。' }, DEFAULT_NOTIFICATION_TEMPLATES);
    expect(templates).toEqual({ ...DEFAULT_NOTIFICATION_TEMPLATES, resident_closed: '案件{caseNumber}已办结。' });
    expect(parseNotificationTemplates({}, DEFAULT_NOTIFICATION_TEMPLATES)).toEqual(DEFAULT_NOTIFICATION_TEMPLATES);
  });

  it.each([null, [], '案件已受理', 17])('refuses %p, which is not an object of texts', (json) => {
    expect(() => parseNotificationTemplates(json, DEFAULT_NOTIFICATION_TEMPLATES)).toThrow(/must be a JSON object of template name → text/);
  });

  it('refuses an unknown template, naming it', () => {
    expect(() => parseNotificationTemplates({ resident_receipts: '已受理' }, DEFAULT_NOTIFICATION_TEMPLATES)).toThrow(/"resident_receipts" is not a template \(resident_receipt, /);
  });

  it.each([[''], ['   '], [42], [null], [{ text: '已受理' }]])('refuses %p as a text', (text) => {
    expect(() => parseNotificationTemplates({ resident_receipt: text }, DEFAULT_NOTIFICATION_TEMPLATES)).toThrow(/resident_receipt must be a non-empty text/);
  });

  it('refuses a variable the template does not have, listing those it has', () => {
    expect(() => parseNotificationTemplates({ task_dispatched: '新工单{caseNumber}，居民{phone}' }, DEFAULT_NOTIFICATION_TEMPLATES)).toThrow(
      'notification templates: task_dispatched uses {phone}, not among its variables (caseNumber, category, organisationId, due)',
    );
    // A resident's check code and link belong to resident messages only.
    expect(() => parseNotificationTemplates({ deadline_warning: '{link}' }, DEFAULT_NOTIFICATION_TEMPLATES)).toThrow(/deadline_warning uses \{link\}/);
  });

  it('names every problem at once', () => {
    expect(() => parseNotificationTemplates({ nope: 'x', resident_closed: '', council_overdue: '{x}' }, DEFAULT_NOTIFICATION_TEMPLATES)).toThrow(
      /"nope" is not a template.*; resident_closed must be a non-empty text.*; council_overdue uses \{x\}/,
    );
  });
});

describe('renderNotification', () => {
  it('fills every variable, as often as it appears', () => {
    expect(renderNotification('案件{caseNumber}（{category}）：{caseNumber}', { caseNumber: '5c6d7e8f', category: '电梯故障' })).toBe('案件5c6d7e8f（电梯故障）：5c6d7e8f');
  });

  it('refuses a text whose variables are not all given, naming them', () => {
    expect(() => renderNotification('您的查询码{checkCode}，详见{link}', { checkCode: 'K7M2Q9' })).toThrow(/needs \{link\}, not given/);
  });

  it('takes nothing from the object prototype as a variable', () => {
    expect(() => renderNotification('{constructor}', {})).toThrow(/needs \{constructor\}/);
  });
});
