import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Drawer, Empty, Flex, Grid, List, Radio, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../api/session';
import { useOrganisations } from '../../features/organisations';
import { RefusalAlert, useLoad } from '../../shared/actions';
import { useLabel, useT, type Label } from '../../shared/i18n';
import { NOTIFICATION_TEMPLATE } from '../../shared/labels';
import { formatTime } from '../../shared/time';

type Message = Schemas['OutboxMessageDto'];
type Channel = Message['channel'];
type OutboxPage = Schemas['OutboxPageDto'];

const CHANNEL: Record<Channel, Label & { colour: string }> = {
  sms: { zh: '短信', en: 'SMS', colour: 'blue' },
  wecom: { zh: '企业微信', en: 'WeCom', colour: 'green' },
};


const PAGE_SIZE = 20;

/** 消息发件箱: what the embedded default sent to residents' phones and organisations' WeCom groups, newest first. */
export default function OutboxPage() {
  const t = useT();
  const label = useLabel();
  const user = useSession();
  const screens = Grid.useBreakpoint();
  const organisations = useOrganisations();
  const district = user ? organisations.get(user.organisationId)?.kind === 'district' : false;
  const [channel, setChannel] = useState<Channel | 'all'>('all');
  const [opened, setOpened] = useState<Message>();

  const query = (cursor?: string) => ({ limit: PAGE_SIZE, ...(channel === 'all' ? {} : { channel }), ...(cursor ? { cursor } : {}) });
  const first = useLoad(async () => unwrap(await api.GET('/admin/outbox', { params: { query: query() } })), [channel]);
  // The older pages, after the first: the cursor of the last one loaded says where the next begins.
  const [older, setOlder] = useState<OutboxPage>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<unknown>();
  useEffect(() => {
    setOlder(undefined);
    setOlderError(undefined);
  }, [first.data]);
  const messages = [...(first.data?.items ?? []), ...(older?.items ?? [])];
  const nextCursor = older ? older.nextCursor : (first.data?.nextCursor ?? null);
  const loadOlder = async () => {
    if (!nextCursor) return;
    setLoadingOlder(true);
    setOlderError(undefined);
    try {
      const page = unwrap(await api.GET('/admin/outbox', { params: { query: query(nextCursor) } }));
      setOlder((before) => ({ items: [...(before?.items ?? []), ...page.items], nextCursor: page.nextCursor }));
    } catch (caught) {
      setOlderError(caught);
    } finally {
      setLoadingOlder(false);
    }
  };

  const recipientOf = (message: Message) =>
    message.channel === 'sms' ? (
      <Typography.Text>{message.recipient}</Typography.Text>
    ) : (
      <Typography.Text>{organisations.get(message.recipient)?.name ?? message.recipient}</Typography.Text>
    );
  const channelTag = (message: Message) => <Tag color={CHANNEL[message.channel].colour}>{label(CHANNEL[message.channel])}</Tag>;
  const openButton = (message: Message, size: 'small' | 'middle' | 'large') => (
    <Button size={size} onClick={() => setOpened(message)} aria-label={t(`查看全文：${label(NOTIFICATION_TEMPLATE[message.template])} ${formatTime(message.createdAt, 'second')}`, `Read all: ${label(NOTIFICATION_TEMPLATE[message.template])} ${formatTime(message.createdAt, 'second')}`)}>
      {t('查看全文', 'Read all')}
    </Button>
  );

  const columns: TableColumnsType<Message> = [
    { title: t('时间', 'Time'), key: 'createdAt', width: 170, render: (_value, message) => formatTime(message.createdAt, 'second') },
    { title: t('渠道', 'Channel'), key: 'channel', width: 100, render: (_value, message) => channelTag(message) },
    { title: t('收件人', 'Recipient'), key: 'recipient', width: 200, render: (_value, message) => recipientOf(message) },
    { title: t('消息类型', 'Message'), key: 'template', width: 170, render: (_value, message) => label(NOTIFICATION_TEMPLATE[message.template]) },
    {
      title: t('内容', 'Text'),
      key: 'text',
      render: (_value, message) => (
        <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
          {message.text}
        </Typography.Paragraph>
      ),
    },
    { title: t('操作', 'Action'), key: 'open', width: 120, render: (_value, message) => openButton(message, 'small') },
  ];

  const empty = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        channel !== 'all'
          ? t(`没有${label(CHANNEL[channel])}消息`, `No ${label(CHANNEL[channel])} messages`)
          : district
            ? t('发件箱是空的：本地模式下，发给居民的短信和发给单位的企业微信消息会出现在这里', 'The outbox is empty: in local mode, texts to residents and WeCom messages to organisations appear here')
            : t('还没有发给本单位的企业微信消息', 'No WeCom messages to your organisation yet')
      }
    />
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={screens.md ? 3 : 4} style={{ margin: 0 }}>
          {t('消息发件箱', 'Outbox')}
        </Typography.Title>
        <Space wrap>
          {/* Other administrators are given WeCom messages only: nothing to choose. */}
          {district ? (
            <Radio.Group
              aria-label={t('渠道', 'Channel')}
              optionType="button"
              buttonStyle="solid"
              value={channel}
              onChange={(event) => setChannel(event.target.value as Channel | 'all')}
              options={[
                { value: 'all', label: t('全部', 'All') },
                { value: 'sms', label: label(CHANNEL.sms) },
                { value: 'wecom', label: label(CHANNEL.wecom) },
              ]}
            />
          ) : null}
          <Button icon={<ReloadOutlined />} onClick={first.reload} loading={first.loading && first.data !== undefined}>
            {t('刷新', 'Refresh')}
          </Button>
        </Space>
      </Flex>
      <Typography.Text type="secondary">
        {district
          ? t('本地模式不连接短信和企业微信服务商：消息存放在这里，不会真正发出。手机号只显示前三位和后四位。', 'Local mode has no SMS or WeCom provider: messages are kept here and not sent. Phones show only their first three and last four digits.')
          : t('这里是发给本单位的企业微信消息；发给居民的短信只有区级管理员可以查看。', 'These are the WeCom messages to your organisation; only the district’s administrators see the texts to residents.')}
      </Typography.Text>
      <RefusalAlert error={first.error} />
      {screens.md ? (
        <Card>
          <Table<Message> rowKey="id" loading={first.loading} dataSource={messages} columns={columns} pagination={false} scroll={{ x: 960 }} locale={{ emptyText: empty }} />
        </Card>
      ) : (
        <List
          loading={first.loading}
          dataSource={messages}
          rowKey="id"
          locale={{ emptyText: empty }}
          renderItem={(message) => (
            <List.Item style={{ padding: 0, border: 0, marginBottom: 8, display: 'block' }} data-message-id={message.id}>
              <Card size="small">
                <Space direction="vertical" size={6} style={{ width: '100%' }}>
                  <Flex justify="space-between" align="center" gap={8} wrap>
                    <Space size={4} wrap>
                      {channelTag(message)}
                      <Typography.Text strong>{label(NOTIFICATION_TEMPLATE[message.template])}</Typography.Text>
                    </Space>
                    <Typography.Text type="secondary">{formatTime(message.createdAt, 'second')}</Typography.Text>
                  </Flex>
                  <Typography.Text>
                    {t('收件人：', 'To: ')}
                    {recipientOf(message)}
                  </Typography.Text>
                  <Typography.Paragraph ellipsis={{ rows: 3 }} style={{ margin: 0 }}>
                    {message.text}
                  </Typography.Paragraph>
                  {openButton(message, 'large')}
                </Space>
              </Card>
            </List.Item>
          )}
        />
      )}
      {olderError ? <RefusalAlert error={olderError} /> : null}
      {nextCursor ? (
        <Flex justify="center">
          <Button onClick={() => void loadOlder()} loading={loadingOlder} size={screens.md ? 'middle' : 'large'}>
            {t('加载更早的消息', 'Load older messages')}
          </Button>
        </Flex>
      ) : null}
      <Drawer
        open={opened !== undefined}
        onClose={() => setOpened(undefined)}
        width={screens.md ? 520 : '100%'}
        title={opened ? label(NOTIFICATION_TEMPLATE[opened.template]) : undefined}
        aria-label={t('消息全文', 'The whole message')}
      >
        {opened ? (
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'channel', label: t('渠道', 'Channel'), children: channelTag(opened) },
                { key: 'recipient', label: t('收件人', 'Recipient'), children: recipientOf(opened) },
                { key: 'time', label: t('时间', 'Time'), children: formatTime(opened.createdAt, 'second') },
                {
                  key: 'key',
                  label: t('投递编号', 'Delivery key'),
                  children: (
                    <Typography.Text type="secondary" style={{ wordBreak: 'break-all' }}>
                      {opened.deliveryKey}
                    </Typography.Text>
                  ),
                },
              ]}
            />
            <Alert
              type="info"
              message={t('消息全文', 'The whole message')}
              description={
                // A link breaks where the width ends; a case number or a check code is not cut in two.
                <Typography.Paragraph copyable={{ text: opened.text, tooltips: [t('复制', 'Copy'), t('已复制', 'Copied')] }} style={{ margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  <LinkedText text={opened.text} />
                </Typography.Paragraph>
              }
            />
          </Space>
        ) : null}
      </Drawer>
    </Space>
  );
}

/** A URL in the text (such as the resident's link in a receipt) as a link, so that it can be followed from here as from the phone. */
const URL_IN_TEXT = /(https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+)/;

function LinkedText({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_IN_TEXT).map((part, index) =>
        // split with a capturing group puts the URLs at the odd places.
        index % 2 === 1 ? (
          // Underlined: inside text, colour alone does not tell a link apart.
          <Typography.Link key={index} href={part} target="_blank" rel="noreferrer" underline>
            {part}
          </Typography.Link>
        ) : (
          part
        ),
      )}
    </>
  );
}
