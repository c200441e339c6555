/** Every time on screen is China time, whatever the browser's own zone. */
export const CHINA_TIME_ZONE = 'Asia/Shanghai';

/** China has kept UTC+8 the whole year since its last summer time ended, in September 1991. */
const CHINA_OFFSET_MS = 8 * 3600_000;
const FIXED_OFFSET_SINCE = Date.UTC(1992, 0, 1);

/**
 * Intl's formatter of a time zone costs 30 to 60 ms to build in Chromium (its zone data is loaded
 * then), on the path of every screen's first rows: built only for an instant before 1992.
 */
let chinaTimeBefore1992: Intl.DateTimeFormat | undefined;

function partsBefore1992(date: Date): Record<string, string> {
  chinaTimeBefore1992 ??= new Intl.DateTimeFormat('zh-CN', {
    timeZone: CHINA_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(chinaTimeBefore1992.formatToParts(date).map((part) => [part.type, part.value]));
}

/** 2026-03-05 14:30, China time; to the second (14:30:07) where events within one minute must be told apart, as in an audit. */
export function formatTime(iso: string | undefined | null, precision: 'minute' | 'second' = 'minute'): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  if (date.getTime() < FIXED_OFFSET_SINCE) {
    const parts = partsBefore1992(date);
    const minute = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
    return precision === 'second' ? `${minute}:${parts.second}` : minute;
  }
  // The instant moved by China's offset, read as UTC: 2026-03-05T14:30:07.000Z.
  const shifted = new Date(date.getTime() + CHINA_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, precision === 'second' ? 19 : 16)}`;
}

/** The month (YYYY-MM) in China time. */
export function chinaMonth(date = new Date()): string {
  return formatTime(date.toISOString()).slice(0, 7);
}

/** How far away a deadline is, and how it should look: normal, near (under a quarter of a day, or under 2 h), or passed. */
export interface Countdown {
  state: 'normal' | 'near' | 'passed';
  /** Milliseconds left; negative once passed. */
  leftMs: number;
}

export function countdownTo(dueAt: string, now = Date.now()): Countdown {
  const leftMs = new Date(dueAt).getTime() - now;
  return { leftMs, state: leftMs < 0 ? 'passed' : leftMs < 2 * 3600_000 ? 'near' : 'normal' };
}

/** 2天3小时 / 45分钟 (or 2d 3h / 45m): the size of a duration, unsigned. */
export function formatDuration(ms: number, language: 'zh' | 'en'): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const zh = language === 'zh';
  if (days > 0) return zh ? `${days}天${hours}小时` : `${days}d ${hours}h`;
  if (hours > 0) return zh ? `${hours}小时${rest}分钟` : `${hours}h ${rest}m`;
  return zh ? `${rest}分钟` : `${rest}m`;
}
