import { CheckCircleOutlined, CheckSquareOutlined, EditOutlined, FieldTimeOutlined, PauseCircleOutlined, PlayCircleOutlined, RollbackOutlined } from '@ant-design/icons';
import { Button, Popconfirm } from 'antd';
import { Suspense, useState } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useSession } from '../api/session';
import { RefusalAlert, useAction } from '../shared/actions';
import { useT } from '../shared/i18n';
import { preloadable } from '../shared/preloadable';
import { useScreens } from '../shared/screens';
import type { CaseStatus } from '../shared/labels';
import type { TaskDialogKind } from './task-dialogs';

/**
 * The task as an inbox row or a case view's `task` gives it: an inbox row fits as it is
 * (`task={row}`), and so does a case view's task (`task={view.task}`).
 */
export interface TaskOfCase {
  assigneeOrganisationId: string | null;
  assigneeKind?: Schemas['TaskDto']['assigneeKind'];
  deadlines: Schemas['TaskDeadlinesDto'];
  extensionRequest?: Schemas['ExtensionRequestDto'];
  /** Unknown (a case view does not say): both pause and resume are offered, and the API refuses the one that does not apply. */
  clockPaused?: boolean;
}

export interface TaskActionsProps {
  caseId: string;
  status: CaseStatus;
  task: TaskOfCase | null;
  /** After an action succeeded: the caller refreshes what it shows. */
  onDone?(): void;
}

const RUNNING: readonly CaseStatus[] = ['awaiting_sign_for', 'in_progress'];

/**
 * The dialogs' code (forms, photo upload, number input, radio buttons) in a chunk of its own: a
 * list of tasks shows only their buttons, and its first rows need not wait for it. It loads as the
 * pointer or the focus comes to the buttons, so that a dialog usually opens at once.
 */
const { Component: TaskDialog, load: loadTaskDialogs } = preloadable(() => import('./task-dialogs'));
const preloadTaskDialogs = () => void loadTaskDialogs().catch(() => undefined);

/**
 * The assignee's actions on its task: 签收, 办理进展 and 办结答复 with photos, 退单 with a reason,
 * 申请延期, 暂停计时 / 恢复计时. Offered only to the organisation holding the task, and only those the
 * case's state allows; each write carries its Idempotency-Key, and a refusal shows the API's words
 * in the form, which keeps what was typed.
 */
export function TaskActions({ caseId, status, task, onDone }: TaskActionsProps) {
  const t = useT();
  const user = useSession();
  const screens = useScreens();
  const [open, setOpen] = useState<TaskDialogKind>();
  const path = { caseId };
  const done = () => {
    setOpen(undefined);
    onDone?.();
  };

  const signFor = useAction(async (key) => unwrap(await api.POST('/cases/{caseId}/task/sign-for', { params: { path, header: { 'Idempotency-Key': key } } })), {
    success: t('已签收', 'Signed for'),
  });
  const resume = useAction(async (key) => unwrap(await api.POST('/cases/{caseId}/clock/resume', { params: { path, header: { 'Idempotency-Key': key } } })), {
    success: t('已恢复计时', 'Clock resumed'),
  });

  const holder = user && (user.role === 'property_company' || user.role === 'owners_committee') && task?.assigneeOrganisationId === user.organisationId;
  if (!holder || !task || !RUNNING.includes(status)) return null;

  const signedFor = status === 'in_progress';
  const resolveDue = task.deadlines.resolve?.due;
  const mayAskExtension = !task.extensionRequest && (resolveDue === undefined || Date.parse(resolveDue) > Date.now());
  const big = !screens.md;
  const buttonStyle = big ? { minHeight: 44, flex: '1 1 calc(50% - 8px)' } : undefined;
  const label = (zh: string, en: string) => t(zh, en);

  return (
    <>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }} onPointerEnter={preloadTaskDialogs} onFocus={preloadTaskDialogs}>
        {!signedFor ? (
          <Button type="primary" icon={<CheckSquareOutlined />} loading={signFor.pending} style={buttonStyle} onClick={() => void signFor.run().then((answer) => answer && onDone?.())}>
            {label('签收', 'Sign for')}
          </Button>
        ) : (
          <>
            <Button type="primary" icon={<CheckCircleOutlined />} style={buttonStyle} onClick={() => setOpen('resolve')}>
              {label('办结答复', 'Resolve')}
            </Button>
            <Button icon={<EditOutlined />} style={buttonStyle} onClick={() => setOpen('progress')}>
              {label('办理进展', 'Progress')}
            </Button>
          </>
        )}
        <Button icon={<RollbackOutlined />} style={buttonStyle} onClick={() => setOpen('return')}>
          {label('退单', 'Return')}
        </Button>
        {mayAskExtension ? (
          <Button icon={<FieldTimeOutlined />} style={buttonStyle} onClick={() => setOpen('extension')}>
            {label('申请延期', 'Ask for more time')}
          </Button>
        ) : null}
        {task.clockPaused !== true ? (
          <Button icon={<PauseCircleOutlined />} style={buttonStyle} onClick={() => setOpen('pause')}>
            {label('暂停计时', 'Pause clock')}
          </Button>
        ) : null}
        {task.clockPaused !== false ? (
          <Popconfirm title={t('恢复计时？时限将顺延暂停的时长。', 'Resume the clock? Deadlines move back by the paused time.')} okText={t('恢复', 'Resume')} cancelText={t('取消', 'Cancel')} onConfirm={() => void resume.run().then((answer) => answer && onDone?.())}>
            <Button icon={<PlayCircleOutlined />} loading={resume.pending} style={buttonStyle}>
              {label('恢复计时', 'Resume clock')}
            </Button>
          </Popconfirm>
        ) : null}
      </div>
      {signFor.error || resume.error ? (
        <div style={{ marginTop: 8 }}>
          <RefusalAlert error={signFor.error ?? resume.error} />
        </div>
      ) : null}
      {open ? (
        <Suspense>
          <TaskDialog kind={open} caseId={caseId} committee={task.assigneeKind === 'owners_committee' || user.role === 'owners_committee'} onClose={() => setOpen(undefined)} onDone={done} />
        </Suspense>
      ) : null}
    </>
  );
}

