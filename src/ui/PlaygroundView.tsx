/** The playground: the settings, the run's view and transport, its numbers, guide and curves. */
import { lazy, Suspense } from 'react';

import { ChartStrip } from './charts/ChartStrip';
import { useSettings } from './context';
import { SettingsPanel } from './controls/SettingsPanel';
import { RunCounters, TransportBar } from './controls/TransportBar';
import { ExportPanel } from './ExportPanel';
import { Guide, StackedGuide } from './Guide';
import { ModelOverview } from './overview/ModelOverview';
import { QualityNote } from './quality/QualityNote';
import { RunNotice } from './RunNotice';
import { StackedView } from './stacked/StackedView';
import { PlaneView } from './views/PlaneView';

// recharts is most of the page's JavaScript: load it beside the first paint, not before it.
const Charts = lazy(() => import('./charts/Charts').then((m) => ({ default: m.Charts })));

export function PlaygroundView() {
  const imageMode = useSettings((s) => s.mode === 'image');
  return (
    <main className="layout">
      <SettingsPanel />
      <div className="stage">
        <TransportBar />
        <RunNotice />
        {imageMode ? <StackedView /> : <PlaneView />}
        {!imageMode && <ModelOverview />}
      </div>
      <div className="side">
        <RunCounters />
        <ChartStrip />
        <QualityNote />
        {imageMode ? <StackedGuide /> : <Guide />}
        <ExportPanel />
      </div>
      <Suspense fallback={<section className="charts" aria-label="Training curves (loading)" />}>
        <Charts />
      </Suspense>
    </main>
  );
}
