import { ClockCircleOutlined, PauseCircleOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import { useSyncExternalStore } from 'react';
import type { Schemas } from '../api/client';
import { useLanguage, useT, type Label } from '../shared/i18n';
import { countdownTo, formatDuration } from '../shared/time';

type Deadlines = Schemas['TaskDeadlinesDto'];
export type DeadlineKind = keyof Deadlines;

export const DEADLINE_KIND: Record<DeadlineKind, Label> = {
  sign_for: { zh: '签收', en: 'Sign-for' },
  first_reply: { zh: '首次答复', en: 'First reply' },
  resolve: { zh: '办结', en: 'Resolve' },
};

/**
 * One clock for every countdown on screen: each subscribes to it, so a tick redraws the countdowns
 * only, not the rows around them, however many rows are loaded.
 */
const TICK_MS = 1_000;
const subscribers = new Set<() => void>();
let now = Date.now();
let ticker: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  subscribers.add(listener);
  ticker ??= setInterval(() => {
    now = Date.now();
    for (const notify of subscribers) notify();
  }, TICK_MS);
  return () => {
    subscribers.delete(listener);
    if (subscribers.size === 0 && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** The open deadline due first, and which one it is. */
export function nearestDeadline(deadlines: Deadlines): { kind: DeadlineKind; due: string } | undefined {
  let nearest: { kind: DeadlineKind; due: string } | undefined;
  for (const kind of Object.keys(DEADLINE_KIND) as DeadlineKind[]) {
    const due = deadlines[kind]?.due;
    if (due && (!nearest || Date.parse(due) < Date.parse(nearest.due))) nearest = { kind, due };
  }
  return nearest;
}

/** Contrast-safe colours on white (WCAG AA) for a deadline that nears and one that passed. */
export const COUNTDOWN_COLOUR = { normal: undefined, near: '#ad4e00', passed: '#cf1322' } as const;

/** 签收 剩余 1小时20分钟, orange under 2 h, red and 已超时 once passed; 计时已暂停 while the clock stands. */
export function DeadlineCountdown({ deadlines, paused }: { deadlines: Deadlines; paused: boolean }) {
  const t = useT();
  const { language } = useLanguage();
  const current = useNow();
  const nearest = nearestDeadline(deadlines);
  if (paused) {
    return (
      <Typography.Text type="secondary" data-countdown="paused">
        <PauseCircleOutlined /> {t('计时已暂停', 'Clock paused')}
      </Typography.Text>
    );
  }
  if (!nearest) return <Typography.Text type="secondary">{t('无待办时限', 'No open deadline')}</Typography.Text>;
  const { state, leftMs } = countdownTo(nearest.due, current);
  const kind = DEADLINE_KIND[nearest.kind][language];
  const size = ticking(leftMs, language);
  const text = state === 'passed' ? t(`${kind}已超时 ${size}`, `${kind} overdue by ${size}`) : t(`${kind}剩余 ${size}`, `${kind}: ${size} left`);
  return (
    <Typography.Text strong={state !== 'normal'} style={{ color: COUNTDOWN_COLOUR[state], whiteSpace: 'nowrap' }} data-countdown={state} role="timer">
      <ClockCircleOutlined /> {text}
    </Typography.Text>
  );
}

/** Within the last hour the seconds count too, so that the clerk sees the clock run. */
function ticking(leftMs: number, language: 'zh' | 'en'): string {
  const size = formatDuration(leftMs, language);
  if (Math.abs(leftMs) >= 3600_000) return size;
  const seconds = Math.floor(Math.abs(leftMs) / 1000) % 60;
  return language === 'zh' ? `${size}${seconds}秒` : `${size} ${seconds}s`;
}
