/**
 * The texts of the messages, in Chinese, with `{variable}` placeholders: the defaults below, which
 * operators may override in configuration. Each default stays within an SMS billed as one or two
 * parts with the sign name and typical variables (docs/notifications.md, "Messages and their lengths").
 */
import { NOTIFICATION_TEMPLATES, type NotificationTemplate } from './notification';

/** Filled by the worker at delivery from a secret the log never holds: the resident's check code and the link to their page. */
const DELIVERY_VARIABLES = ['checkCode', 'link'] as const;
const RESIDENT_VARIABLES = ['caseNumber', 'category', ...DELIVERY_VARIABLES] as const;
const ORGANISATION_VARIABLES = ['caseNumber', 'category', 'organisationId'] as const;

/** The variables each template may use: what the policy plans for it (and, for residents, what delivery adds). */
export const NOTIFICATION_TEMPLATE_VARIABLES: Record<NotificationTemplate, readonly string[]> = {
  resident_receipt: RESIDENT_VARIABLES,
  resident_dispatched: [...RESIDENT_VARIABLES, 'assignee'],
  resident_resolved: RESIDENT_VARIABLES,
  resident_closed: RESIDENT_VARIABLES,
  task_dispatched: [...ORGANISATION_VARIABLES, 'due'],
  deadline_warning: [...ORGANISATION_VARIABLES, 'deadline', 'due', 'share'],
  deadline_reminder: [...ORGANISATION_VARIABLES, 'deadline', 'due'],
  case_escalated_assignee: [...ORGANISATION_VARIABLES, 'tier'],
  case_escalated_officers: [...ORGANISATION_VARIABLES, 'tier', 'reason'],
  council_overdue: [...ORGANISATION_VARIABLES, 'tier', 'due'],
};

export const DEFAULT_NOTIFICATION_TEMPLATES: Record<NotificationTemplate, string> = {
  resident_receipt: '您反映的{category}问题已受理，案件号{caseNumber}，查询码{checkCode}，进度查询：{link}',
  resident_dispatched: '您的案件{caseNumber}已交{assignee}处理，进度：{link}',
  resident_resolved: '您的案件{caseNumber}已处理完毕，请评价：{link}',
  resident_closed: '您反映的{category}问题（案件号{caseNumber}）已办结，感谢您的监督。',
  task_dispatched: '新工单：案件{caseNumber}（{category}），请于{due}前签收。',
  deadline_warning: '预警：案件{caseNumber}（{category}）须于{due}前{deadline}，时限已过{share}。',
  deadline_reminder: '催办：案件{caseNumber}（{category}）{deadline}已逾期（时限{due}），请立即处理。',
  case_escalated_assignee: '案件{caseNumber}（{category}）已升级至{tier}督办，请尽快处理。',
  case_escalated_officers: '案件{caseNumber}（{category}）因{reason}升级至{tier}，请督办。',
  council_overdue: '案件{caseNumber}（{category}）议事会逾期未决（时限{due}），已升级至{tier}，请督办。',
};

/** One-line subjects of the emails carrying the messages. */
export const NOTIFICATION_SUBJECTS: Record<NotificationTemplate, string> = {
  resident_receipt: '案件{caseNumber}已受理',
  resident_dispatched: '案件{caseNumber}已派单处理',
  resident_resolved: '案件{caseNumber}已处理完毕，请评价',
  resident_closed: '案件{caseNumber}已办结',
  task_dispatched: '新工单：案件{caseNumber}',
  deadline_warning: '时限预警：案件{caseNumber}',
  deadline_reminder: '催办：案件{caseNumber}',
  case_escalated_assignee: '案件{caseNumber}已升级督办',
  case_escalated_officers: '案件{caseNumber}升级至本级督办',
  council_overdue: '议事会逾期未决：案件{caseNumber}',
};

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * An operators' override file (an object of template name → text) laid over `defaults`; throws an
 * Error naming every unknown template, text that is not a non-empty string, and variable a template may not use.
 */
export function parseNotificationTemplates(json: unknown, defaults: Record<NotificationTemplate, string>): Record<NotificationTemplate, string> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`notification templates: must be a JSON object of template name → text, not ${JSON.stringify(json)}`);
  }
  const problems: string[] = [];
  const templates = { ...defaults };
  for (const [name, text] of Object.entries(json)) {
    if (!isTemplate(name)) {
      problems.push(`"${name}" is not a template (${NOTIFICATION_TEMPLATES.join(', ')})`);
    } else if (typeof text !== 'string' || text.trim() === '') {
      problems.push(`${name} must be a non-empty text, not ${JSON.stringify(text)}`);
    } else {
      const allowed = NOTIFICATION_TEMPLATE_VARIABLES[name];
      const unknown = placeholdersOf(text).filter((variable) => !allowed.includes(variable));
      if (unknown.length > 0) problems.push(`${name} uses {${unknown.join('}, {')}}, not among its variables (${allowed.join(', ')})`);
      else templates[name] = text;
    }
  }
  if (problems.length > 0) throw new Error(`notification templates: ${problems.join('; ')}`);
  return templates;
}

/** The text with every `{variable}` replaced; throws if a variable it uses is not given. */
export function renderNotification(text: string, variables: Readonly<Record<string, string>>): string {
  const missing = placeholdersOf(text).filter((variable) => !Object.hasOwn(variables, variable));
  if (missing.length > 0) throw new Error(`notification text needs {${missing.join('}, {')}}, not given: ${text}`);
  return text.replace(PLACEHOLDER, (_, variable: string) => variables[variable]);
}

function placeholdersOf(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1]))];
}

function isTemplate(name: string): name is NotificationTemplate {
  return (NOTIFICATION_TEMPLATES as readonly string[]).includes(name);
}
