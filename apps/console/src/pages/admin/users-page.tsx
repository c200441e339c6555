import { KeyOutlined, PlusOutlined, StopOutlined, CheckCircleOutlined, CrownOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Empty, Flex, Form, Grid, Input, List, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../api/session';
import { organisationsUnder, useOrganisations, type Organisation } from '../../features/organisations';
import { RefusalAlert, useAction, useLoad } from '../../shared/actions';
import { useLabel, useT } from '../../shared/i18n';
import { ORGANISATION_KIND, ROLE, type OrganisationKind, type Role } from '../../shared/labels';

type User = Schemas['AdministeredUserDto'];
type PersonRole = User['role'];

/** The roles each kind of organisation has (the API refuses any other); centers and compounds have no users. */
const ROLES_OF_KIND: Partial<Record<OrganisationKind, PersonRole[]>> = {
  district: ['district_officer', 'auditor'],
  street: ['street_officer'],
  community: ['community_staff'],
  property_company: ['property_company'],
  owners_committee: ['owners_committee'],
  property_council: ['council_member'],
  owners_council: ['council_member'],
};

/** The API's rule for usernames (USERNAME_PATTERN): 3–64 of a-z 0-9 . _ -, a letter or digit first. */
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

interface NewUserForm {
  username: string;
  displayName: string;
  role: PersonRole;
  password: string;
  isAdministrator?: boolean;
}

/** 用户管理: an administrator's organisation's users (a district's administrators: any organisation under the district). */
export default function UsersPage() {
  const t = useT();
  const label = useLabel();
  const user = useSession();
  const screens = Grid.useBreakpoint();
  const organisations = useOrganisations();
  const own = user ? organisations.get(user.organisationId) : undefined;
  const district = own?.kind === 'district';
  const [chosen, setChosen] = useState<string>();
  const organisationId = chosen ?? user?.organisationId ?? '';
  const organisation = organisations.get(organisationId);
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<User>();

  const users = useLoad(
    async () => unwrap(await api.GET('/admin/users', { params: { query: organisationId === user?.organisationId ? {} : { organisationId } } })),
    [organisationId],
  );

  const choices = useMemo(
    () => (district && user ? organisationsUnder(user.organisationId, organisations).filter((candidate) => ROLES_OF_KIND[candidate.kind] !== undefined) : []),
    [district, user, organisations],
  );

  const update = useAction(
    async (key, username: string, changes: { disabled?: boolean; isAdministrator?: boolean }) =>
      unwrap(await api.PATCH('/admin/users/{username}', { params: { path: { username }, header: { 'Idempotency-Key': key } }, body: changes })),
    { success: t('已保存', 'Saved') },
  );
  const change = async (username: string, changes: { disabled?: boolean; isAdministrator?: boolean }) => {
    if (await update.run(username, changes)) users.reload();
  };

  const actionsOf = (row: User) => {
    // Administrators cannot disable themselves or drop their own flag: not offered.
    const self = row.userId === user?.userId;
    const buttonSize = screens.md ? 'small' : 'middle';
    return (
      <Space size={4} wrap>
        {self ? null : row.disabled ? (
          <Button size={buttonSize} icon={<CheckCircleOutlined />} onClick={() => void change(row.username, { disabled: false })} aria-label={t(`启用 ${row.username}`, `Enable ${row.username}`)}>
            {t('启用', 'Enable')}
          </Button>
        ) : (
          <Popconfirm
            title={t(`停用 ${row.username}？其登录将立即失效。`, `Disable ${row.username}? They are signed out at once.`)}
            okText={t('停用', 'Disable')}
            cancelText={t('取消', 'Cancel')}
            onConfirm={() => void change(row.username, { disabled: true })}
          >
            <Button size={buttonSize} danger icon={<StopOutlined />} aria-label={t(`停用 ${row.username}`, `Disable ${row.username}`)}>
              {t('停用', 'Disable')}
            </Button>
          </Popconfirm>
        )}
        <Button size={buttonSize} icon={<KeyOutlined />} onClick={() => setResetting(row)} aria-label={t(`重置密码 ${row.username}`, `Reset password ${row.username}`)}>
          {t('重置密码', 'Reset password')}
        </Button>
        {self ? null : (
          <Popconfirm
            title={row.isAdministrator ? t('取消其管理员权限？', 'Take their administration away?') : t('设为管理员？可管理本组织用户。', 'Make them an administrator of this organisation’s users?')}
            okText={t('确定', 'OK')}
            cancelText={t('取消', 'Cancel')}
            onConfirm={() => void change(row.username, { isAdministrator: !row.isAdministrator })}
          >
            <Button size={buttonSize} icon={<CrownOutlined />} aria-label={row.isAdministrator ? t(`取消管理员 ${row.username}`, `Drop admin ${row.username}`) : t(`设为管理员 ${row.username}`, `Make admin ${row.username}`)}>
              {row.isAdministrator ? t('取消管理员', 'Drop admin') : t('设为管理员', 'Make admin')}
            </Button>
          </Popconfirm>
        )}
      </Space>
    );
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={screens.md ? 3 : 4} style={{ margin: 0 }}>
          {t('用户管理', 'Users')}
        </Typography.Title>
        <Space wrap>
          {district ? (
            <Select
              aria-label={t('组织', 'Organisation')}
              showSearch
              optionFilterProp="label"
              value={organisationId}
              onChange={setChosen}
              style={{ minWidth: screens.md ? 320 : 240 }}
              options={choices.map((candidate) => ({ value: candidate.id, label: `${candidate.name}（${label(ORGANISATION_KIND[candidate.kind])}）` }))}
            />
          ) : (
            <Typography.Text strong>{organisation?.name ?? organisationId}</Typography.Text>
          )}
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={!organisation || !ROLES_OF_KIND[organisation.kind]}>
            {t('新增用户', 'Add a user')}
          </Button>
        </Space>
      </Flex>
      {users.error ? <RefusalAlert error={users.error} /> : null}
      {update.error ? <RefusalAlert error={update.error} /> : null}
      {!screens.md ? (
        <List
          loading={users.loading}
          dataSource={users.data ?? []}
          rowKey="username"
          locale={{ emptyText: <Empty description={t('暂无用户', 'No users')} /> }}
          renderItem={(row) => (
            <List.Item style={{ padding: 0, border: 0, marginBottom: 8, display: 'block' }} data-username={row.username}>
              <Card size="small">
                <Space direction="vertical" size={6} style={{ width: '100%' }}>
                  <Flex justify="space-between" align="center" gap={8} wrap>
                    <Typography.Text strong>{row.displayName}</Typography.Text>
                    {row.disabled ? <Tag color="default">{t('已停用', 'Disabled')}</Tag> : <Tag color="green">{t('启用', 'Active')}</Tag>}
                  </Flex>
                  <Typography.Text code>{row.username}</Typography.Text>
                  <Space size={4} wrap>
                    <Tag>{label(ROLE[row.role])}</Tag>
                    {row.isAdministrator ? <Tag color="gold">{t('管理员', 'Admin')}</Tag> : null}
                  </Space>
                  {actionsOf(row)}
                </Space>
              </Card>
            </List.Item>
          )}
        />
      ) : (
        <Card>
          <Table<User>
            rowKey="username"
            loading={users.loading}
            dataSource={users.data ?? []}
            pagination={(users.data?.length ?? 0) > 20 ? { pageSize: 20 } : false}
            scroll={{ x: 720 }}
            columns={[
              { title: t('用户名', 'Username'), dataIndex: 'username', render: (username: string) => <Typography.Text code>{username}</Typography.Text> },
              { title: t('姓名', 'Name'), dataIndex: 'displayName' },
              {
                title: t('角色', 'Role'),
                dataIndex: 'role',
                render: (role: Role, row) => (
                  <Space size={4} wrap>
                    <Tag>{label(ROLE[role])}</Tag>
                    {row.isAdministrator ? <Tag color="gold">{t('管理员', 'Admin')}</Tag> : null}
                  </Space>
                ),
              },
              {
                title: t('状态', 'Status'),
                dataIndex: 'disabled',
                render: (disabled: boolean) => (disabled ? <Tag color="default">{t('已停用', 'Disabled')}</Tag> : <Tag color="green">{t('启用', 'Active')}</Tag>),
              },
              {
                title: t('操作', 'Actions'),
                key: 'actions',
                render: (_, row) => actionsOf(row),
              },
            ]}
          />
        </Card>
      )}
      {adding && organisation ? (
        <NewUserModal
          organisation={organisation}
          sendOrganisation={organisationId !== user?.organisationId}
          onClose={() => setAdding(false)}
          onDone={() => {
            setAdding(false);
            users.reload();
          }}
        />
      ) : null}
      {resetting ? <PasswordModal user={resetting} onClose={() => setResetting(undefined)} /> : null}
    </Space>
  );
}

function usePasswordRules(username: () => string | undefined) {
  const t = useT();
  return [
    { required: true, message: t('请输入密码', 'Enter a password') },
    { min: 10, message: t('密码至少 10 个字符', 'At least 10 characters') },
    { max: 200, message: t('密码不能超过 200 个字符', 'At most 200 characters') },
    {
      validator: async (_: unknown, value: string | undefined) => {
        const name = username();
        if (value && name && value.toLowerCase().includes(name.toLowerCase())) throw new Error(t('密码不能包含用户名', 'The password must not contain the username'));
      },
    },
  ];
}

function NewUserModal({ organisation, sendOrganisation, onClose, onDone }: { organisation: Organisation; sendOrganisation: boolean; onClose(): void; onDone(): void }) {
  const t = useT();
  const label = useLabel();
  const [form] = Form.useForm<NewUserForm>();
  const roles = ROLES_OF_KIND[organisation.kind] ?? [];
  const create = useAction(
    async (key, values: NewUserForm) =>
      unwrap(
        await api.POST('/admin/users', {
          params: { header: { 'Idempotency-Key': key } },
          body: { ...values, isAdministrator: values.isAdministrator ?? false, ...(sendOrganisation ? { organisationId: organisation.id } : {}) },
        }),
      ),
    { success: t('已新增用户', 'User added'), quiet: true },
  );
  const passwordRules = usePasswordRules(() => form.getFieldValue('username') as string | undefined);
  return (
    <Modal
      open
      title={t(`新增用户：${organisation.name}`, `Add a user to ${organisation.name}`)}
      onCancel={onClose}
      maskClosable={false}
      okText={t('新增', 'Add')}
      cancelText={t('取消', 'Cancel')}
      okButtonProps={{ htmlType: 'submit', form: 'new-user', loading: create.pending }}
    >
      <Form form={form} id="new-user" layout="vertical" initialValues={{ role: roles[0], isAdministrator: false }} onFinish={(values) => void create.run(values).then((made) => made && onDone())} disabled={create.pending}>
        <Form.Item
          name="username"
          label={t('用户名', 'Username')}
          rules={[
            { required: true, message: t('请输入用户名', 'Enter a username') },
            { pattern: USERNAME_PATTERN, message: t('3–64 位小写字母、数字或 . _ -，以字母或数字开头', '3–64 of a-z 0-9 . _ -, starting with a letter or digit') },
          ]}
        >
          <Input autoComplete="off" placeholder="staff2.xiangyuan" />
        </Form.Item>
        <Form.Item name="displayName" label={t('姓名', 'Name')} rules={[{ required: true, whitespace: true, message: t('请输入姓名', 'Enter a name') }, { max: 100, message: t('不能超过 100 个字符', 'At most 100 characters') }]}>
          <Input autoComplete="off" />
        </Form.Item>
        {/* Always set (the organisation's first role to start with): no rule, whose aria-required the Select's box may not carry. */}
        <Form.Item name="role" label={t('角色', 'Role')}>
          <Select options={roles.map((role) => ({ value: role, label: label(ROLE[role]) }))} />
        </Form.Item>
        <Form.Item name="password" label={t('初始密码', 'Password')} rules={passwordRules} extra={t('至少 10 个字符，含字母、数字、符号中的两类，不含用户名', 'At least 10 characters of two kinds, not containing the username')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="isAdministrator" valuePropName="checked">
          <Checkbox>{t('管理员（可管理本组织用户）', 'Administrator (manages this organisation’s users)')}</Checkbox>
        </Form.Item>
        <RefusalAlert error={create.error} />
      </Form>
    </Modal>
  );
}

function PasswordModal({ user, onClose }: { user: User; onClose(): void }) {
  const t = useT();
  const [form] = Form.useForm<{ password: string }>();
  const reset = useAction(
    async (key, password: string) => {
      const result = await api.POST('/admin/users/{username}/password', { params: { path: { username: user.username }, header: { 'Idempotency-Key': key } }, body: { password } });
      unwrap(result);
      return true;
    },
    { success: t('密码已重置，该用户需重新登录', 'Password reset: they sign in again'), quiet: true },
  );
  const passwordRules = usePasswordRules(() => user.username);
  return (
    <Modal
      open
      title={t(`重置密码：${user.username}`, `Reset the password of ${user.username}`)}
      onCancel={onClose}
      maskClosable={false}
      okText={t('重置', 'Reset')}
      cancelText={t('取消', 'Cancel')}
      okButtonProps={{ htmlType: 'submit', form: 'reset-password', loading: reset.pending }}
    >
      <Form form={form} id="reset-password" layout="vertical" onFinish={({ password }) => void reset.run(password).then((done) => done && onClose())} disabled={reset.pending}>
        <Form.Item name="password" label={t('新密码', 'New password')} rules={passwordRules}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <RefusalAlert error={reset.error} />
      </Form>
    </Modal>
  );
}
