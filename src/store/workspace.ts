/**
 * What the page shows — the playground, the side-by-side comparison or the Dirac-GAN — which
 * lesson is open, and which controls a teacher hid, all shareable in the URL hash:
 *
 *   #{"loss":"rpgan"}                                   (settings only: the original link form)
 *   #lesson=mode-collapse                               (a lesson with its preset)
 *   #view=dirac&dirac={"r1":0.3}&hide=loss,penalties    (a focused classroom view)
 *   #lesson=r3gan-fix&cfg={"seed":2}                    (a lesson, then changed settings)
 *
 * The settings part (`cfg`) is exactly what urlState's configToHash/configFromHash read and
 * write, so links keep one validation path. Everything else is checked here with zod; a bad
 * entry is named in a notice and falls back to its default, the others still apply.
 */
import { z } from 'zod';
import { createStore } from 'zustand/vanilla';

export const WORKSPACE_TABS = ['playground', 'compare', 'dirac'] as const;
export type WorkspaceTab = (typeof WORKSPACE_TABS)[number];

/** Controls a teacher can hide (`hide=loss,penalties`). */
export const HIDEABLE_CONTROLS = [
  'dataset',
  'model',
  'loss',
  'penalties',
  'optimizer',
  'training',
  'update',
  'lr',
  'backend',
  'tabs',
  'lessons',
] as const;
export type HideableControl = (typeof HIDEABLE_CONTROLS)[number];

const lessonIdSchema = z
  .string()
  .max(64)
  .regex(/^[a-z0-9-]+$/, 'not a lesson name');
const hideSchema = z.enum(HIDEABLE_CONTROLS);
const tabSchema = z.enum(WORKSPACE_TABS);

export interface WorkspaceParams {
  tab: WorkspaceTab | null;
  lesson: string | null;
  hidden: HideableControl[];
  /** The Dirac-GAN settings patch, still unvalidated (JSON text). */
  dirac: string | null;
  /** The settings part in urlState's form ('' or '#…'). */
  configHash: string;
  problems: string[];
}

const KNOWN_PARAMS = new Set(['view', 'lesson', 'hide', 'dirac', 'cfg']);

/** Splits a hash into the workspace parameters and the settings part. Never throws. */
export function parseWorkspaceHash(hash: string): WorkspaceParams {
  const raw = hash.replace(/^#/, '');
  const empty: WorkspaceParams = {
    tab: null,
    lesson: null,
    hidden: [],
    dirac: null,
    configHash: '',
    problems: [],
  };
  if (raw === '') return empty;
  // A real link is well under a kilobyte (settings ~700 characters); don't parse megabytes.
  if (raw.length > 20_000) {
    return { ...empty, problems: [`the link is too long (${raw.length} characters)`] };
  }
  // The original form: the whole hash is the settings JSON.
  if (raw.startsWith('{') || raw.toLowerCase().startsWith('%7b'))
    return { ...empty, configHash: `#${raw}` };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(raw);
  } catch {
    return { ...empty, problems: ['the link is not readable'] };
  }
  const out: WorkspaceParams = { ...empty, problems: [] };
  for (const key of new Set(params.keys())) {
    if (!KNOWN_PARAMS.has(key)) out.problems.push(`"${key.slice(0, 30)}": unknown link entry`);
    // view=dirac&view=compare: say which one counts rather than take the first silently.
    else if (params.getAll(key).length > 1)
      out.problems.push(`${key}: given ${params.getAll(key).length} times; the first was used`);
  }
  const view = params.get('view');
  if (view !== null) {
    const parsed = tabSchema.safeParse(view);
    if (parsed.success) out.tab = parsed.data;
    else out.problems.push(`view: "${view.slice(0, 30)}" is not a view`);
  }
  const lesson = params.get('lesson');
  if (lesson !== null) {
    const parsed = lessonIdSchema.safeParse(lesson);
    if (parsed.success) out.lesson = parsed.data;
    else out.problems.push(`lesson: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const hide = params.get('hide');
  if (hide !== null && hide !== '') {
    for (const item of hide.split(',').slice(0, 32)) {
      const parsed = hideSchema.safeParse(item.trim());
      if (parsed.success) {
        if (!out.hidden.includes(parsed.data)) out.hidden.push(parsed.data);
      } else out.problems.push(`hide: "${item.slice(0, 30)}" is not a control`);
    }
  }
  out.dirac = params.get('dirac');
  const cfg = params.get('cfg');
  if (cfg !== null && cfg !== '') out.configHash = `#${encodeURIComponent(cfg)}`;
  out.problems = capProblems(out.problems);
  return out;
}

/** At most this many problems are listed in the notice (a hostile link can have thousands). */
const MAX_PROBLEMS = 8;

function capProblems(problems: string[]): string[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_PROBLEMS - 1),
    `and ${problems.length - MAX_PROBLEMS + 1} more problems`,
  ];
}

/** The hash for a workspace state; the original settings-only form when nothing else is set. */
export function workspaceHash(p: {
  tab: WorkspaceTab;
  lesson: string | null;
  hidden: readonly string[];
  dirac: string | null;
  configHash: string;
}): string {
  const params = new URLSearchParams();
  if (p.tab !== 'playground') params.set('view', p.tab);
  if (p.lesson) params.set('lesson', p.lesson);
  if (p.hidden.length > 0) params.set('hide', p.hidden.join(','));
  if (p.dirac) params.set('dirac', p.dirac);
  const settings = p.configHash.replace(/^#/, '');
  if (params.size === 0) return settings === '' ? '' : `#${settings}`;
  if (settings !== '') params.set('cfg', decodeURIComponent(settings));
  // Commas and braces stay readable in a shared link.
  return `#${params.toString().replace(/%2C/g, ',')}`;
}

export interface WorkspaceState {
  tab: WorkspaceTab;
  lesson: string | null;
  hidden: HideableControl[];
  setTab(tab: WorkspaceTab): void;
  setLesson(lesson: string | null): void;
  setHidden(hidden: HideableControl[]): void;
}

export function createWorkspaceStore(initial: Partial<WorkspaceState> = {}) {
  return createStore<WorkspaceState>()((set) => ({
    tab: 'playground',
    lesson: null,
    hidden: [],
    ...initial,
    setTab(tab) {
      set({ tab });
    },
    setLesson(lesson) {
      set({ lesson });
    },
    setHidden(hidden) {
      set({ hidden });
    },
  }));
}

export type WorkspaceStoreApi = ReturnType<typeof createWorkspaceStore>;
