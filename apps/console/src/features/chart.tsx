import { Empty, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';

/** What the console's charts may draw: bars, lines and pies, with axes, a legend and tooltips. */
export type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

type EChartsCore = typeof import('echarts/core');

/**
 * ECharts in its own chunk, loaded when the first chart is drawn and only with the charts and
 * components used here, so that neither the shell nor any screen without charts carries it.
 */
let echarts: Promise<EChartsCore> | undefined;
function loadECharts(): Promise<EChartsCore> {
  echarts ??= Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]).then(
    ([core, charts, components, renderers]) => {
      core.use([charts.BarChart, charts.LineChart, charts.PieChart, components.GridComponent, components.LegendComponent, components.TooltipComponent, renderers.CanvasRenderer]);
      return core;
    },
  );
  return echarts;
}

export interface ChartProps {
  option: ChartOption;
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  description: string;
  height?: number;
  /** Nothing to draw: an empty state instead of empty axes. */
  empty?: boolean;
  emptyText?: string;
}

/** A chart that follows its box's width and redraws when its option changes. */
export function Chart({ option, description, height = 300, empty, emptyText }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<EChartsCore['init']>>();
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void loadECharts().then((core) => {
      if (disposed || !box.current) return;
      chart.current = core.init(box.current, undefined, { renderer: 'canvas' });
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(box.current);
      setReady(true);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    if (ready && !empty) chart.current?.setOption(option, { notMerge: true });
  }, [ready, option, empty]);

  return (
    <div style={{ position: 'relative', height }}>
      <div ref={box} role="img" aria-label={description} data-chart-ready={ready && !empty ? 'true' : 'false'} style={{ width: '100%', height, visibility: empty ? 'hidden' : 'visible' }} />
      {empty ? <Empty style={{ position: 'absolute', inset: 0, paddingTop: height / 4 }} description={emptyText} /> : !ready ? <Spin style={{ position: 'absolute', inset: 0, paddingTop: height / 2 - 10 }} /> : null}
    </div>
  );
}
