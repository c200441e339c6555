import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Space, Tag, Typography } from 'antd';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { session, useSession } from '../api/session';
import { RefusalAlert, useAction, useLoad } from '../shared/actions';
import { useLabel, useT } from '../shared/i18n';
import { ROLE } from '../shared/labels';
import { LanguageSwitch } from '../shell/language-switch';
import { homeOf } from '../shell/routes';

interface Credentials {
  username: string;
  password: string;
}

const DEMO_PASSWORD = 'yixin-demo';

export function SignInPage() {
  const t = useT();
  const label = useLabel();
  const user = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Credentials>();
  const demoUsers = useLoad(async () => unwrap(await api.GET('/auth/demo-users', {})), []);
  const signIn = useAction(
    async (_key, credentials: Credentials) => {
      const signedIn = unwrap(await api.POST('/auth/login', { body: credentials }));
      session.signIn(signedIn);
      navigate(params.get('next') || homeOf(signedIn), { replace: true });
    },
    { quiet: true },
  );
  if (user) return <Navigate to={homeOf(user)} replace />;
  return (
    <main style={{ minHeight: '100vh', background: 'linear-gradient(160deg, #e6f4ff 0%, #f5f5f5 60%)', padding: '6vh 12px' }}>
      <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 420, margin: '0 auto', display: 'flex' }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {t('一心 · 两会协同', 'yixin · One Center')}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        <Typography.Text type="secondary">{t('一心两会：居民物业诉求从受理到满意', 'One center, two councils: residents’ complaints from filing to satisfaction')}</Typography.Text>
        <Card title={t('登录', 'Sign in')}>
          <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void signIn.run(values)} disabled={signIn.pending}>
            <Form.Item name="username" label={t('用户名', 'Username')} rules={[{ required: true, message: t('请输入用户名', 'Enter your username') }, { max: 100 }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" size="large" />
            </Form.Item>
            <Form.Item name="password" label={t('密码', 'Password')} rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
            </Form.Item>
            {signIn.error ? (
              <Form.Item>
                <RefusalAlert error={signIn.error} />
              </Form.Item>
            ) : null}
            <Button type="primary" htmlType="submit" size="large" block loading={signIn.pending}>
              {t('登录', 'Sign in')}
            </Button>
          </Form>
        </Card>
        {demoUsers.data && demoUsers.data.length > 0 ? (
          <Card
            size="small"
            title={t('演示账号（点击即登录）', 'Demo users (click to sign in)')}
            extra={
              <Typography.Text type="secondary">
                {t('密码', 'password')} <Typography.Text code>{DEMO_PASSWORD}</Typography.Text>
              </Typography.Text>
            }
          >
            {/* antd's List would bring its Pagination and Select into every first load (issue 15): the same look, in console.css. */}
            <ul className="yx-demo-users">
              {demoUsers.data.map((demo) => (
                <li key={demo.username} className="yx-demo-user">
                  <div className="yx-demo-user-name">
                    <Button type="link" size="small" style={{ padding: 0 }} onClick={() => void signIn.run({ username: demo.username, password: DEMO_PASSWORD })}>
                      {demo.username}
                    </Button>
                  </div>
                  <div className="yx-demo-user-description">
                    <Space size={4} wrap>
                      <span>{demo.displayName}</span>
                      <Tag>{label(ROLE[demo.role])}</Tag>
                      {demo.isAdministrator ? <Tag color="gold">{t('管理员', 'admin')}</Tag> : null}
                    </Space>
                  </div>
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
      </Space>
    </main>
  );
}
