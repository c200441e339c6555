import { ExclamationCircleFilled } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Form, Grid, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../api/session';
import { RefusalAlert, useAction, useLoad } from '../../shared/actions';
import { phoneRules } from '../../shared/complaint-rules';
import { loadOrganisations } from '../../shared/directory';
import { useT } from '../../shared/i18n';
import { Result } from '../../shared/result';

type Erased = Schemas['ErasureResponse'];

/**
 * 个人信息删除: at a resident's request, community staff erase the resident's name, phone and unit from
 * the cases of their own community (docs/privacy.md: another community's cases are that community's to erase).
 */
export default function ErasurePage() {
  const t = useT();
  const user = useSession()!;
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [form] = Form.useForm<{ phone: string }>();
  const [confirming, setConfirming] = useState<string>();
  const [erased, setErased] = useState<{ phone: string; answer: Erased }>();
  const directory = useLoad(loadOrganisations, []);
  const community = directory.data?.find((organisation) => organisation.id === user.organisationId)?.name ?? user.organisationId;

  const erase = useAction(
    async (idempotencyKey, residentPhone: string) =>
      unwrap(await api.POST('/privacy/erasure', { body: { phone: residentPhone }, headers: { 'Idempotency-Key': idempotencyKey } })),
    { quiet: true },
  );

  const confirm = async () => {
    const residentPhone = confirming!;
    setConfirming(undefined);
    const answer = await erase.run(residentPhone);
    if (answer) setErased({ phone: residentPhone, answer });
  };

  if (erased) {
    const { answer } = erased;
    return (
      <Card>
        <Result
          status="success"
          title={
            answer.erasuresRecorded > 0
              ? t(`已删除该居民在${community}的个人信息`, `The resident’s personal data is erased from ${community}’s cases`)
              : t('该居民的个人信息此前已删除', 'The resident’s personal data was erased before')
          }
          subTitle={t(
            '姓名、电话和门牌已无法再被任何人读取；案件记录与哈希链保持不变。',
            'No one can read the name, phone and unit any more; the cases and their hash chain stay as they were.',
          )}
          extra={
            <Button
              type="primary"
              onClick={() => {
                setErased(undefined);
                form.resetFields();
              }}
            >
              {t('处理另一位居民', 'Another resident')}
            </Button>
          }
        >
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('涉及本社区案件', 'Cases of your community')}>{answer.casesAffected}</Descriptions.Item>
            <Descriptions.Item label={t('本次记录删除', 'Erasures recorded now')}>{answer.erasuresRecorded}</Descriptions.Item>
            <Descriptions.Item label={t('居民匿名编号', 'Resident’s pseudonym')}>
              <Typography.Text code style={{ wordBreak: 'break-all' }}>
                {answer.subjectId}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Alert
            style={{ marginTop: 16 }}
            type="info"
            showIcon
            message={t(
              '只删除本社区受理的案件中的信息。该居民若在其他社区也有案件，请其向该社区另行申请。',
              'Only the cases your community filed are erased. A resident with cases in other communities asks each of them.',
            )}
          />
        </Result>
      </Card>
    );
  }

  return (
    <Card styles={{ body: { padding: phone ? 12 : 24 } }} style={{ maxWidth: 720 }}>
      <h1 style={{ fontSize: 18, marginTop: 0 }}>{t('个人信息删除', 'Erase a resident’s personal data')}</h1>
      <Typography.Paragraph>
        {t(
          `应居民本人申请，删除其在${community}受理的全部案件中的姓名、电话和门牌。请先核实申请人身份。`,
          `At the resident’s own request, erase their name, phone and unit from every case ${community} filed. Check who is asking first.`,
        )}
      </Typography.Paragraph>
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        message={t('删除后不可恢复', 'This cannot be undone')}
        description={t(
          '案件本身、办理过程和审计记录保留，但任何人（包括本社区）都将无法再看到该居民的个人信息。其他社区的案件不受影响。',
          'The cases, their handling and the audit trail stay; no one, your community included, can see the resident’s data again. Other communities’ cases are not touched.',
        )}
      />
      <Form form={form} layout="vertical" size={phone ? 'large' : 'middle'} onFinish={({ phone: residentPhone }) => setConfirming(residentPhone.trim())}>
        <Form.Item name="phone" label={t('居民联系电话（受理时登记的号码）', 'Resident’s phone (as given when filing)')} rules={phoneRules(t)}>
          <Input inputMode="tel" autoComplete="off" style={{ maxWidth: 320 }} placeholder="13800000000" />
        </Form.Item>
        {erase.error ? (
          <div style={{ marginBottom: 16 }}>
            <RefusalAlert error={erase.error} />
          </div>
        ) : null}
        <Button type="primary" danger htmlType="submit" loading={erase.pending} block={phone}>
          {t('删除个人信息…', 'Erase personal data…')}
        </Button>
      </Form>
      <Modal
        open={confirming !== undefined}
        title={
          <span>
            <ExclamationCircleFilled style={{ color: '#d4380d', marginInlineEnd: 8 }} aria-hidden />
            {t('确认删除个人信息？', 'Erase this personal data?')}
          </span>
        }
        okText={t('确认删除，不可恢复', 'Erase, for good')}
        cancelText={t('取消', 'Cancel')}
        okButtonProps={{ danger: true }}
        onOk={() => void confirm()}
        onCancel={() => setConfirming(undefined)}
      >
        <Typography.Paragraph>
          {t(`电话 ${confirming ?? ''} 的居民在${community}案件中的姓名、电话和门牌将被永久删除。`, `The name, phone and unit of the resident with phone ${confirming ?? ''} will be erased for good from ${community}’s cases.`)}
        </Typography.Paragraph>
        <Typography.Paragraph strong>{t('此操作不可撤销。', 'This cannot be undone.')}</Typography.Paragraph>
      </Modal>
    </Card>
  );
}
