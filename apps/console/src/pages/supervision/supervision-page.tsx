import { Alert, Badge, Button, Card, Drawer, Empty, Grid, List, Radio, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, liveStream, unwrap, type Schemas } from '../../api/client';
import { CaseDetail } from '../../features/case-detail';
import { DeadlineCountdown } from '../../features/countdown';
import { refusalTitle, useLoad } from '../../shared/actions';
import { useOrganisations } from '../../features/organisations';
import { useLabel, useT, type Label } from '../../shared/i18n';
import { CATEGORY, STATUS, TIER } from '../../shared/labels';
import { formatTime } from '../../shared/time';

type Row = Schemas['SupervisionRowDto'];
type Queue = Row['queues'][number];

const QUEUES: Record<Queue, Label & { colour: string }> = {
  overdue: { zh: '超时未办', en: 'Overdue', colour: 'red' },
  escalated: { zh: '升级督办', en: 'Escalated', colour: 'volcano' },
  disputed: { zh: '退单与联席会', en: 'Disputed', colour: 'purple' },
};
const QUEUE_ORDER: readonly Queue[] = ['escalated', 'overdue', 'disputed'];
const PAGE_SIZE = 20;
/** Changes come in bursts (an escalation moves many rows at once): one reload per burst. */
const SETTLE_MS = 400;

/** 督办队列: the jurisdiction's overdue, escalated and disputed cases, kept live; a row opens the case with the tier's actions. */
export default function SupervisionPage() {
  const t = useT();
  const label = useLabel();
  const screens = Grid.useBreakpoint();
  const [queue, setQueue] = useState<Queue>('escalated');
  const [page, setPage] = useState(1);
  const [opened, setOpened] = useState<string>();
  const choose = (next: Queue) => {
    setQueue(next);
    setPage(1);
  };
  const list = useLoad(() => api.GET('/supervision', { params: { query: { queue, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } } }).then(unwrap), [queue, page]);
  const counts = useLoad(
    () =>
      Promise.all(QUEUE_ORDER.map((each) => api.GET('/supervision', { params: { query: { queue: each, limit: 1 } } }).then(unwrap))).then((pages) =>
        Object.fromEntries(QUEUE_ORDER.map((each, index) => [each, pages[index].total])) as Record<Queue, number>,
      ),
    [],
  );
  const directory = useOrganisations();
  const nameOf = (id: string | null) => (id ? (directory.get(id)?.name ?? id) : '—');

  const reloads = useRef({ list: list.reload, counts: counts.reload });
  reloads.current = { list: list.reload, counts: counts.reload };
  const [live, setLive] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        reloads.current.list();
        reloads.current.counts();
      }, SETTLE_MS);
    };
    const stop = liveStream<Row>('/supervision/stream', { changed: settle, removed: settle });
    setLive(true);
    return () => {
      clearTimeout(timer);
      stop();
      setLive(false);
    };
  }, []);

  const columns: TableColumnsType<Row> = [
    {
      title: t('案件', 'Case'),
      key: 'case',
      width: 250,
      render: (_value, row) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{`${nameOf(row.compoundId)} ${row.building}`}</Typography.Text>
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 230 }}>
            {row.description}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('类别与状态', 'Category and status'),
      key: 'status',
      width: 190,
      render: (_value, row) => (
        <Space size={4} wrap>
          <Tag>{label(CATEGORY[row.category])}</Tag>
          <Tag color={STATUS[row.status].color}>{label(STATUS[row.status])}</Tag>
          <Tag color={row.tier === 'community' ? 'default' : 'red'}>{label(TIER[row.tier])}</Tag>
        </Space>
      ),
    },
    { title: t('时限', 'Deadline'), key: 'deadline', width: 220, render: (_value, row) => <DeadlineCountdown deadlines={row.deadlines} paused={row.clockPaused} /> },
    {
      title: t('所在队列', 'Queues'),
      key: 'queues',
      width: 170,
      render: (_value, row) => (
        <Space size={4} wrap>
          {row.queues.map((each) => (
            <Tag key={each} color={QUEUES[each].colour}>
              {label(QUEUES[each])}
            </Tag>
          ))}
        </Space>
      ),
    },
    { title: t('承办单位', 'Assignee'), key: 'assignee', width: 190, render: (_value, row) => nameOf(row.assigneeOrganisationId) },
    { title: t('受理时间', 'Filed'), key: 'filedAt', width: 150, render: (_value, row) => formatTime(row.filedAt) },
    {
      title: t('操作', 'Action'),
      key: 'open',
      width: 100,
      fixed: screens.md ? 'right' : undefined,
      render: (_value, row) => (
        <Button type="primary" size={screens.md ? 'middle' : 'large'} onClick={() => setOpened(row.caseId)} aria-label={t(`督办 ${nameOf(row.compoundId)} ${row.building}`, `Supervise ${row.building}`)}>
          {t('督办', 'Supervise')}
        </Button>
      ),
    },
  ];

  const pagination = { current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false, showTotal: (total: number) => t(`共 ${total} 件`, `${total} cases`) };
  return (
    <Card
      title={t('督办队列', 'Supervision')}
      size={screens.md ? 'default' : 'small'}
      extra={<Badge status={live ? 'processing' : 'default'} text={live ? t('实时更新', 'Live') : t('未连接', 'Offline')} />}
    >
      {screens.md ? (
        <Tabs
          activeKey={queue}
          onChange={(key) => choose(key as Queue)}
          items={QUEUE_ORDER.map((each) => ({
            key: each,
            label: (
              <Space size={6}>
                {label(QUEUES[each])}
                <Badge count={counts.data?.[each] ?? 0} showZero overflowCount={999} color={counts.data?.[each] ? QUEUES[each].colour : '#8c8c8c'} />
              </Space>
            ),
          }))}
        />
      ) : (
        // Three tabs overflow a phone's width into a "more" menu; buttons wrap instead.
        <Radio.Group
          aria-label={t('队列', 'Queue')}
          optionType="button"
          buttonStyle="solid"
          size="large"
          value={queue}
          onChange={(event) => choose(event.target.value as Queue)}
          options={QUEUE_ORDER.map((each) => ({ value: each, label: `${label(QUEUES[each])} ${counts.data?.[each] ?? ''}` }))}
          style={{ marginBottom: 12 }}
        />
      )}
      {list.error ? <Alert type="error" showIcon message={refusalTitle(list.error, t)} style={{ marginBottom: 12 }} /> : null}
      {screens.md ? (
        <Table<Row>
          rowKey="caseId"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading && !list.data}
          scroll={{ x: 1270 }}
          locale={{ emptyText: <Empty description={t('此队列中没有案件', 'No case in this queue')} /> }}
          pagination={pagination}
        />
      ) : (
        // A phone shows each case as a card in one column, its button as wide as the screen.
        <List<Row>
          dataSource={list.data?.items ?? []}
          loading={list.loading && !list.data}
          locale={{ emptyText: <Empty description={t('此队列中没有案件', 'No case in this queue')} /> }}
          pagination={pagination}
          renderItem={(row) => (
            <List.Item key={row.caseId} style={{ display: 'block' }}>
              <Space direction="vertical" size={6} style={{ width: '100%' }}>
                <Typography.Text strong>{`${nameOf(row.compoundId)} ${row.building}`}</Typography.Text>
                <Typography.Text type="secondary">{row.description}</Typography.Text>
                <Space size={4} wrap>
                  <Tag>{label(CATEGORY[row.category])}</Tag>
                  <Tag color={STATUS[row.status].color}>{label(STATUS[row.status])}</Tag>
                  <Tag color={row.tier === 'community' ? 'default' : 'red'}>{label(TIER[row.tier])}</Tag>
                  {row.queues.map((each) => (
                    <Tag key={each} color={QUEUES[each].colour}>
                      {label(QUEUES[each])}
                    </Tag>
                  ))}
                </Space>
                <DeadlineCountdown deadlines={row.deadlines} paused={row.clockPaused} />
                <Typography.Text type="secondary">{t(`承办单位：${nameOf(row.assigneeOrganisationId)}`, `Assignee: ${nameOf(row.assigneeOrganisationId)}`)}</Typography.Text>
                <Button type="primary" size="large" block onClick={() => setOpened(row.caseId)} aria-label={t(`督办 ${nameOf(row.compoundId)} ${row.building}`, `Supervise ${row.building}`)}>
                  {t('督办', 'Supervise')}
                </Button>
              </Space>
            </List.Item>
          )}
        />
      )}
      <Drawer
        open={opened !== undefined}
        onClose={() => setOpened(undefined)}
        width={screens.md ? 760 : '100%'}
        title={t('督办案件', 'Supervise the case')}
        aria-label={t('督办案件', 'Supervise the case')}
        extra={opened ? <Link to={`/cases/${opened}`}>{t('打开案件页', 'Open the case page')}</Link> : null}
        destroyOnClose
      >
        {opened ? (
          <CaseDetail
            caseId={opened}
            onChanged={() => {
              list.reload();
              counts.reload();
            }}
          />
        ) : null}
      </Drawer>
    </Card>
  );
}
