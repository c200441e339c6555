import { CheckCircleFilled, NumberOutlined, SafetyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Form, Input, Radio, Rate, Skeleton, Space, Steps, Typography } from 'antd';
import createClient from 'openapi-fetch';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ApiError, unwrap, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema';
import { useAction } from '../../shared/actions';
import { useLabel, useT, type Translate } from '../../shared/i18n';
import { CATEGORY } from '../../shared/labels';
import { Result } from '../../shared/result';
import { formatTime } from '../../shared/time';
import { LanguageSwitch } from '../../shell/language-switch';

type ResidentCase = Schemas['ResidentCaseDto'];
type CaseStatus = ResidentCase['status'];

interface Credentials {
  caseNumber: string;
  checkCode: string;
}

interface RatingForm {
  satisfied: boolean;
  rating: number;
  note?: string;
}

/** A client of its own, without the console's: the resident has no session, and staff's token has no business here. */
const residentApi = createClient<paths>({ baseUrl: '' });

const CASE_NUMBER = /^[0-9a-fA-F]{8}$/;
const CHECK_CODE = /^[0-9]{6}$/;
const NOTE_MAX = 500;

/** Where each status stands on the four steps a resident knows: filed, given to someone, dealt with, closed. */
const STEP_OF_STATUS: Record<CaseStatus, number> = {
  not_filed: 0,
  filed: 0,
  duplicate: 0,
  returned: 0,
  awaiting_sign_for: 1,
  in_progress: 1,
  awaiting_redo: 1,
  before_council: 1,
  council_decided: 1,
  resolved: 2,
  closed: 3,
};

/** The status in English; the API says it in Chinese. */
const STATUS_IN_ENGLISH: Record<CaseStatus, string> = {
  not_filed: 'Not filed yet',
  filed: 'Received; an organisation is being chosen to handle it',
  duplicate: 'Received; handled together with the same complaint nearby',
  awaiting_sign_for: 'Given to the organisation handling it, waiting for it to accept',
  in_progress: 'Being handled',
  resolved: 'Dealt with: please rate it',
  awaiting_redo: 'Being arranged to be handled again',
  returned: 'A new organisation is being chosen to handle it',
  before_council: 'Being worked out by the joint council',
  council_decided: 'The joint council has decided; handling is being arranged',
  closed: 'Closed',
};

/**
 * The resident's own page, public and phone-sized: the case number and check code of their SMS (or
 * its link, which carries both) show where their case stands; once it is dealt with, they rate it.
 * Nothing of anyone's personal data, theirs included, beyond what they typed.
 */
export default function ResidentPage() {
  const t = useT();
  const params = useParams<{ caseNumber?: string; checkCode?: string }>();
  const fromLink = CASE_NUMBER.test(params.caseNumber ?? '') && CHECK_CODE.test(params.checkCode ?? '') ? { caseNumber: params.caseNumber!, checkCode: params.checkCode! } : undefined;
  const [form] = Form.useForm<Credentials>();
  const [asked, setAsked] = useState<Credentials>();
  const [shown, setShown] = useState<ResidentCase>();
  const [thanked, setThanked] = useState<boolean>();

  const lookUp = useAction(
    async (_key, credentials: Credentials) => {
      setShown(undefined);
      setThanked(undefined);
      const found = unwrap(await residentApi.POST('/resident/case', { body: credentials }));
      setAsked(credentials);
      setShown(found);
    },
    { quiet: true },
  );
  const rate = useAction(
    async (_key, rating: RatingForm) => {
      const after = unwrap(await residentApi.POST('/resident/case/rating', { body: { ...asked!, ...rating } }));
      setShown(after);
      setThanked(rating.satisfied);
      // The thanks come first on the page, and the button pressed was at its foot.
      window.scrollTo({ top: 0 });
    },
    { quiet: true },
  );

  useEffect(() => {
    if (!fromLink) return;
    form.setFieldsValue(fromLink);
    void lookUp.run(fromLink);
  }, [fromLink?.caseNumber, fromLink?.checkCode]);

  return (
    <main style={{ minHeight: '100vh', background: 'linear-gradient(180deg, #e6f4ff 0%, #f5f5f5 240px)', padding: '16px 12px 40px' }}>
      <Space direction="vertical" size="middle" style={{ width: '100%', maxWidth: 480, margin: '0 auto', display: 'flex' }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('诉求办理查询', 'Your complaint')}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        {shown ? (
          <>
            {thanked !== undefined ? (
              <Card>
                <Result
                  status="success"
                  style={{ padding: '8px 0' }}
                  title={t('感谢您的评价', 'Thank you for your rating')}
                  subTitle={thanked ? t('案件已结案。', 'The case is closed.') : t('我们已收到您的意见，将安排重新处理。', 'We have your comments: the case will be handled again.')}
                />
              </Card>
            ) : null}
            <CaseStanding shown={shown} t={t} />
            {shown.canRate && asked ? <RatingCard t={t} pending={rate.pending} error={rate.error} onRate={(rating) => void rate.run(rating)} /> : null}
            <Button
              block
              size="large"
              onClick={() => {
                setShown(undefined);
                setThanked(undefined);
              }}
            >
              {t('查询其他案件', 'Look up another case')}
            </Button>
          </>
        ) : (
          <>
            <Typography.Text type="secondary">
              {t('输入短信中的案件编号和查询码，查看办理进度并评价。', 'Enter the case number and check code of your SMS to see how your complaint stands, and rate it.')}
            </Typography.Text>
            <Card size="small">
              <Form
                form={form}
                layout="vertical"
                requiredMark={false}
                onFinish={(values) => void lookUp.run({ caseNumber: values.caseNumber.trim(), checkCode: values.checkCode.trim() })}
                disabled={lookUp.pending}
              >
                <Form.Item
                  name="caseNumber"
                  label={t('案件编号', 'Case number')}
                  extra={t('短信中的 8 位字母和数字', 'The 8 letters and digits of your SMS')}
                  rules={[
                    { required: true, message: t('请输入案件编号', 'Enter the case number') },
                    { pattern: CASE_NUMBER, message: t('案件编号为 8 位字母和数字', 'The case number is 8 letters and digits') },
                  ]}
                >
                  <Input prefix={<NumberOutlined />} size="large" maxLength={8} autoComplete="off" autoCapitalize="off" spellCheck={false} />
                </Form.Item>
                <Form.Item
                  name="checkCode"
                  label={t('查询码', 'Check code')}
                  extra={t('短信中的 6 位数字', 'The 6 digits of your SMS')}
                  rules={[
                    { required: true, message: t('请输入查询码', 'Enter the check code') },
                    { pattern: CHECK_CODE, message: t('查询码为 6 位数字', 'The check code is 6 digits') },
                  ]}
                >
                  <Input prefix={<SafetyOutlined />} size="large" maxLength={6} inputMode="numeric" autoComplete="one-time-code" />
                </Form.Item>
                {/* No spinner: the form is disabled while it looks up, and antd leaves a spent spinner (named "loading") inside the button. */}
                <Button type="primary" htmlType="submit" size="large" block>
                  {t('查询', 'Look up')}
                </Button>
              </Form>
            </Card>
            {lookUp.pending ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
            {lookUp.error ? <LookUpRefusal error={lookUp.error} t={t} /> : null}
          </>
        )}
      </Space>
    </main>
  );
}

/** Whatever was wrong, the same words: they must not tell a guesser that a case exists. */
function LookUpRefusal({ error, t }: { error: unknown; t: Translate }) {
  const status = error instanceof ApiError ? error.status : undefined;
  if (status === 429) {
    return <Alert type="warning" showIcon role="alert" message={t('尝试次数过多，请一分钟后再试', 'Too many tries: try again in a minute')} />;
  }
  if (status === 404 || status === 400) {
    return (
      <Alert
        type="error"
        showIcon
        role="alert"
        message={t('案件编号或查询码不正确', 'The case number or check code is not right')}
        description={t('请核对短信中的案件编号和查询码；仍有疑问请联系受理您诉求的社区。', 'Check both against your SMS; if in doubt, ask the community that took your complaint.')}
      />
    );
  }
  return <Alert type="error" showIcon role="alert" message={t('暂时无法查询，请检查网络后重试', 'The page cannot be reached now: check your connection and retry')} />;
}

function CaseStanding({ shown, t }: { shown: ResidentCase; t: Translate }) {
  const label = useLabel();
  const step = STEP_OF_STATUS[shown.status];
  const closed = shown.status === 'closed';
  const statusText = t(shown.statusText, STATUS_IN_ENGLISH[shown.status]);
  return (
    <Card
      data-testid="resident-case"
      title={
        <Space size={6} wrap>
          <span>{label(CATEGORY[shown.category], shown.categoryText)}</span>
          <Typography.Text type="secondary" style={{ fontWeight: 'normal', fontSize: 13 }}>
            {t('编号', 'No.')} {shown.caseNumber}
          </Typography.Text>
        </Space>
      }
    >
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        <Alert
          type={closed ? 'success' : 'info'}
          showIcon
          icon={closed ? <CheckCircleFilled /> : undefined}
          message={<span data-testid="resident-status">{statusText}</span>}
        />
        <Steps
          direction="vertical"
          size="small"
          current={step}
          status={closed ? 'finish' : 'process'}
          items={[
            { title: t('已受理', 'Received'), description: `${shown.communityName} · ${formatTime(shown.filedAt)}` },
            {
              title: t('已派单', 'Given to an organisation'),
              description: shown.handledBy ? `${shown.handledBy}${shown.dispatchedAt ? ` · ${formatTime(shown.dispatchedAt)}` : ''}` : undefined,
            },
            { title: t('已处理', 'Dealt with'), description: shown.resolvedAt ? formatTime(shown.resolvedAt) : undefined },
            { title: t('已结案', 'Closed'), description: shown.closedAt ? formatTime(shown.closedAt) : undefined },
          ]}
        />
        <Descriptions size="small" column={1} bordered styles={{ label: { whiteSpace: 'nowrap' } }}>
          <Descriptions.Item label={t('受理社区', 'Received by')}>{shown.communityName}</Descriptions.Item>
          <Descriptions.Item label={t('承办单位', 'Handled by')}>{shown.handledBy ?? t('尚未派单', 'Not given to anyone yet')}</Descriptions.Item>
          {shown.resolutionNote ? (
            <Descriptions.Item label={t('处理结果', 'What was done')}>
              <Typography.Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>{shown.resolutionNote}</Typography.Paragraph>
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      </Space>
    </Card>
  );
}

/**
 * A choice the form needs, checked by a validator rather than `required`: a required rule puts
 * aria-required on the radio group's and the stars' containers, which their roles do not allow.
 */
function chosen(message: string) {
  return {
    validator: async (_rule: unknown, value: unknown) => {
      if (value === undefined || value === null || value === 0) throw new Error(message);
    },
  };
}

function RatingCard({ t, pending, error, onRate }: { t: Translate; pending: boolean; error: unknown; onRate(rating: RatingForm): void }) {
  const [form] = Form.useForm<RatingForm>();
  return (
    <Card title={t('请您评价', 'Rate how it was handled')} data-testid="resident-rating">
      <Form form={form} layout="vertical" requiredMark={false} onFinish={onRate} disabled={pending}>
        <Form.Item name="satisfied" label={t('您对处理结果满意吗？', 'Are you satisfied with the result?')} rules={[chosen(t('请选择满意或不满意', 'Choose satisfied or not'))]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            size="large"
            style={{ display: 'flex' }}
            options={[
              { value: true, label: t('满意', 'Satisfied'), style: { flex: 1, textAlign: 'center' } },
              { value: false, label: t('不满意', 'Not satisfied'), style: { flex: 1, textAlign: 'center' } },
            ]}
          />
        </Form.Item>
        <Form.Item name="rating" label={t('评分（1–5 星）', 'Rating (1–5 stars)')} rules={[chosen(t('请评分', 'Give a rating'))]}>
          <Rate aria-label={t('评分', 'Rating')} style={{ fontSize: 32 }} />
        </Form.Item>
        <Form.Item name="note" label={t('意见（选填）', 'Comments (optional)')} rules={[{ max: NOTE_MAX, message: t(`不超过 ${NOTE_MAX} 字`, `At most ${NOTE_MAX} characters`) }]}>
          <Input.TextArea rows={3} maxLength={NOTE_MAX} showCount />
        </Form.Item>
        {error ? (
          <Form.Item>
            <Alert
              type="error"
              showIcon
              role="alert"
              message={
                error instanceof ApiError && error.status === 409
                  ? t('案件状态已变化，请重新查询', 'The case changed meanwhile: look it up again')
                  : error instanceof ApiError && (error.status === 404 || error.status === 429)
                    ? t('案件编号或查询码不正确，或尝试次数过多', 'The case number or check code is not right, or there were too many tries')
                    : t('提交失败，请检查网络后重试', 'Could not send: check your connection and retry')
              }
            />
          </Form.Item>
        ) : null}
        <Button type="primary" htmlType="submit" size="large" block loading={pending}>
          {t('提交评价', 'Send')}
        </Button>
      </Form>
    </Card>
  );
}
