/**
 * The saved runs of this browser: a small IndexedDB wrapper (no dependency) over the run
 * content of `runFile.ts`. Two object stores in one database per origin: summaries (what the
 * list shows, read without the weights) and contents (weights, optimiser state, histories), by
 * the same id. Everything read back is checked again (a record of another layout is not listed),
 * and a storage failure is put in words (storageError).
 */
import { z } from 'zod';

import { ganConfigSchema, imageGanConfigSchema, type AnyGanConfig } from '../../engine/core/config';
import type { RunKind } from '../../protocol';
import { cleanRunName } from '../names';
import { parseRunContent, type RunContent } from './runFile';

/** What the list shows (read without the weights). */
export interface SavedRunSummary {
  id: string;
  name: string;
  /** Milliseconds since 1970 (Date.now()). */
  savedAt: number;
  kind: RunKind;
  config: AnyGanConfig;
  iteration: number;
  /** PNG of the plane (or the sample grid) when it was saved (imported runs have none). */
  thumbnail: Blob | null;
}

export interface SavedRun extends SavedRunSummary {
  content: RunContent;
}

const DB_NAME = 'gan-playground';
const DB_VERSION = 1;
/** Summaries (what the list shows), so listing never reads the weights. */
const SUMMARIES = 'savedRuns';
/** Weights, optimiser state and histories, by the same id. */
const CONTENTS = 'savedRunContents';
/** The stored records' layout; records of another layout are not listed. */
const RECORD_VERSION = 1;

interface StoredSummary extends SavedRunSummary {
  version: number;
}

interface StoredContent {
  id: string;
  version: number;
  content: RunContent;
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** The summary of either kind as stored: the settings pass the schema of its kind. */
function summaryOfKind<K extends RunKind, C extends z.ZodType>(kind: K, config: C) {
  return z.object({
    version: z.literal(RECORD_VERSION),
    kind: z.literal(kind),
    id: z.string(),
    name: z.string(),
    savedAt: z.number(),
    iteration: z.number().int(),
    thumbnail: z.instanceof(Blob).nullable(),
    config,
  });
}

/**
 * A summary read back from IndexedDB as this version wrote it (other keys are dropped; zod's
 * numbers are finite and its integers safe).
 */
export const storedSummarySchema = z
  .discriminatedUnion('kind', [
    summaryOfKind('toy', ganConfigSchema),
    summaryOfKind('image', imageGanConfigSchema),
  ])
  .transform(({ id, name, savedAt, kind, config, iteration, thumbnail }): SavedRunSummary => ({
    id,
    name,
    savedAt,
    kind,
    config: config as AnyGanConfig,
    iteration,
    thumbnail,
  }));

/** A summary read back from IndexedDB, or null if it is not one this version wrote. */
export function parseStoredSummary(x: unknown): SavedRunSummary | null {
  const parsed = storedSummarySchema.safeParse(x);
  return parsed.success ? parsed.data : null;
}

/** What `navigator.storage.estimate()` gives (bytes); injectable for tests. */
export type StorageEstimator = () => Promise<{ usage?: number; quota?: number }>;

const browserEstimate: StorageEstimator = async () => {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.estimate) return {};
  return storage.estimate();
};

const megabytes = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

/**
 * A storage failure in words. A full storage (QuotaExceededError, whose message is often empty)
 * says how much is used of what, and what to do; any other failure keeps its message, or its
 * name when the message is empty.
 */
export async function storageError(
  error: unknown,
  estimate: StorageEstimator = browserEstimate,
): Promise<Error> {
  const name =
    typeof error === 'object' && error !== null ? String((error as Error).name ?? '') : '';
  const message =
    typeof error === 'object' && error !== null
      ? String((error as Error).message ?? '').trim()
      : String(error ?? '').trim();
  if (name === 'QuotaExceededError' || /quota/i.test(message)) {
    const e = await estimate().catch(() => ({}) as { usage?: number; quota?: number });
    const used =
      e.usage !== undefined && e.quota !== undefined && e.quota > 0
        ? ` (${megabytes(e.usage)} used of ${megabytes(e.quota)})`
        : '';
    return new Error(
      `the browser's storage for this site is full${used}; delete saved runs or export them to files to make room`,
    );
  }
  if (message) return new Error(message);
  return new Error(
    name ? `the browser's storage refused it (${name})` : "the browser's storage refused it",
  );
}

/** The saved runs of this browser (one database per origin), newest first. */
export class SavedRunsDb {
  /**
   * Set when an operation failed: the next one opens a new connection first. (After a quota
   * error Chromium may leave the connection unusable, so that even a save after deleting runs
   * failed.)
   */
  private stale = false;

  private constructor(
    private db: IDBDatabase,
    private readonly name: string,
    private readonly estimate: StorageEstimator,
  ) {}

  static async open(name = DB_NAME, estimate = browserEstimate): Promise<SavedRunsDb> {
    return new SavedRunsDb(await openDatabase(name), name, estimate);
  }

  close(): void {
    this.db.close();
  }

  /** Runs `action` on a working connection; a failure is put in words (storageError). */
  private async use<T>(action: (db: IDBDatabase) => Promise<T>): Promise<T> {
    try {
      if (this.stale) {
        this.db.close();
        this.db = await openDatabase(this.name);
        this.stale = false;
      }
      return await action(this.db);
    } catch (error) {
      this.stale = true;
      throw await storageError(error, this.estimate);
    }
  }

  async list(): Promise<SavedRunSummary[]> {
    return this.use(async (db) => {
      const tx = db.transaction(SUMMARIES, 'readonly');
      const all = await settle(tx.objectStore(SUMMARIES).getAll());
      return all
        .map(parseStoredSummary)
        .filter((s): s is SavedRunSummary => s !== null)
        .sort((a, b) => b.savedAt - a.savedAt);
    });
  }

  /** The whole run; throws with a readable message if it is missing or unreadable. */
  async load(id: string): Promise<SavedRun> {
    const [summary, stored] = await this.use(async (db) => {
      const tx = db.transaction([SUMMARIES, CONTENTS], 'readonly');
      return Promise.all([
        settle(tx.objectStore(SUMMARIES).get(id)),
        settle(tx.objectStore(CONTENTS).get(id)) as Promise<StoredContent | undefined>,
      ]);
    });
    const parsedSummary = parseStoredSummary(summary);
    if (!parsedSummary || !stored || stored.version !== RECORD_VERSION) {
      throw new Error('the saved run is missing or was saved by another version of the app');
    }
    const content = parseRunContent(stored.content);
    if (!content.ok) throw new Error(`the saved run is damaged (${content.message})`);
    return { ...parsedSummary, content: content.value };
  }

  async save(run: SavedRun): Promise<void> {
    const { content, ...summary } = run;
    const stored: StoredSummary = {
      ...summary,
      name: cleanRunName(summary.name),
      version: RECORD_VERSION,
    };
    await this.use(async (db) => {
      const tx = db.transaction([SUMMARIES, CONTENTS], 'readwrite');
      const done = completion(tx);
      tx.objectStore(SUMMARIES).put(stored);
      tx.objectStore(CONTENTS).put({
        id: run.id,
        version: RECORD_VERSION,
        content,
      } satisfies StoredContent);
      await done;
    });
  }

  async rename(id: string, name: string): Promise<void> {
    const clean = cleanRunName(name);
    if (clean === '') throw new Error('a name cannot be empty');
    const found = await this.use(async (db) => {
      const tx = db.transaction(SUMMARIES, 'readwrite');
      const done = completion(tx);
      const store = tx.objectStore(SUMMARIES);
      const summary = (await settle(store.get(id))) as StoredSummary | undefined;
      if (!summary) {
        tx.abort();
        await done.catch(() => {});
        return false;
      }
      store.put({ ...summary, name: clean });
      await done;
      return true;
    });
    if (!found) throw new Error('the saved run no longer exists');
  }

  async remove(id: string): Promise<void> {
    await this.use(async (db) => {
      const tx = db.transaction([SUMMARIES, CONTENTS], 'readwrite');
      const done = completion(tx);
      tx.objectStore(SUMMARIES).delete(id);
      tx.objectStore(CONTENTS).delete(id);
      await done;
    });
  }
}

async function openDatabase(name: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    throw new Error('this browser does not offer IndexedDB storage here');
  }
  const request = indexedDB.open(name, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains(SUMMARIES))
      db.createObjectStore(SUMMARIES, { keyPath: 'id' });
    if (!db.objectStoreNames.contains(CONTENTS)) db.createObjectStore(CONTENTS, { keyPath: 'id' });
  };
  const db = await settle(request);
  // A newer version of the app in another tab wants to upgrade: let it.
  db.onversionchange = () => db.close();
  return db;
}
