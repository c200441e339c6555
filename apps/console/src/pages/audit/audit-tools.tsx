import { Tooltip, Typography } from 'antd';
import { apiErrorOf } from '../../api/client';
import { session } from '../../api/session';
import { useLoad } from '../../shared/actions';
import { loadOrganisations } from '../../shared/directory';
import { useLabel, useT, type Label, type Translate } from '../../shared/i18n';
import { ROLE, type Role } from '../../shared/labels';
import { formatTime } from '../../shared/time';

/** Organisation names by id, for showing who acted instead of an id; ids stand in until they load. */
export function useOrganisationNames(): (id: string | undefined | null) => string {
  const { data } = useLoad(loadOrganisations, []);
  const names = new Map((data ?? []).map((organisation) => [organisation.id, organisation.name]));
  return (id) => (id ? names.get(id) ?? id : '—');
}

const SYSTEM: Label = { zh: '系统（案件流程）', en: 'System (case workflow)' };
const RESIDENT: Label = { zh: '居民（本人评价）', en: 'Resident (own rating)' };

/** The role of an actor of the log, which may be the case workflow itself. */
export function useActorRole(): (role: Role | 'system' | 'resident') => string {
  const label = useLabel();
  return (role) => label(role === 'system' ? SYSTEM : role === 'resident' ? RESIDENT : ROLE[role], role);
}


/** A SHA-256 shortened to its first and last characters; the whole of it on hover, and copied by its button. */
export function HashText({ hash, label }: { hash: string; label: string }) {
  const t = useT();
  const short = `${hash.slice(0, 8)}…${hash.slice(-6)}`;
  return (
    <Tooltip title={<span style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{hash}</span>}>
      <Typography.Text
        code
        style={{ whiteSpace: 'nowrap' }}
        aria-label={`${label} ${hash}`}
        copyable={{ text: hash, tooltips: [t('复制', 'Copy'), t('已复制', 'Copied')] }}
      >
        {short}
      </Typography.Text>
    </Tooltip>
  );
}

/** What the verifier found, in the reader's language; the verifier's own words stay beside it. */
export function problemMeaning(problem: string, t: Translate): string {
  if (/content does not match its hash/.test(problem)) return t('内容与哈希不符：该事件被篡改', 'Content does not match its hash: the event was altered');
  if (/previous hash/.test(problem)) return t('前一哈希不符：前面的事件被删除、插入、调换或篡改', 'Previous hash does not match: an event before it was removed, inserted, reordered or altered');
  if (/revision|missing|reordered/.test(problem)) return t('版本号不连续：有事件缺失或顺序错乱', 'Revisions not contiguous: an event is missing or out of order');
  if (/global position/.test(problem)) return t('全局位置未递增', 'Global positions do not increase');
  return t('校验发现问题', 'Verification found a problem');
}

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportSelection {
  format: ExportFormat;
  caseId?: string;
  /** ISO-8601 bounds on when the events were recorded. */
  from?: string;
  to?: string;
}

/**
 * Downloads GET /audit/export: a link cannot carry the token, so the file is fetched, then saved
 * from a blob under a name that says what it holds and when it was taken (China time).
 */
export async function downloadExport(selection: ExportSelection): Promise<string> {
  const query = new URLSearchParams({ format: selection.format });
  for (const name of ['caseId', 'from', 'to'] as const) {
    const value = selection[name];
    if (value) query.set(name, value);
  }
  const token = session.current()?.accessToken;
  const response = await fetch(`/audit/export?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status === 401) session.expire();
  if (!response.ok) throw apiErrorOf(response.status, await response.json().catch(() => undefined));
  const blob = await response.blob();
  const taken = formatTime(new Date().toISOString(), 'second').replace(/[-: ]/g, '').replace(/^(\d{8})/, '$1-');
  const fileName = `yixin-audit-${selection.caseId ? `case-${selection.caseId}` : 'log'}-${taken}.${selection.format}`;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The click hands the blob to the download before this turn ends; a moment later it may go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return fileName;
}
