import { Select, type SelectProps } from 'antd';

/**
 * A Select inside a Form.Item. The item hands its child `aria-required`, which antd's Select puts
 * on its outer <div>, where ARIA does not allow it (axe: aria-allowed-attr, critical); the item's
 * label and required mark still say it is required.
 */
export function FormSelect<Value = unknown>(props: SelectProps<Value> & { 'aria-required'?: unknown }) {
  const { 'aria-required': _required, ...select } = props;
  return <Select<Value> {...select} />;
}
