/** The tabs that switch the page between the playground, the comparison and the Dirac-GAN. */
import { useStore } from 'zustand';

import type { WorkspaceStoreApi, WorkspaceTab } from '../store/workspace';

const TAB_LABELS: Record<WorkspaceTab, string> = {
  playground: 'Playground',
  compare: 'Compare',
  dirac: 'Dirac-GAN',
};

export function WorkspaceTabs({ workspace }: { workspace: WorkspaceStoreApi }) {
  const tab = useStore(workspace, (s) => s.tab);
  return (
    <nav className="workspace-tabs" role="tablist" aria-label="Views">
      {(Object.keys(TAB_LABELS) as WorkspaceTab[]).map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={tab === t}
          onClick={() => workspace.getState().setTab(t)}
        >
          {TAB_LABELS[t]}
        </button>
      ))}
    </nav>
  );
}
