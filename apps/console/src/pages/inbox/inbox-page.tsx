import { EnvironmentOutlined, ReloadOutlined, WifiOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, Empty, Flex, Skeleton, Space, Spin, Tag, Typography } from 'antd';
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { liveStream } from '../../api/client';
import { DeadlineCountdown } from '../../features/countdown';
import { useOrganisations } from '../../features/organisations';
import { TaskActions } from '../../features/task-actions';
import { refusalTitle, RefusalAlert } from '../../shared/actions';
import { Result } from '../../shared/result';
import { useLabel, useT } from '../../shared/i18n';
import { useScreens } from '../../shared/screens';
import { CATEGORY, STATUS, URGENCY, type CaseStatus } from '../../shared/labels';
import { formatTime } from '../../shared/time';
import { earlyInboxAnswer, fetchInboxPage, takeEarlyInbox, type InboxAnswer, type InboxChanges, type InboxRow } from './inbox-start';

const RUNNING: readonly CaseStatus[] = ['awaiting_sign_for', 'in_progress'];

/** The API's order: the nearest deadline first, stopped clocks after every deadline, then by filing. */
function orderKey(row: InboxRow): [string, string, string] {
  return [row.nextDeadline ?? '~', row.filedAt, row.caseId];
}
function compareRows(a: InboxRow, b: InboxRow): number {
  const [ka, kb] = [orderKey(a), orderKey(b)];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

interface InboxState {
  rows: InboxRow[];
  total: number;
  /** Where the next page starts; null once the last page is loaded. */
  nextCursor: string | null;
  /** Tasks that arrived live since the screen opened, marked as new. */
  arrived: ReadonlySet<string>;
}

/**
 * A change pushed by the API. A row lands in its place if that place is among the rows loaded
 * (or every row is loaded); beyond them it comes with the page it belongs to. A task no longer
 * running (resolved, returned, closed) leaves.
 */
function applyChange(state: InboxState, row: InboxRow): InboxState {
  const had = state.rows.some((shown) => shown.caseId === row.caseId);
  const others = state.rows.filter((shown) => shown.caseId !== row.caseId);
  if (!RUNNING.includes(row.status)) return had ? { ...state, rows: others, total: Math.max(0, state.total - 1) } : state;
  const last = others[others.length - 1];
  const placeLoaded = state.nextCursor === null || (last !== undefined && compareRows(row, last) <= 0);
  if (!placeLoaded) return had ? { ...state, rows: others } : state;
  const at = others.findIndex((shown) => compareRows(row, shown) < 0);
  const rows = at < 0 ? [...others, row] : [...others.slice(0, at), row, ...others.slice(at)];
  const arrived = had ? state.arrived : new Set(state.arrived).add(row.caseId);
  return { ...state, rows, arrived, total: had || state.nextCursor !== null ? state.total : state.total + 1 };
}

function firstPage(page: InboxAnswer): InboxState {
  return { rows: page.items, total: page.total, nextCursor: page.nextCursor, arrived: new Set<string>() };
}

/** A row of cards at desk size, with the gap below it: a card is 149 px high there, more on a phone. */
const CARD_ROW_PX = 160;

/**
 * Cards the first frame draws: a screenful, in two columns on a wide screen (as the list lays them
 * out) or one. The rest of the page follows in the frames after, so that the first rows do not wait
 * for cards below the fold.
 */
function firstScreenful(): number {
  const columns = window.innerWidth >= 1200 ? 2 : 1;
  return columns * Math.max(3, Math.ceil(window.innerHeight / CARD_ROW_PX));
}

function applyRemoval(state: InboxState, caseId: string): InboxState {
  const rows = state.rows.filter((shown) => shown.caseId !== caseId);
  return rows.length === state.rows.length ? state : { ...state, rows, total: Math.max(0, state.total - 1) };
}

/** 待办任务: the organisation's running tasks, live, the nearest deadline first, each with its countdown and actions. */
export default function InboxPage() {
  const t = useT();
  const screens = useScreens();
  // The first page asked for at start-up (inbox-start.ts) may be here already: then the first render shows the rows.
  const [startedWith] = useState(earlyInboxAnswer);
  const [inbox, setInbox] = useState<InboxState | undefined>(() => startedWith && firstPage(startedWith));
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const loadingRef = useRef(false);
  const [drawn, setDrawn] = useState(firstScreenful);
  const allDrawn = !inbox || drawn >= inbox.rows.length;
  const organisations = useOrganisations();

  /** A page of the inbox: the next after `cursor`, or the first (then `asked`, if it was asked for already). */
  const loadPage = useCallback(async (cursor: string | null, asked?: Promise<InboxAnswer>) => {
    if (loadingRef.current) return;
    loadingRef.current = true;
    setLoading(true);
    try {
      const page = await (asked ?? fetchInboxPage(cursor));
      setInbox((before) => {
        if (!cursor || !before) return firstPage(page);
        // A row that moved down meanwhile may come again with a later page: the page's copy is the newer.
        const fresh = new Set(page.items.map((row) => row.caseId));
        return { ...before, rows: [...before.rows.filter((row) => !fresh.has(row.caseId)), ...page.items], total: page.total, nextCursor: page.nextCursor };
      });
      setError(undefined);
    } catch (caught) {
      setError(caught);
    } finally {
      loadingRef.current = false;
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    const changes: InboxChanges = {
      changed(row) {
        setInbox((state) => state && applyChange(state, row));
      },
      removed(caseId) {
        setInbox((state) => state && applyRemoval(state, caseId));
      },
    };
    const early = takeEarlyInbox();
    if (early) {
      // Started at start-up: its page, unless the first render showed it already, then what changed since.
      if (!startedWith || early.answer !== startedWith) void loadPage(null, early.page);
      return early.stream.attach(changes);
    }
    void loadPage(null);
    return liveStream<InboxRow>('/tasks/inbox/stream', changes);
  }, [loadPage, generation, startedWith]);

  // The cards below the first screenful once the first frame is painted, in a transition: rendered in slices, the page stays responsive.
  useEffect(() => {
    if (allDrawn) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setDrawn(Number.POSITIVE_INFINITY)));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [allDrawn]);

  // Infinite scroll: the next page when the end of the list comes into view (once the loaded rows are all drawn).
  const sentinel = useRef<HTMLDivElement>(null);
  const nextCursor = inbox?.nextCursor ?? null;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !nextCursor || !allDrawn) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadPage(nextCursor);
    }, { rootMargin: '400px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [nextCursor, loadPage, allDrawn]);

  const header = (
    <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
      <Space size="small" align="center" wrap>
        <Typography.Title level={screens.md ? 3 : 4} style={{ margin: 0 }}>
          {t('待办任务', 'Inbox')}
        </Typography.Title>
        {inbox ? <Typography.Text type="secondary">{t(`共 ${inbox.total} 件`, `${inbox.total} tasks`)}</Typography.Text> : null}
      </Space>
      <Space size="small">
        <Tag icon={<WifiOutlined />} color="success" style={{ marginInlineEnd: 0 }}>
          {t('实时更新', 'Live')}
        </Tag>
        <Button icon={<ReloadOutlined />} aria-label={t('刷新', 'Refresh')} onClick={() => setGeneration((n) => n + 1)} size={screens.md ? 'middle' : 'large'} />
      </Space>
    </Flex>
  );

  if (!inbox) {
    return (
      <div>
        {header}
        {error ? (
          <Result status="error" title={refusalTitle(error, t)} subTitle={<RefusalAlert error={error} />} extra={<Button onClick={() => setGeneration((n) => n + 1)}>{t('重试', 'Retry')}</Button>} />
        ) : (
          <Skeleton active paragraph={{ rows: 6 }} />
        )}
      </div>
    );
  }

  return (
    <div>
      {header}
      {error ? <Alert type="error" showIcon message={refusalTitle(error, t)} style={{ marginBottom: 12 }} /> : null}
      {inbox.rows.length === 0 ? (
        <Card>
          <Empty description={t('暂无待办任务，新派单会自动出现在这里', 'Nothing to do: new tasks appear here by themselves')} />
        </Card>
      ) : (
        <div role="list" aria-label={t('待办任务列表', 'Tasks')} style={{ display: 'grid', gap: 12, gridTemplateColumns: screens.xl ? 'repeat(2, minmax(0, 1fr))' : 'minmax(0, 1fr)' }}>
          {inbox.rows.slice(0, drawn).map((row) => (
            <div role="listitem" key={row.caseId} data-case-id={row.caseId}>
              <TaskCard row={row} compound={organisations.get(row.compoundId)?.name ?? row.compoundId} fresh={inbox.arrived.has(row.caseId)} />
            </div>
          ))}
        </div>
      )}
      <div ref={sentinel} style={{ padding: 16, textAlign: 'center' }}>
        {loading ? <Spin /> : null}
        {!loading && allDrawn && inbox.nextCursor ? (
          <Button onClick={() => void loadPage(inbox.nextCursor)} size="large">
            {t('加载更多', 'Load more')}
          </Button>
        ) : null}
        {!inbox.nextCursor && inbox.rows.length > 0 ? <Typography.Text type="secondary">{t('已显示全部', 'That is all')}</Typography.Text> : null}
      </div>
    </div>
  );
}

/**
 * The description cut after two lines by CSS alone: antd's `ellipsis={{ rows: 2 }}` clamps the same way
 * but then measures every paragraph for overflow, a forced layout per card (a third of the time the
 * first 30 cards took to render).
 */
const TWO_LINES: React.CSSProperties = { display: '-webkit-box', WebkitBoxOrient: 'vertical', WebkitLineClamp: 2, overflow: 'hidden' };

function TaskCard({ row, compound, fresh }: { row: InboxRow; compound: string; fresh: boolean }) {
  const t = useT();
  const label = useLabel();
  const status = STATUS[row.status];
  const card = (
    <Card
      size="small"
      styles={{ body: { display: 'flex', flexDirection: 'column', gap: 8 } }}
      style={row.overdue ? { borderColor: '#ffa39e' } : undefined}
    >
      <Flex justify="space-between" align="flex-start" gap={8} wrap>
        <Space size={4} wrap>
          <Tag color="blue">{label(CATEGORY[row.category])}</Tag>
          {row.urgency === 'urgent' ? <Tag color="red">{label(URGENCY.urgent)}</Tag> : null}
          <Tag color={status.color}>{label(status)}</Tag>
          {row.redoCount > 0 ? <Tag color="orange">{t(`重办 ${row.redoCount} 次`, `Redone ×${row.redoCount}`)}</Tag> : null}
        </Space>
        <DeadlineCountdown deadlines={row.deadlines} paused={row.clockPaused} />
      </Flex>
      <Typography.Paragraph style={{ margin: 0, fontSize: 15 }}>
        {/* Typography sets its own -webkit-line-clamp (none, without `ellipsis`): the clamp is a box of its own. */}
        <div style={TWO_LINES}>
          <Link to={`/cases/${row.caseId}`}>{row.description}</Link>
        </div>
      </Typography.Paragraph>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        <EnvironmentOutlined /> {compound} · {row.building} · {t('受理', 'filed')} {formatTime(row.filedAt)}
      </Typography.Text>
      <TaskActions caseId={row.caseId} status={row.status} task={row} />
    </Card>
  );
  return fresh ? (
    <Badge.Ribbon text={t('新派单', 'New')} color="volcano">
      {card}
    </Badge.Ribbon>
  ) : (
    card
  );
}
