import { FallOutlined, RiseOutlined } from '@ant-design/icons';
import { Alert, Card, Col, Empty, Flex, Grid, List, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../api/session';
import { Chart, type ChartOption } from '../../features/chart';
import { RefusalAlert, useLoad } from '../../shared/actions';
import { useLabel, useLanguage, useT, type Label } from '../../shared/i18n';
import { CATEGORY, type Category, type Role } from '../../shared/labels';
import { chinaMonth } from '../../shared/time';

type Level = Schemas['RatesReportDto']['level'];
type Unit = Schemas['UnitRatesDto'];
type Grouping = Schemas['CaseCountsDto']['by'];

const LEVEL: Record<Level, Label> = {
  property_company: { zh: '物业公司', en: 'Property companies' },
  community: { zh: '社区', en: 'Communities' },
  street: { zh: '街道', en: 'Streets' },
};

/** The 红黑榜 is the supervisors' tool (GET /rates/ranking); the case counts follow the case list (GET /rates/case-counts). */
const RANKING_ROLES: readonly Role[] = ['street_officer', 'district_officer', 'auditor'];
const CASE_COUNT_ROLES: readonly Role[] = ['community_staff', 'street_officer', 'district_officer', 'auditor'];

/** The last twelve months, China time, this one first. */
function recentMonths(): string[] {
  const [year, month] = chinaMonth().split('-').map(Number);
  return Array.from({ length: 12 }, (_, back) => {
    const index = year * 12 + month - 1 - back;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** 三率与红黑榜: the month's three rates of each unit of a level, the red and black lists, and the cases in charts. */
export default function MeasuresPage() {
  const t = useT();
  const user = useSession();
  const screens = Grid.useBreakpoint();
  const months = useMemo(recentMonths, []);
  const [month, setMonth] = useState(months[0]);
  const companyOnly = user?.role === 'property_company';
  const [level, setLevel] = useState<Level>('property_company');
  const mayRank = user !== undefined && RANKING_ROLES.includes(user.role);
  const mayCount = user !== undefined && CASE_COUNT_ROLES.includes(user.role);

  const rates = useLoad(async () => unwrap(await api.GET('/rates', { params: { query: { month, level } } })), [month, level]);
  const ranking = useLoad(async () => (mayRank ? unwrap(await api.GET('/rates/ranking', { params: { query: { month, level, size: 3 } } })) : undefined), [month, level, mayRank]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={screens.md ? 3 : 4} style={{ margin: 0 }}>
          {t('三率与红黑榜', 'Rates and rankings')}
        </Typography.Title>
        <Space wrap>
          <Select aria-label={t('月份', 'Month')} value={month} onChange={setMonth} style={{ width: 130 }} options={months.map((value) => ({ value, label: value }))} />
          {companyOnly ? null : (
            <Segmented<Level>
              aria-label={t('统计层级', 'Level')}
              value={level}
              onChange={setLevel}
              options={(Object.keys(LEVEL) as Level[]).map((value) => ({ value, label: t(LEVEL[value].zh, LEVEL[value].en) }))}
            />
          )}
        </Space>
      </Flex>
      <Typography.Text type="secondary">
        {t(
          '响应率 = 按时签收的任务 / 派发的任务；解决率 = 办结满意的案件 / (结案 + 逾期未办结)；满意率 = 满意回访 / 回访次数。',
          'Response = tasks signed for in time / tasks given; resolution = cases resolved / (closed + open past deadline); satisfaction = satisfied call-backs / call-backs.',
        )}
      </Typography.Text>

      {rates.error ? <RefusalAlert error={rates.error} /> : null}
      {companyOnly ? <OwnRates unit={rates.data?.units[0]} loading={rates.loading} /> : <RatesTable units={rates.data?.units ?? []} loading={rates.loading} />}

      {mayRank ? (
        ranking.error ? (
          <RefusalAlert error={ranking.error} />
        ) : (
          <Row gutter={[16, 16]}>
            <Col xs={24} md={12}>
              <RankingCard kind="red" units={ranking.data?.red ?? []} loading={ranking.loading} />
            </Col>
            <Col xs={24} md={12}>
              <RankingCard kind="black" units={ranking.data?.black ?? []} loading={ranking.loading} />
            </Col>
          </Row>
        )
      ) : null}

      {rates.data && rates.data.units.length > 0 && !companyOnly ? <RatesChart units={rates.data.units} /> : null}
      {mayCount ? <CaseCharts /> : null}
    </Space>
  );
}

function OwnRates({ unit, loading }: { unit: Unit | undefined; loading: boolean }) {
  const t = useT();
  if (!loading && !unit) return <Card><Empty description={t('本月暂无统计', 'No figures this month')} /></Card>;
  return (
    <Card loading={loading} title={unit?.name}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}><Statistic title={t('响应率', 'Response')} value={percent(unit?.responseRate ?? null)} /></Col>
        <Col xs={12} md={6}><Statistic title={t('解决率', 'Resolution')} value={percent(unit?.resolutionRate ?? null)} /></Col>
        <Col xs={12} md={6}><Statistic title={t('满意率', 'Satisfaction')} value={percent(unit?.satisfactionRate ?? null)} /></Col>
        <Col xs={12} md={6}><Statistic title={t('综合得分 / 排名', 'Score / rank')} value={unit?.score === null || unit?.score === undefined ? '—' : unit.score.toFixed(1)} suffix={unit?.rank ? t(`第 ${unit.rank} 名`, `#${unit.rank}`) : undefined} /></Col>
      </Row>
    </Card>
  );
}

function RatesTable({ units, loading }: { units: Unit[]; loading: boolean }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  return (
    <Card title={t('三率', 'The three rates')} styles={{ body: { padding: screens.md ? 24 : 8 } }}>
      <Table<Unit>
        rowKey="unitId"
        size={screens.md ? 'middle' : 'small'}
        loading={loading}
        dataSource={units}
        pagination={units.length > 20 ? { pageSize: 20 } : false}
        scroll={{ x: 640 }}
        locale={{ emptyText: <Empty description={t('本月暂无统计', 'No figures this month')} /> }}
        columns={[
          { title: t('排名', 'Rank'), dataIndex: 'rank', width: 64, render: (rank: number | null) => rank ?? '—' },
          { title: t('单位', 'Unit'), dataIndex: 'name', ellipsis: true },
          { title: t('响应率', 'Response'), dataIndex: 'responseRate', render: (rate: number | null, unit) => <RateCell rate={rate} of={`${unit.tasksSignedForInTime}/${unit.tasksAssigned}`} /> },
          { title: t('解决率', 'Resolution'), dataIndex: 'resolutionRate', render: (rate: number | null, unit) => <RateCell rate={rate} of={`${unit.casesResolved}/${unit.casesClosed + unit.casesOpenPastDeadline}`} /> },
          { title: t('满意率', 'Satisfaction'), dataIndex: 'satisfactionRate', render: (rate: number | null, unit) => <RateCell rate={rate} of={`${unit.callBacksSatisfied}/${unit.callBacksMade}`} /> },
          { title: t('综合得分', 'Score'), dataIndex: 'score', width: 96, render: (score: number | null) => (score === null ? '—' : <Typography.Text strong>{score.toFixed(1)}</Typography.Text>) },
        ]}
      />
    </Card>
  );
}

function RateCell({ rate, of }: { rate: number | null; of: string }) {
  return (
    <Space size={4}>
      <span>{percent(rate)}</span>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        ({of})
      </Typography.Text>
    </Space>
  );
}

function RankingCard({ kind, units, loading }: { kind: 'red' | 'black'; units: Unit[]; loading: boolean }) {
  const t = useT();
  const red = kind === 'red';
  return (
    <Card
      loading={loading}
      title={
        <Space>
          {red ? <RiseOutlined style={{ color: '#cf1322' }} /> : <FallOutlined />}
          {red ? t('红榜', 'Red list') : t('黑榜', 'Black list')}
        </Space>
      }
      styles={{ header: { background: red ? '#fff1f0' : '#f5f5f5' } }}
      data-ranking={kind}
    >
      {units.length === 0 ? (
        <Empty description={t('暂无上榜单位', 'No unit on this list')} />
      ) : (
        <List
          dataSource={units}
          renderItem={(unit, index) => (
            <List.Item extra={<Typography.Text strong>{unit.score === null ? '—' : unit.score.toFixed(1)}</Typography.Text>}>
              <Space>
                <Tag color={red ? 'red' : 'default'}>{index + 1}</Tag>
                <span>{unit.name}</span>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

function RatesChart({ units }: { units: Unit[] }) {
  const t = useT();
  const shown = units.slice(0, 12);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (value) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—') },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: 'category', data: shown.map((unit) => unit.name), axisLabel: { interval: 0, width: 90, overflow: 'truncate' } },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: (
        [
          ['responseRate', t('响应率', 'Response')],
          ['resolutionRate', t('解决率', 'Resolution')],
          ['satisfactionRate', t('满意率', 'Satisfaction')],
        ] as const
      ).map(([key, name]) => ({ type: 'bar' as const, name, barMaxWidth: 40, data: shown.map((unit) => (unit[key] === null ? null : Math.round(unit[key]! * 1000) / 10)) })),
    }),
    [units, t],
  );
  return (
    <Card title={t('三率对比', 'The rates compared')}>
      <Chart option={option} description={t('各单位三率柱状图', 'Bar chart of each unit’s three rates')} />
    </Card>
  );
}

/** Cases filed over the last year in the caller's case list, by category, compound and month. */
function CaseCharts() {
  const t = useT();
  const label = useLabel();
  const { language } = useLanguage();
  const wide = Grid.useBreakpoint().md ?? true;
  const count = (by: Grouping) => async () => unwrap(await api.GET('/rates/case-counts', { params: { query: { by } } }));
  const byCategory = useLoad(count('category'), []);
  const byCompound = useLoad(count('compound'), []);
  const byMonth = useLoad(count('month'), []);
  const error = byCategory.error ?? byCompound.error ?? byMonth.error;

  const categoryOption = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          center: ['50%', '45%'],
          // On a phone the labels would not fit beside the pie: the legend and tooltips tell.
          label: { show: wide, formatter: '{b}: {c}' },
          data: (byCategory.data?.counts ?? []).map(({ key, count: value }) => ({ name: label(CATEGORY[key as Category], key), value })),
        },
      ],
    }),
    [byCategory.data, language, wide],
  );
  const compoundOption = useMemo<ChartOption>(() => {
    const counts = (byCompound.data?.counts ?? []).slice(0, 15).reverse();
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: counts.map(({ name }) => name) },
      series: [{ type: 'bar', name: t('案件数', 'Cases'), data: counts.map(({ count: value }) => value), itemStyle: { color: '#1677ff' }, barMaxWidth: 28, label: { show: true, position: 'right' } }],
    };
  }, [byCompound.data, language]);
  const monthOption = useMemo<ChartOption>(() => {
    const counts = byMonth.data?.counts ?? [];
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: counts.map(({ key }) => key.slice(2)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'line', name: t('受理案件', 'Cases filed'), data: counts.map(({ count: value }) => value), areaStyle: { opacity: 0.15 }, symbolSize: 7 }],
    };
  }, [byMonth.data, language]);

  const none = t('近一年暂无案件', 'No case in the last year');
  return (
    <>
      {error ? <Alert type="error" showIcon message={t('案件统计加载失败', 'The case figures could not be loaded')} description={<RefusalAlert error={error} />} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('近一年案件：按类别', 'Cases of the last year by category')} loading={byCategory.loading && !byCategory.data}>
            <Chart option={categoryOption} description={t('按类别统计的案件数饼图', 'Pie chart of cases by category')} empty={byCategory.data?.total === 0} emptyText={none} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('近一年案件：按小区', 'Cases of the last year by compound')} loading={byCompound.loading && !byCompound.data}>
            <Chart option={compoundOption} description={t('按小区统计的案件数条形图', 'Bar chart of cases by compound')} empty={byCompound.data?.total === 0} emptyText={none} />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('每月受理案件', 'Cases filed each month')} loading={byMonth.loading && !byMonth.data}>
            <Chart option={monthOption} description={t('每月受理案件数折线图', 'Line chart of cases filed each month')} height={260} empty={byMonth.data?.total === 0} emptyText={none} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
