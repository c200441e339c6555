import { CameraOutlined } from '@ant-design/icons';
import { Space, Upload, type UploadFile } from 'antd';
import { useEffect, useState } from 'react';
import { uploadPhoto } from '../api/client';
import { RefusalAlert } from '../shared/actions';
import { useT } from '../shared/i18n';

/** The API takes at most this many photos as a progress report's or a resolution's evidence. */
export const MAX_EVIDENCE_PHOTOS = 10;

export interface PhotoPickerProps {
  caseId: string;
  /** The hashes of the photos uploaded, to cite as `evidence`. */
  value?: string[];
  onChange?(hashes: string[]): void;
  /** Whether a photo is still on its way, so that the form waits for it before sending. */
  onBusyChange?(busy: boolean): void;
  disabled?: boolean;
}

/**
 * Photos for a case, taken with the phone's camera or chosen from its gallery: each is uploaded at
 * once and shown as a thumbnail; one the API refuses (not a photo, too large) is dropped from the
 * list and its refusal shown with the API's own message.
 */
export function PhotoPicker({ caseId, value, onChange, onBusyChange, disabled }: PhotoPickerProps) {
  const t = useT();
  const [files, setFiles] = useState<UploadFile<{ hash: string }>[]>([]);
  const [refusal, setRefusal] = useState<unknown>();

  // The form was reset (after a success): the photos shown go with it.
  useEffect(() => {
    if ((value ?? []).length === 0 && files.some((file) => file.status === 'done')) setFiles([]);
  }, [value]);

  const settle = (next: UploadFile<{ hash: string }>[]) => {
    const kept = next.filter((file) => file.status !== 'error');
    setFiles(kept);
    onBusyChange?.(kept.some((file) => file.status === 'uploading'));
    const hashes = kept.flatMap((file) => (file.status === 'done' && file.response ? [file.response.hash] : []));
    if (hashes.join() !== (value ?? []).join()) onChange?.(hashes);
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Upload<{ hash: string }>
        listType="picture-card"
        accept="image/*"
        capture="environment"
        multiple
        disabled={disabled}
        fileList={files}
        maxCount={MAX_EVIDENCE_PHOTOS}
        customRequest={({ file, onSuccess, onError }) => {
          setRefusal(undefined);
          uploadPhoto(caseId, file as File).then(
            (answer) => onSuccess?.(answer),
            (error: unknown) => {
              onError?.(error as Error);
              setRefusal(error);
            },
          );
        }}
        onChange={({ fileList }) => settle(fileList)}
        showUploadList={{ showPreviewIcon: false }}
      >
        {files.length >= MAX_EVIDENCE_PHOTOS ? null : (
          <div>
            <CameraOutlined style={{ fontSize: 22 }} aria-hidden />
            <div style={{ marginTop: 6 }}>{t('拍照/选照片', 'Take or pick a photo')}</div>
          </div>
        )}
      </Upload>
      <RefusalAlert error={refusal} />
    </Space>
  );
}
