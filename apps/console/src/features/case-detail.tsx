import { ClockCircleOutlined, PauseCircleOutlined } from '@ant-design/icons';
import { Alert, Card, Descriptions, Empty, Grid, Image, Skeleton, Space, Spin, Steps, Tag, Timeline, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, fetchPhoto, unwrap, type Schemas } from '../api/client';
import { useSession, type SignedIn } from '../api/session';
import { refusalTitle, useLoad } from '../shared/actions';
import { Result } from '../shared/result';
import { useLabel, useLanguage, useT, type Label } from '../shared/i18n';
import { CATEGORY, CHANNEL, CLOSING_REASON, ESCALATION_REASON, EVENT_TYPE, ORGANISATION_KIND, RETURN_REASON, ROLE, STATUS, TIER, URGENCY, type Tier } from '../shared/labels';
import { countdownTo, formatDuration, formatTime } from '../shared/time';
import { CaseActions } from './case-actions';
import { COUNTDOWN_COLOUR, DEADLINE_KIND, useNow, type DeadlineKind } from './countdown';
import { useOrganisations, type Organisation } from './organisations';
import { TaskActions } from './task-actions';

type CaseView = Schemas['CaseViewDto'];
type TimelineEntry = Schemas['TimelineEntryDto'];

const TIERS: readonly Tier[] = ['community', 'street', 'district'];

/**
 * A case as its page shows it, and as the supervision drawer does: where it stands, its deadlines,
 * the resident (in full only when the API gives it), the actions the user may take, the photos and
 * its course tier by tier. Reloads after each action.
 */
export function CaseDetail({ caseId, onChanged }: { caseId: string; onChanged?(): void }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const view = useLoad(() => api.GET('/cases/{caseId}', { params: { path: { caseId } } }).then(unwrap), [caseId]);
  const timeline = useLoad(() => api.GET('/cases/{caseId}/timeline', { params: { path: { caseId } } }).then(unwrap), [caseId]);
  const directory = useOrganisations();
  const organisations = useMemo(() => [...directory.values()], [directory]);
  const user = useSession();

  if (view.error) {
    return <Result status={view.error && (view.error as { status?: number }).status === 404 ? '404' : 'error'} title={refusalTitle(view.error, t)} />;
  }
  if (!view.data) return <Skeleton active paragraph={{ rows: 8 }} />;
  const current = view.data;
  const reload = () => {
    view.reload();
    timeline.reload();
    onChanged?.();
  };

  return (
    <Space direction="vertical" size={screens.md ? 'middle' : 'small'} style={{ width: '100%' }}>
      <CaseHeader view={current} organisations={organisations} />
      <CaseNotices view={current} organisations={organisations} />
      <Card title={t('办理操作', 'Actions')} size="small">
        {holdsTheTask(current, user) ? (
          <TaskActions caseId={current.caseId} status={current.status} task={current.task ? { ...current.task, clockPaused: Boolean(current.paused) } : null} onDone={reload} />
        ) : (
          <CaseActions view={current} organisations={organisations} onDone={reload} />
        )}
      </Card>
      <Card title={t('证据照片', 'Evidence photos')} size="small">
        <EvidencePhotos hashes={current.evidence} />
      </Card>
      <Card title={t('办理过程', 'Course of the case')} size="small" extra={timeline.loading ? <Spin size="small" /> : null}>
        {timeline.error ? <Alert type="error" showIcon message={refusalTitle(timeline.error, t)} /> : <CaseTimeline entries={timeline.data ?? []} tier={current.tier} organisations={organisations} />}
      </Card>
    </Space>
  );
}

function nameOf(organisations: readonly Organisation[], id: string | undefined | null): string {
  if (!id) return '—';
  return organisations.find((organisation) => organisation.id === id)?.name ?? id;
}

function CaseHeader({ view, organisations }: { view: CaseView; organisations: readonly Organisation[] }) {
  const t = useT();
  const label = useLabel();
  const screens = Grid.useBreakpoint();
  const status = STATUS[view.status];
  return (
    <Card
      title={
        <Space wrap size={[8, 4]}>
          <span>{`${label(CATEGORY[view.category])} · ${nameOf(organisations, view.location.compoundId)} ${view.location.building}`}</span>
        </Space>
      }
      size="small"
    >
      <Space wrap size={[6, 6]} style={{ marginBottom: 12 }} aria-label={t('案件状态', 'Case status')}>
        <Tag color={status.color}>{label(status)}</Tag>
        <Tag color={view.tier === 'community' ? 'default' : 'red'}>{t(`${label(TIER[view.tier])}办理`, `At the ${label(TIER[view.tier])}`)}</Tag>
        <Tag color={view.urgency === 'urgent' ? 'red' : 'default'}>{label(URGENCY[view.urgency])}</Tag>
        {view.paused ? (
          <Tag icon={<PauseCircleOutlined />} color="warning">
            {t('计时已暂停', 'Clock paused')}
          </Tag>
        ) : null}
        {view.redoCount > 0 ? <Tag color="orange">{t(`重办 ${view.redoCount} 次`, `Redone ${view.redoCount}×`)}</Tag> : null}
      </Space>
      <Descriptions size="small" column={screens.lg ? 3 : screens.sm ? 2 : 1} bordered={Boolean(screens.md)}>
        <Descriptions.Item label={t('问题类别', 'Category')}>{label(CATEGORY[view.category])}</Descriptions.Item>
        <Descriptions.Item label={t('小区', 'Compound')}>{nameOf(organisations, view.location.compoundId)}</Descriptions.Item>
        <Descriptions.Item label={t('社区', 'Community')}>{nameOf(organisations, view.location.communityId)}</Descriptions.Item>
        <Descriptions.Item label={t('楼栋', 'Building')}>
          {view.location.building}
          {view.location.unit ? ` ${view.location.unit}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('来源', 'Channel')}>{label(CHANNEL[view.channel])}</Descriptions.Item>
        <Descriptions.Item label={t('受理时间', 'Filed')}>{formatTime(view.filedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('居民', 'Resident')}>
          <Resident resident={view.resident} />
        </Descriptions.Item>
        <Descriptions.Item label={t('承办单位', 'Assignee')}>
          {view.task ? `${nameOf(organisations, view.task.assigneeOrganisationId)}（${label(ORGANISATION_KIND[view.task.assigneeKind])}）` : t('尚未派单', 'Not dispatched')}
        </Descriptions.Item>
        <Descriptions.Item label={t('案件编号', 'Case number')}>
          <Typography.Text strong copyable>
            {view.caseNumber}
          </Typography.Text>
          <Typography.Text type="secondary" copyable style={{ display: 'block', fontSize: 12, wordBreak: 'break-all' }}>
            {view.caseId}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('诉求内容', 'Complaint')} span={screens.lg ? 3 : screens.sm ? 2 : 1}>
          <Typography.Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>{view.description}</Typography.Paragraph>
        </Descriptions.Item>
        {view.task && view.status !== 'closed' ? (
          <Descriptions.Item label={t('办理时限', 'Deadlines')} span={screens.lg ? 3 : screens.sm ? 2 : 1}>
            <Deadlines deadlines={view.task.deadlines} paused={Boolean(view.paused)} signedFor={view.task.signedFor} />
          </Descriptions.Item>
        ) : null}
      </Descriptions>
    </Card>
  );
}

function Resident({ resident }: { resident: CaseView['resident'] }) {
  const t = useT();
  if (resident.erased) return <Typography.Text type="secondary">{t('个人信息已按居民要求删除', 'Erased at the resident’s request')}</Typography.Text>;
  if (resident.name && !resident.masked) {
    return (
      <span>
        {resident.name} <Typography.Text copyable>{resident.phone}</Typography.Text>
      </span>
    );
  }
  if (resident.name) return <span>{`${resident.name} ${resident.phone ?? ''}`}</span>;
  return <Typography.Text type="secondary">{t('已隐藏（仅社区与承办单位可见）', 'Hidden (community staff and the assignee only)')}</Typography.Text>;
}

/** Each open deadline with its due time and how long is left, coloured as it nears and passes. */
function Deadlines({ deadlines, paused, signedFor }: { deadlines: Schemas['TaskDeadlinesDto']; paused: boolean; signedFor: boolean }) {
  const t = useT();
  const { language } = useLanguage();
  const label = useLabel();
  const now = useNow();
  const kinds = (Object.keys(DEADLINE_KIND) as DeadlineKind[]).filter((kind) => deadlines[kind]);
  if (kinds.length === 0) return <Typography.Text type="secondary">{t('无待办时限', 'No open deadline')}</Typography.Text>;
  return (
    <Space direction="vertical" size={2}>
      {kinds.map((kind) => {
        const due = deadlines[kind]!.due;
        const { state, leftMs } = countdownTo(due, now);
        const size = formatDuration(leftMs, language);
        const left = paused ? t('计时已暂停', 'clock paused') : state === 'passed' ? t(`已超时 ${size}`, `overdue by ${size}`) : t(`剩余 ${size}`, `${size} left`);
        return (
          <span key={kind} data-deadline={kind} data-countdown={paused ? 'paused' : state}>
            <Typography.Text strong>{label(DEADLINE_KIND[kind])}</Typography.Text>
            {` ${formatTime(due)} · `}
            <Typography.Text strong={!paused && state !== 'normal'} style={{ color: paused ? undefined : COUNTDOWN_COLOUR[state] }}>
              {paused ? <PauseCircleOutlined /> : <ClockCircleOutlined />} {left}
            </Typography.Text>
          </span>
        );
      })}
      {signedFor ? null : <Typography.Text type="secondary">{t('承办单位尚未签收', 'Not signed for yet')}</Typography.Text>}
    </Space>
  );
}

/** What stands in the case's way now: a paused clock, a return, an extension request, a council, a merge, the closing. */
function CaseNotices({ view, organisations }: { view: CaseView; organisations: readonly Organisation[] }) {
  const t = useT();
  const label = useLabel();
  const notices = [];
  if (view.paused) {
    notices.push(<Alert key="paused" type="warning" showIcon message={t(`计时自 ${formatTime(view.paused.since)} 起暂停`, `Clock paused since ${formatTime(view.paused.since)}`)} description={view.paused.reason} />);
  }
  if (view.status === 'returned' && view.lastReturn) {
    notices.push(
      <Alert
        key="returned"
        type="warning"
        showIcon
        message={t(`${nameOf(organisations, view.lastReturn.by)} 退单：${label(RETURN_REASON[view.lastReturn.reason])}`, `Returned by ${nameOf(organisations, view.lastReturn.by)}: ${label(RETURN_REASON[view.lastReturn.reason])}`)}
      />,
    );
  }
  if (view.task?.extensionRequest && view.status !== 'closed') {
    const { extension, reason } = view.task.extensionRequest;
    const asked = extension.hours !== undefined ? t(`${extension.hours} 小时`, `${extension.hours} hours`) : t(`${extension.workingDays} 个工作日`, `${extension.workingDays} working days`);
    notices.push(<Alert key="extension" type="info" showIcon message={t(`承办单位申请延期 ${asked}`, `The assignee asks for ${asked} more`)} description={reason} />);
  }
  // An escalation for overdue deadlines renews them rather than being recorded in escalatedFor.
  if (view.tier !== 'community' && view.status !== 'closed') {
    notices.push(
      <Alert
        key="escalated"
        type="error"
        showIcon
        message={t(`已升级至${label(TIER[view.tier])}督办`, `Escalated to the ${label(TIER[view.tier])}`)}
        description={view.escalatedFor.length > 0 ? view.escalatedFor.map((reason) => label(ESCALATION_REASON[reason])).join('、') : undefined}
      />,
    );
  }
  if (view.council) {
    const { council } = view;
    notices.push(
      <Alert
        key="council"
        type="info"
        showIcon
        message={t(`${label(ORGANISATION_KIND[council.kind])}议题：${council.question}`, `${label(ORGANISATION_KIND[council.kind])}: ${council.question}`)}
        description={
          <Space direction="vertical" size={0}>
            <span>{t(`应于 ${formatTime(council.decideBy)} 前作出决议`, `To decide by ${formatTime(council.decideBy)}`)}</span>
            <span>{council.sessionId ? t('已召开会议', 'A session was convened') : t('尚未召开会议', 'No session yet')}</span>
            {council.decision ? (
              <span>
                {t(
                  `决议：${council.decision.text}（${nameOf(organisations, council.decision.assignee.organisationId)}，${formatTime(council.decision.dueBy)} 前完成）`,
                  `Decision: ${council.decision.text} (${nameOf(organisations, council.decision.assignee.organisationId)}, by ${formatTime(council.decision.dueBy)})`,
                )}
              </span>
            ) : null}
          </Space>
        }
      />,
    );
  }
  if (view.duplicateOf) {
    notices.push(
      <Alert
        key="duplicate"
        type="info"
        showIcon
        message={
          <span>
            {t('本案已并入 ', 'Merged into ')}
            <Link to={`/cases/${view.duplicateOf}`}>{t('主案件', 'the primary case')}</Link>
          </span>
        }
      />,
    );
  }
  if (view.status === 'closed' && view.closedReason) {
    notices.push(<Alert key="closed" type="success" showIcon message={t(`已结案：${label(CLOSING_REASON[view.closedReason])}`, `Closed: ${label(CLOSING_REASON[view.closedReason])}`)} />);
  }
  if (notices.length === 0) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {notices}
    </Space>
  );
}

/** The assignee acts on its task with the inbox's actions (sign for, report, resolve, return, extension). */
function holdsTheTask(view: CaseView, user: SignedIn | undefined): boolean {
  return Boolean(user && view.task && view.status !== 'closed' && user.role === view.task.assigneeKind && user.organisationId === view.task.assigneeOrganisationId);
}

/** A grey frame with a picture's outline, for a photo the browser cannot decode (its magic number said image, its bytes do not). */
const UNREADABLE_PHOTO = `data:image/svg+xml;utf8,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" fill="#f0f0f0"/><path d="M24 66 L42 44 L54 58 L62 50 L72 66 Z" fill="#bfbfbf"/><circle cx="64" cy="34" r="6" fill="#bfbfbf"/></svg>',
)}`;

/** Thumbnails of the evidence, fetched with the token; a click enlarges them. */
function EvidencePhotos({ hashes }: { hashes: string[] }) {
  const t = useT();
  const [urls, setUrls] = useState<Record<string, string | null>>({});
  useEffect(() => {
    let current = true;
    const made: string[] = [];
    for (const hash of hashes) {
      fetchPhoto(hash).then(
        (url) => {
          made.push(url);
          if (current) setUrls((before) => ({ ...before, [hash]: url }));
          else URL.revokeObjectURL(url);
        },
        () => current && setUrls((before) => ({ ...before, [hash]: null })),
      );
    }
    return () => {
      current = false;
      made.forEach((url) => URL.revokeObjectURL(url));
    };
  }, [hashes.join()]);
  if (hashes.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('暂无照片', 'No photos')} />;
  return (
    <Image.PreviewGroup>
      <Space wrap>
        {hashes.map((hash, index) => {
          const url = urls[hash];
          if (url === undefined) return <Skeleton.Image key={hash} active style={{ width: 96, height: 96 }} />;
          if (url === null) return <Tag key={hash}>{t('照片无法显示', 'Photo unavailable')}</Tag>;
          return (
            <Image
              key={hash}
              src={url}
              fallback={UNREADABLE_PHOTO}
              width={96}
              height={96}
              style={{ objectFit: 'cover', borderRadius: 4 }}
              alt={t(`证据照片 ${index + 1}`, `Evidence photo ${index + 1}`)}
            />
          );
        })}
      </Space>
    </Image.PreviewGroup>
  );
}

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;
const CASE_ID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

/** The codes the timeline's summaries hold, as the console names them. */
const CODES: Record<string, Label> = {
  ...CATEGORY,
  ...CHANNEL,
  ...RETURN_REASON,
  ...CLOSING_REASON,
  ...ESCALATION_REASON,
  ...DEADLINE_KIND,
  ...TIER,
  satisfied: { zh: '满意', en: 'satisfied' },
  not_satisfied: { zh: '不满意', en: 'not satisfied' },
  unreachable: { zh: '联系不上', en: 'unreachable' },
};

/** The English words between the summaries' facts, for a Chinese reader. */
const CONNECTIVES: Array<[RegExp, string]> = [
  [/; sign for by /g, '；签收期限 '],
  [/, resolve by /g, '，办结期限 '],
  [/; resolve by /g, '；办结期限 '],
  [/; decide by /g, '；决议期限 '],
  [/, supervised by /g, '，督办单位 '],
  [/ missed the (\S+) deadline of /g, ' 未在期限内完成$1：'],
  [/ with (\d+) members/g, '，$1 名成员'],
  [/, rating (\d)/g, '，$1 星'],
  [/ \(requested\)/g, '（应申请）'],
  [/ \((\d+) photos?\)/g, '（$1 张照片）'],
  [/ (?:back )?to /g, ' → '],
  [/ via /g, ' · '],
  [/ at /g, ' · '],
  [/ by /g, ' '],
  [/duplicate of /g, '重复于 '],
  [/ from /g, ' '],
];

/** The timeline's summary, its instants in China time, organisations by name, and (in Chinese) its codes and words too. */
function readable(summary: string, organisations: readonly Organisation[], language: 'zh' | 'en'): string {
  let text = summary.replace(ISO_INSTANT, (instant) => formatTime(instant)).replace(CASE_ID, (caseId) => caseId.slice(-8));
  // Longest first: a company's id holds its compound's (pc-beichen-aoyuan, beichen-aoyuan).
  for (const organisation of [...organisations].sort((a, b) => b.id.length - a.id.length)) {
    if (text.includes(organisation.id)) text = text.replace(new RegExp(`(?<![\\w-])${organisation.id.replace(/[-]/g, '\\-')}(?![\\w-])`, 'g'), organisation.name);
  }
  if (language === 'en') return text;
  for (const [pattern, replacement] of CONNECTIVES) text = text.replace(pattern, replacement);
  return text.replace(/\b[a-z]+(?:_[a-z]+)*\b/g, (word) => CODES[word]?.zh ?? word);
}

function colourOf(type: string): string {
  if (type === 'CaseClosed' || type === 'TaskResolved') return 'green';
  if (type === 'CaseEscalated' || type === 'DeadlineReminderSent') return 'red';
  if (type === 'TaskReturned' || type === 'TaskRedoOrdered' || type === 'ClockPaused') return 'orange';
  if (type.startsWith('Council') || type === 'CaseReferredToCouncil') return 'purple';
  return 'blue';
}

/** The course of the case, tier by tier (社区 → 街道 → 区), the tier handling it now marked. */
function CaseTimeline({ entries, tier, organisations }: { entries: TimelineEntry[]; tier: Tier; organisations: readonly Organisation[] }) {
  const t = useT();
  const { language } = useLanguage();
  const label = useLabel();
  const screens = Grid.useBreakpoint();
  const reached = TIERS.indexOf(tier);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Steps
        size="small"
        direction={screens.sm ? 'horizontal' : 'vertical'}
        current={reached}
        items={TIERS.map((each, index) => ({
          title: label(TIER[each]),
          status: index < reached ? 'finish' : index === reached ? 'process' : 'wait',
          description: t(`${entries.filter((entry) => entry.tier === each).length} 条记录`, `${entries.filter((entry) => entry.tier === each).length} entries`),
        }))}
      />
      {entries.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('暂无记录', 'Nothing yet')} /> : null}
      {TIERS.filter((each) => entries.some((entry) => entry.tier === each)).map((each) => (
        <section key={each} aria-label={t(`${label(TIER[each])}阶段`, `${label(TIER[each])} tier`)}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t(`${label(TIER[each])}阶段`, `${label(TIER[each])} tier`)}
          </Typography.Title>
          <Timeline
            items={entries
              .filter((entry) => entry.tier === each)
              .map((entry) => ({
                key: entry.revision,
                color: colourOf(entry.type),
                children: (
                  <div data-event={entry.type}>
                    <Space wrap size={[8, 0]}>
                      <Typography.Text strong>{label(EVENT_TYPE[entry.type], entry.type)}</Typography.Text>
                      <Typography.Text type="secondary">{formatTime(entry.at)}</Typography.Text>
                      <Typography.Text type="secondary">
                        {entry.actorRole === 'system'
                          ? t('系统', 'System')
                          : entry.actorRole === 'resident'
                            ? t('居民本人', 'The resident')
                            : `${label(ROLE[entry.actorRole])} · ${nameOf(organisations, entry.actorOrganisationId)}`}
                      </Typography.Text>
                    </Space>
                    <div style={{ wordBreak: 'break-word' }}>{readable(entry.summary, organisations, language)}</div>
                  </div>
                ),
              }))}
          />
        </section>
      ))}
    </Space>
  );
}
