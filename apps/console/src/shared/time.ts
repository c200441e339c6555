/** Every time on screen is China time, whatever the browser's own zone. */
export const CHINA_TIME_ZONE = 'Asia/Shanghai';

const chinaTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: CHINA_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 2026-03-05 14:30, China time; to the second (14:30:07) where events within one minute must be told apart, as in an audit. */
export function formatTime(iso: string | undefined | null, precision: 'minute' | 'second' = 'minute'): string {
  if (!iso) return '—';
  const parts = Object.fromEntries(chinaTime.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  const minute = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  return precision === 'second' ? `${minute}:${parts.second}` : minute;
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
